package dev.leadpipe.core;

/** Where the services find Kafka: {@code KAFKA_BOOTSTRAP_SERVERS} points every service at an existing cluster. */
public final class KafkaSettings {
    public static final String BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP_SERVERS";
    public static final String REPLICATION_FACTOR_ENV = "KAFKA_REPLICATION_FACTOR";

    private KafkaSettings() {
    }

    /** The bootstrap servers from the environment, or null when none is set. */
    public static String bootstrapFromEnvironment() {
        String v = System.getenv(BOOTSTRAP_ENV);
        return v == null || v.isBlank() ? null : v.trim();
    }

    public static short replicationFactor() {
        String v = System.getenv(REPLICATION_FACTOR_ENV);
        return v == null || v.isBlank() ? 1 : Short.parseShort(v.trim());
    }
}
