package dev.leadpipe.leadctl;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.leadpipe.core.auth.StoredApiKey;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.ops.auth.ApiKeyRecords;
import dev.leadpipe.ops.auth.ApiKeys;
import dev.leadpipe.ops.auth.Role;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code leadctl keys}: the API keys the ingest and status services accept, in the compacted topic
 * {@code leadpipe-api-keys} (Kafka, like {@code dlq}). {@code create} prints the new key once on stdout (only its
 * hash is stored: it can never be shown again); {@code list} shows id, roles, publishers, creation time and
 * description, never a hash or secret; {@code revoke} writes the tombstone that makes the services refuse the key.
 */
@Command(
        name = "keys",
        mixinStandardHelpOptions = true,
        versionProvider = Leadctl.Version.class,
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class},
        description = {
            "Create, list and revoke the API keys of the ingest and status services (topic leadpipe-api-keys).",
            "Roles: leads:write, destinations:admin, status:read, metrics:read, operator. --publisher scopes a key"
                    + " to publishers (none: every publisher)."
        })
final class KeysCommand extends GroupCommand {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    KeysCommand() {
        super("create, list or revoke");
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            versionProvider = Leadctl.Version.class,
            description = {
                "Create an API key and print it once on stdout; only its hash is stored, so it cannot be shown again.",
                "Send it as 'Authorization: Bearer <key>'."
            },
            footer = {"", "Exit codes: 0 created, 1 failed, 2 bad arguments, 3 Kafka unreachable."})
    static final class Create extends LeadctlCommand {
        @Option(
                names = "--role",
                paramLabel = "ROLE",
                required = true,
                description = "A role of the key (repeatable): leads:write, destinations:admin, status:read,"
                        + " metrics:read, operator.")
        List<String> roles;

        @Option(
                names = "--publisher",
                paramLabel = "PUBLISHER_ID",
                description = "A publisher the key may act for (repeatable); none: every publisher.")
        List<String> publishers = new ArrayList<>();

        @Option(names = "--description", paramLabel = "TEXT", description = "What the key is for.")
        String description;

        @Override
        int execute() {
            Set<Role> parsed = new LinkedHashSet<>();
            for (String r : roles) {
                parsed.add(Role.byId(r.trim())
                        .orElseThrow(() -> new LeadctlException(
                                ExitCodes.USAGE,
                                "unknown role '" + r.trim() + "': use one of "
                                        + Arrays.stream(Role.values())
                                                .map(Role::id)
                                                .collect(Collectors.joining(", ")))));
            }
            Set<String> scope = new LinkedHashSet<>();
            for (String p : publishers) {
                String id = p.trim();
                if (!id.matches("[A-Za-z0-9_-]+")) {
                    throw new LeadctlException(
                            ExitCodes.USAGE,
                            "--publisher needs a publisher id (the part of an offer id before the dot), not '" + id
                                    + "'");
                }
                scope.add(id);
            }
            ApiKeys.NewKey key = ApiKeys.create(
                    parsed, List.copyOf(scope), description, Instant.now().truncatedTo(ChronoUnit.SECONDS));
            KafkaAccess kafka = kafka(Topics.API_KEYS.name());
            try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
                ApiKeyRecords.put(producer, key.stored(), TIMEOUT);
            }
            err().println("created key " + key.stored().keyId() + " ("
                    + String.join(", ", key.stored().roles())
                    + "; publishers: " + publishersText(key.stored()) + "); it is printed once, below, and never"
                    + " shown again");
            err().flush();
            out().println(key.key());
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            versionProvider = Leadctl.Version.class,
            description = "List the active API keys: id, roles, publishers, created, description (never the key).",
            footer = {"", "Exit codes: 0 ok (also when there is none), 1 failed, 3 Kafka unreachable."})
    static final class ListKeys extends LeadctlCommand {
        @Override
        int execute() {
            Map<String, StoredApiKey> keys = active(kafka(Topics.API_KEYS.name()));
            if (keys.isEmpty()) {
                out().println("No active API keys.");
                return ExitCodes.OK;
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"KEY ID", "ROLES", "PUBLISHERS", "CREATED", "DESCRIPTION"});
            for (StoredApiKey k : keys.values()) {
                rows.add(new String[] {
                    k.keyId(),
                    String.join(",", k.roles()),
                    publishersText(k),
                    k.createdAt() == null ? null : k.createdAt().toString(),
                    k.description()
                });
            }
            TextTable.print(out(), rows);
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "revoke",
            mixinStandardHelpOptions = true,
            versionProvider = Leadctl.Version.class,
            description = "Revoke an API key: the services refuse it within seconds.",
            footer = {"", "Exit codes: 0 revoked, 1 no such active key or failed, 2 bad arguments, 3 Kafka unreachable."
            })
    static final class Revoke extends LeadctlCommand {
        @Parameters(index = "0", paramLabel = "KEY_ID", description = "The key's id (leadctl keys list).")
        String keyId;

        @Override
        int execute() {
            String id = keyId.trim();
            KafkaAccess kafka = kafka(Topics.API_KEYS.name());
            if (!active(kafka).containsKey(id)) {
                throw new LeadctlException(ExitCodes.NOT_FOUND, "no active API key has the id " + id);
            }
            try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
                ApiKeyRecords.revoke(producer, id, TIMEOUT);
            }
            out().println("revoked key " + id);
            return ExitCodes.OK;
        }
    }

    private static Map<String, StoredApiKey> active(KafkaAccess kafka) {
        try (KafkaConsumer<byte[], byte[]> consumer = kafka.consumer(null)) {
            return ApiKeyRecords.active(consumer, TIMEOUT);
        }
    }

    private static String publishersText(StoredApiKey key) {
        return key.publishers().isEmpty() ? "all" : String.join(",", key.publishers());
    }
}
