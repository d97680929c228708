package dev.leadpipe.ops.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.topic.TopicAdmin;
import dev.leadpipe.ops.auth.ApiKeyRecords;
import dev.leadpipe.ops.auth.ApiKeys;
import dev.leadpipe.ops.auth.Role;

/**
 * API keys for tests, in one line: {@code String key = TestKeys.operator(bootstrap);} writes a new key's record to
 * {@code leadpipe-api-keys} (creating the pipeline's topics first) and returns the full key. A service started after
 * the call accepts the key at once (its catalog catches up before it serves); one already running accepts it within a
 * poll. {@link #bearer} makes the header value.
 */
public final class TestKeys {
    private TestKeys() {}

    /** A new operator key (every role, every publisher). */
    public static String operator(String bootstrapServers) {
        return create(bootstrapServers, EnumSet.of(Role.OPERATOR));
    }

    /** A new key with these roles, scoped to {@code publishers} (none: every publisher). */
    public static String create(String bootstrapServers, Set<Role> roles, String... publishers) {
        return create(KafkaConnection.plaintext(bootstrapServers), roles, publishers);
    }

    /** A new operator key, written through {@code kafka} (a secured cluster, say). */
    public static String operator(KafkaConnection kafka) {
        return create(kafka, EnumSet.of(Role.OPERATOR));
    }

    /** As {@link #create(String, Set, String...)}, written through {@code kafka}. */
    public static String create(KafkaConnection kafka, Set<Role> roles, String... publishers) {
        TopicAdmin.ensureTopics(kafka, (short) 1);
        ApiKeys.NewKey key = ApiKeys.create(roles, List.of(publishers), "test", Instant.now());
        ApiKeyRecords.put(kafka, key.stored(), Duration.ofSeconds(30));
        return key.key();
    }

    /** A new key with one role, scoped to {@code publishers} (none: every publisher). */
    public static String create(String bootstrapServers, Role role, String... publishers) {
        return create(bootstrapServers, EnumSet.of(role), publishers);
    }

    /** {@code Bearer <key>}, the {@code Authorization} header's value. */
    public static String bearer(String key) {
        return "Bearer " + key;
    }
}
