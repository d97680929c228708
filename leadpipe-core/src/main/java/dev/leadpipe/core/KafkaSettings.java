package dev.leadpipe.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

import dev.leadpipe.core.config.Setting;
import dev.leadpipe.core.topic.TopicPolicy;

/** Where the services find Kafka: {@code KAFKA_BOOTSTRAP_SERVERS} points every service at an existing cluster. */
public final class KafkaSettings {
    public static final String BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP_SERVERS";
    public static final String REPLICATION_FACTOR_ENV = "KAFKA_REPLICATION_FACTOR";

    private static final Pattern URL_USER_INFO = Pattern.compile("(?:(?<=//)|^|(?<=,))[^/@,\\s]+@");

    /** The cluster, every service's one required setting; a {@code user:password@} part is masked when shown. */
    public static final Setting<String> BOOTSTRAP_SERVERS = Setting.text(
                    "bootstrapServers",
                    BOOTSTRAP_ENV,
                    "the Kafka cluster as host:port,... (e.g. " + BOOTSTRAP_ENV + "=localhost:9092)",
                    "the Kafka cluster")
            .shownAs(s -> URL_USER_INFO.matcher(s).replaceAll(Setting.MASK + "@"));
    /**
     * How every client of a service reaches Kafka: {@code KAFKA_BOOTSTRAP_SERVERS} and the security settings of
     * {@link KafkaClientSecurity} (protocol, SASL, trust and key stores, client properties file), read together, so
     * every service and tool builds its clients from one {@link KafkaConnection}. Shown with secrets masked.
     */
    public static final Setting<KafkaConnection> CONNECTION = Setting.of(
                    "kafka",
                    BOOTSTRAP_ENV,
                    new ConnectionParser(),
                    "the Kafka cluster as host:port,... (e.g. " + BOOTSTRAP_ENV + "=localhost:9092)",
                    c -> !c.bootstrapServers().isBlank(),
                    "the Kafka cluster; security from the KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_* and KAFKA_SSL_*"
                            + " variables or KAFKA_CLIENT_PROPERTIES_FILE (deploy/README.md)")
            .shownAs(KafkaConnection::toString);

    /** Reads {@link #CONNECTION} from every variable it is made of; its own variable alone means PLAINTEXT. */
    private static final class ConnectionParser implements Setting.WholeEnvironment<KafkaConnection> {
        @Override
        public KafkaConnection apply(String bootstrapServers) {
            return KafkaConnection.plaintext(bootstrapServers);
        }

        @Override
        public KafkaConnection fromEnvironment(Map<String, String> env) {
            return KafkaClientSecurity.read(env);
        }

        @Override
        public List<Setting<?>> parts() {
            List<Setting<?>> all = new ArrayList<>(List.of(BOOTSTRAP_SERVERS));
            all.addAll(KafkaClientSecurity.SETTINGS);
            return List.copyOf(all);
        }
    }

    /** Checked by every service, which reads it when it creates its topics ({@link #replicationFactor()}). */
    public static final Setting<Integer> REPLICATION_FACTOR = Setting.wholeNumber(
                    "replicationFactor",
                    REPLICATION_FACTOR_ENV,
                    1,
                    Short.MAX_VALUE,
                    "replication factor of the topics a service creates")
            .defaultsTo(1);

    private KafkaSettings() {}

    /**
     * A service's whole list of settings: those every service starts with (the cluster, the replication factor of its
     * topics and the other topic settings, {@link TopicPolicy#SETTINGS}), then {@code own}, in the order of its
     * components.
     */
    public static List<Setting<?>> serviceSettings(Setting<?>... own) {
        List<Setting<?>> all = new ArrayList<>(List.of(CONNECTION, REPLICATION_FACTOR));
        all.addAll(TopicPolicy.SETTINGS);
        all.addAll(List.of(own));
        return List.copyOf(all);
    }

    /**
     * The settings every Kafka Streams service starts its own with, after those of every service
     * ({@link #serviceSettings}): its application id ({@code <PREFIX>_APPLICATION_ID}, default {@code <name>}) and its
     * state directory ({@code <PREFIX>_STATE_DIR}, default {@code ${java.io.tmpdir}/<name>-state}).
     *
     * @param applicationId the application id setting of the service
     * @param stateDir      the state directory setting of the service
     */
    public record StreamsSettings(Setting<String> applicationId, Setting<Path> stateDir) {

        /** The shared settings of a Streams service whose variables start {@code envPrefix_}, named {@code name}. */
        public static StreamsSettings of(String envPrefix, String name, String stateDirDoc) {
            return new StreamsSettings(
                    KafkaSettings.applicationId(envPrefix + "_APPLICATION_ID", name),
                    KafkaSettings.stateDir(envPrefix + "_STATE_DIR", name + "-state", stateDirDoc));
        }

        /** The service's whole list: these shared settings, then its own, in the order of its components. */
        public List<Setting<?>> followedBy(Setting<?>... own) {
            List<Setting<?>> streams = new ArrayList<>(List.of(applicationId, stateDir));
            streams.addAll(List.of(own));
            return serviceSettings(streams.toArray(Setting<?>[]::new));
        }
    }

    /** The application id of a Kafka Streams service (also its consumer group and internal topic prefix). */
    private static Setting<String> applicationId(String env, String defaultId) {
        return Setting.text(
                        "applicationId",
                        env,
                        "a non-blank application id",
                        "Streams application id, consumer group and internal topic prefix")
                .defaultsTo(defaultId);
    }

    /** The local directory of a Kafka Streams service's stores: {@code ${java.io.tmpdir}/<dirName>} by default. */
    private static Setting<Path> stateDir(String env, String dirName, String doc) {
        return Setting.path("stateDir", env, doc)
                .defaultsTo(Path.of(System.getProperty("java.io.tmpdir"), dirName))
                .documentedDefault("$TMPDIR/" + dirName);
    }

    /** The bootstrap servers from the environment, or null when none is set. */
    public static String bootstrapFromEnvironment() {
        String v = System.getenv(BOOTSTRAP_ENV);
        return v == null || v.isBlank() ? null : v.trim();
    }

    /**
     * The Kafka Streams properties every stream service shares: its application id, connection, state directory and
     * commit interval, exactly_once_v2, internal topics with {@link #replicationFactor()}, and error handlers that
     * never drop a record silently: a record that cannot be produced, or an exception in a processor, stops the
     * stream thread with the error logged (the service replaces the thread, which resumes from the last committed
     * transaction). The keys and handlers are Kafka Streams' names (this module does not depend on Kafka Streams);
     * each service adds how it treats an unreadable source record.
     */
    public static Properties streamsProperties(
            String applicationId, KafkaConnection kafka, Path stateDir, Duration commitInterval) {
        Properties p = kafka.asProperties(Map.of());
        p.put("application.id", applicationId);
        p.put("state.dir", stateDir.toAbsolutePath().toString());
        p.put("processing.guarantee", "exactly_once_v2");
        p.put("commit.interval.ms", commitInterval.toMillis());
        p.put("replication.factor", (int) replicationFactor());
        p.put("production.exception.handler", "org.apache.kafka.streams.errors.DefaultProductionExceptionHandler");
        p.put("processing.exception.handler", "org.apache.kafka.streams.errors.LogAndFailProcessingExceptionHandler");
        return p;
    }

    public static short replicationFactor() {
        String v = System.getenv(REPLICATION_FACTOR_ENV);
        return v == null || v.isBlank() ? 1 : Short.parseShort(v.trim());
    }
}
