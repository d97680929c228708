package dev.leadpipe.core;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

import dev.leadpipe.core.config.Setting;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * How every Kafka client of a service reaches the cluster: the bootstrap servers and the connection properties
 * (security protocol, SASL, TLS trust and key stores, and whatever the client properties file adds) that every
 * producer, consumer, admin client and Kafka Streams instance gets. It is the one place that turns the settings
 * ({@link KafkaSettings#CONNECTION}, read by {@link KafkaClientSecurity}) into client properties: client factories
 * take a {@code KafkaConnection}, never a bare bootstrap string.
 *
 * <p>Precedence, lowest first: the client properties file ({@code KAFKA_CLIENT_PROPERTIES_FILE}), the
 * {@code KAFKA_*} variables, then each client's own settings in code (group ids, serializers, acks, isolation,
 * timeouts), which a file cannot change; {@code bootstrap.servers} is always {@link #bootstrapServers()}.
 *
 * <p>{@link #toString()} masks every secret-looking property (passwords, JAAS configuration, keys, tokens,
 * credentials) and any {@code user:password@} part of the bootstrap servers.
 *
 * @param bootstrapServers the cluster, {@code host:port,...}
 * @param properties       the connection properties other than {@code bootstrap.servers}; empty for PLAINTEXT
 */
public record KafkaConnection(String bootstrapServers, Map<String, String> properties) {
    private static final Pattern SECRET_KEY =
            Pattern.compile("(?i).*(password|jaas|secret|token|credential).*|(?i)(.*\\.)?key");

    public KafkaConnection {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        properties = Collections.unmodifiableMap(new TreeMap<>(properties));
        if (properties.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new IllegalArgumentException("bootstrap.servers belongs in bootstrapServers");
        }
    }

    /** A connection without security: PLAINTEXT to {@code bootstrapServers} (the embedded broker, tests). */
    public static KafkaConnection plaintext(String bootstrapServers) {
        return new KafkaConnection(bootstrapServers.trim(), Map.of());
    }

    /** {@code security.protocol}: PLAINTEXT unless set. */
    public String securityProtocol() {
        return properties.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT");
    }

    /** The bootstrap servers and the connection properties, for a client that adds nothing of its own. */
    public Map<String, Object> clientProperties() {
        return clientProperties(Map.of());
    }

    /**
     * The connection properties under {@code own}, the client's own settings, which win (see the precedence above);
     * {@code bootstrap.servers} is this connection's.
     */
    public Map<String, Object> clientProperties(Map<String, ?> own) {
        Map<String, Object> all = new HashMap<>(properties);
        all.putAll(own);
        all.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return all;
    }

    /** {@link #clientProperties(Map)} as {@link Properties}, for Kafka Streams. */
    public Properties asProperties(Map<String, ?> own) {
        Properties p = new Properties();
        p.putAll(clientProperties(own));
        return p;
    }

    /** The bootstrap servers as they may be shown: any {@code user:password@} part masked. */
    public String shownBootstrap() {
        return KafkaSettings.BOOTSTRAP_SERVERS.show(bootstrapServers);
    }

    /** Whether a property's value is never shown (passwords, JAAS configuration, keys, tokens, credentials). */
    public static boolean isSecret(String key) {
        return SECRET_KEY.matcher(key).matches();
    }

    /** {@code KafkaConnection[localhost:9092, security.protocol=SASL_SSL, sasl.jaas.config=********, ...]}. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("KafkaConnection[").append(shownBootstrap());
        properties.forEach((k, v) -> out.append(", ").append(k).append('=').append(isSecret(k) ? Setting.MASK : v));
        return out.append(']').toString();
    }
}
