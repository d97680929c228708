package dev.leadpipe.ops.auth;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.auth.StoredApiKey;
import dev.leadpipe.core.topic.CompactedTopicView;
import dev.leadpipe.core.topic.KafkaClientMeters;
import dev.leadpipe.core.topic.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API keys a service accepts: a {@link CompactedTopicView} of {@code leadpipe-api-keys} (followed from the
 * beginning; {@link #start} returns once it caught up, so a service started after a key was created accepts it at
 * once; a tombstone revokes a key within a poll). As an {@link Authenticator} it accepts {@code lpk_<keyId>_<secret>}
 * when the key id is known and the secret's hash matches (constant-time), checked on every request. Refusals are
 * logged with the key id only. The principal of a key is built once per stored version of the key (never holding
 * the secret): a changed or revoked key is seen by the next request.
 */
public final class ApiKeyCatalog implements Authenticator, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyCatalog.class);

    private static final int MAX_PRINCIPALS = 10_000;

    private final CompactedTopicView<StoredApiKey> view;
    /** Each key id's principal, with the stored key it was made from (compared by identity). */
    private final Map<String, Cached> principals = new ConcurrentHashMap<>();

    private record Cached(StoredApiKey stored, Principal principal) {}

    private ApiKeyCatalog(CompactedTopicView<StoredApiKey> view) {
        this.view = view;
    }

    /**
     * Starts following the keys topic and waits until it caught up.
     *
     * @throws IllegalStateException when it did not catch up within {@code catchUpTimeout}
     */
    public static ApiKeyCatalog start(KafkaConnection kafka, Duration catchUpTimeout) {
        return new ApiKeyCatalog(CompactedTopicView.start(kafka, Topics.API_KEYS, "API key catalog", catchUpTimeout));
    }

    @Override
    public Optional<Principal> authenticate(String credential) {
        Optional<ApiKeys.Parts> parts = ApiKeys.parse(credential);
        if (parts.isEmpty()) {
            LOG.info("refused a bearer credential that is not a well-formed API key");
            return Optional.empty();
        }
        String keyId = parts.get().keyId();
        Optional<StoredApiKey> stored = view.get(keyId);
        if (stored.isEmpty()
                || !ApiKeys.matches(parts.get().secret(), stored.get().secretHash())) {
            LOG.info("refused API key {}: {}", keyId, stored.isEmpty() ? "unknown or revoked" : "wrong secret");
            return Optional.empty();
        }
        return Optional.of(principalOf(stored.get()));
    }

    private Principal principalOf(StoredApiKey stored) {
        Cached cached = principals.get(stored.keyId());
        if (cached != null && cached.stored() == stored) {
            return cached.principal();
        }
        Set<Role> roles = new HashSet<>();
        for (String name : stored.roles()) {
            Role.byId(name).ifPresent(roles::add);
        }
        Principal principal = new Principal("key:" + stored.keyId(), roles, Set.copyOf(stored.publishers()));
        if (principals.size() >= MAX_PRINCIPALS) {
            principals.clear();
        }
        principals.put(stored.keyId(), new Cached(stored, principal));
        return principal;
    }

    /** How many keys are active. */
    public int size() {
        return view.size();
    }

    /** Exports the catalog's consumer's metrics through {@code kafkaMeters} until {@link #close()}. */
    public ApiKeyCatalog bindMeters(KafkaClientMeters kafkaMeters) {
        view.bindMeters(kafkaMeters);
        return this;
    }

    @Override
    public void close() {
        view.close();
    }
}
