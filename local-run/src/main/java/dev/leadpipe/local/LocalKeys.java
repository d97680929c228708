package dev.leadpipe.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.ops.auth.ApiKeyRecords;
import dev.leadpipe.ops.auth.ApiKeys;
import dev.leadpipe.ops.auth.Role;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The local run's API keys, created on {@code leadpipe-api-keys} before the services start: an operator key (written
 * to {@value #TOKEN_FILE}, where leadctl finds it), a {@code leads:write} key for the feed, a {@code metrics:read}
 * key for Prometheus, and a
 * {@code destinations:admin} + {@code status:read} key per sample publisher, each written to
 * {@code .leadpipe/keys/<name>}. The files and their folder are readable by their owner only. Keys never go to stdout
 * or the logs: only the files' paths and key ids are printed.
 *
 * @param operator   the operator key
 * @param feed       the feed's {@code leads:write} key
 * @param metrics    a {@code metrics:read} key for Prometheus ({@code .leadpipe/keys/metrics}, which
 *                   {@code deploy/monitoring/prometheus.yml} reads)
 * @param publishers each sample publisher's key, by publisher id
 */
record LocalKeys(String operator, String feed, String metrics, Map<String, String> publishers) {
    static final String TOKEN_FILE = ".leadpipe/token";
    static final Path KEYS_DIR = Path.of(".leadpipe", "keys");

    /** Creates the keys for the publishers of the sample offers ({@code <publisher>.<offer>.json} in {@code samples}). */
    static LocalKeys create(KafkaConnection kafka, Path samples) throws IOException {
        Set<String> publisherIds = new TreeSet<>();
        try (var files = Files.list(samples.resolve("destinations"))) {
            files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".json") && n.indexOf('.') < n.length() - 5)
                    .forEach(n -> publisherIds.add(n.substring(0, n.indexOf('.'))));
        }
        Instant now = Instant.now();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                kafka.clientProperties(Map.of(ProducerConfig.ACKS_CONFIG, "all")),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            String operator = put(producer, EnumSet.of(Role.OPERATOR), List.of(), "local run: operator", now);
            String feed = put(producer, EnumSet.of(Role.LEADS_WRITE), List.of(), "local run: sample feed", now);
            String metrics = put(producer, EnumSet.of(Role.METRICS_READ), List.of(), "local run: Prometheus", now);
            Map<String, String> publishers = new LinkedHashMap<>();
            for (String p : publisherIds) {
                publishers.put(
                        p,
                        put(
                                producer,
                                EnumSet.of(Role.DESTINATIONS_ADMIN, Role.STATUS_READ),
                                List.of(p),
                                "local run: publisher " + p,
                                now));
            }
            LocalKeys keys = new LocalKeys(operator, feed, metrics, publishers);
            keys.write();
            return keys;
        }
    }

    private static String put(
            KafkaProducer<byte[], byte[]> producer,
            Set<Role> roles,
            List<String> publishers,
            String description,
            Instant now) {
        ApiKeys.NewKey key = ApiKeys.create(roles, publishers, description, now);
        ApiKeyRecords.put(producer, key.stored(), Duration.ofSeconds(30));
        return key.key();
    }

    private void write() throws IOException {
        Files.createDirectories(KEYS_DIR);
        ownerOnly(KEYS_DIR, "rwx------");
        writeSecret(Path.of(TOKEN_FILE), operator);
        writeSecret(KEYS_DIR.resolve("operator"), operator);
        writeSecret(KEYS_DIR.resolve("feed"), feed);
        writeSecret(KEYS_DIR.resolve("metrics"), metrics);
        for (Map.Entry<String, String> e : publishers.entrySet()) {
            writeSecret(KEYS_DIR.resolve(e.getKey()), e.getValue());
        }
    }

    private static void writeSecret(Path file, String key) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file);
        ownerOnly(file, "rw-------");
        Files.writeString(file, key + "\n");
    }

    private static void ownerOnly(Path path, String permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system (Windows): the user's profile folder protects it
        }
    }

    /** What to print: where the keys are and how to send them, never the keys. */
    void printWhere(String statusUrl) {
        System.out.println("API keys   operator key in " + TOKEN_FILE + " (leadctl uses it), feed key in " + KEYS_DIR
                + "/feed, metrics:read key in " + KEYS_DIR
                + "/metrics, one destinations:admin + status:read key per publisher in " + KEYS_DIR + "/<publisher> ("
                + String.join(", ", publishers.keySet()) + ")");
        System.out.println("           send one as: -H \"Authorization: Bearer $(cat " + TOKEN_FILE
                + ")\"; the status page asks for one (or open " + statusUrl + "/#key=<key>)");
    }

    @Override
    public String toString() {
        return "LocalKeys[" + publishers.keySet() + "]";
    }
}
