package dev.leadpipe.core;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import dev.leadpipe.core.config.Setting;

/**
 * The Kafka client security settings every service and {@code leadctl} share, declared once, and how they become a
 * {@link KafkaConnection}: {@link #read(Map)} reads {@code KAFKA_BOOTSTRAP_SERVERS}, the variables below and the
 * client properties file, checks each and then the rules between them, and reports every problem together on one
 * line, naming variables (and property keys of the file), never a value.
 *
 * <p>Precedence: entries of {@code KAFKA_CLIENT_PROPERTIES_FILE} first, then each variable that is set replaces the
 * property it stands for; the file's {@code bootstrap.servers} is used only when {@code KAFKA_BOOTSTRAP_SERVERS} is
 * unset. Rules: a SASL protocol needs a mechanism and a JAAS configuration (OAUTHBEARER may take its login from the
 * file instead); SASL settings need a SASL protocol and TLS settings a TLS one; a trust or key store must be a
 * readable file; a key store other than PEM needs its password.
 */
public final class KafkaClientSecurity {
    static final List<String> PROTOCOLS = List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    static final List<String> MECHANISMS = List.of("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN", "OAUTHBEARER");
    static final List<String> STORE_TYPES = List.of("PKCS12", "JKS", "PEM");

    public static final Setting<Optional<String>> SECURITY_PROTOCOL = oneOf(
                    "securityProtocol", "KAFKA_SECURITY_PROTOCOL", PROTOCOLS, "how clients connect to Kafka")
            .documentedDefault("PLAINTEXT");
    public static final Setting<Optional<String>> SASL_MECHANISM =
            oneOf("saslMechanism", "KAFKA_SASL_MECHANISM", MECHANISMS, "SASL mechanism (with a SASL_* protocol)");
    public static final Setting<Optional<String>> SASL_JAAS_CONFIG = Setting.text(
                    "saslJaasConfig",
                    "KAFKA_SASL_JAAS_CONFIG",
                    "a JAAS login module line",
                    "the client's JAAS configuration, e.g. ScramLoginModule with username and password (secret)")
            .optional()
            .secret();
    public static final Setting<Optional<Path>> TRUSTSTORE_LOCATION = Setting.path(
                    "truststoreLocation", "KAFKA_SSL_TRUSTSTORE_LOCATION", "file of the CAs that sign the brokers")
            .optional();
    public static final Setting<Optional<String>> TRUSTSTORE_TYPE =
            oneOf("truststoreType", "KAFKA_SSL_TRUSTSTORE_TYPE", STORE_TYPES, "format of the trust store");
    public static final Setting<Optional<String>> TRUSTSTORE_PASSWORD =
            secret("truststorePassword", "KAFKA_SSL_TRUSTSTORE_PASSWORD", "password of the trust store (secret)");
    public static final Setting<Optional<Path>> KEYSTORE_LOCATION = Setting.path(
                    "keystoreLocation", "KAFKA_SSL_KEYSTORE_LOCATION", "client certificate and key, for mutual TLS")
            .optional();
    public static final Setting<Optional<String>> KEYSTORE_TYPE =
            oneOf("keystoreType", "KAFKA_SSL_KEYSTORE_TYPE", STORE_TYPES, "format of the key store");
    public static final Setting<Optional<String>> KEYSTORE_PASSWORD =
            secret("keystorePassword", "KAFKA_SSL_KEYSTORE_PASSWORD", "password of the key store (secret)");
    public static final Setting<Optional<String>> KEY_PASSWORD =
            secret("keyPassword", "KAFKA_SSL_KEY_PASSWORD", "password of the key in the key store (secret)");
    public static final Setting<Optional<Path>> CLIENT_PROPERTIES_FILE = Setting.path(
                    "clientPropertiesFile",
                    "KAFKA_CLIENT_PROPERTIES_FILE",
                    "a Kafka client .properties file applied to every client, under the KAFKA_* variables")
            .optional();

    /** Every security setting, in the order of the documentation. */
    public static final List<Setting<?>> SETTINGS = List.of(
            SECURITY_PROTOCOL,
            SASL_MECHANISM,
            SASL_JAAS_CONFIG,
            TRUSTSTORE_LOCATION,
            TRUSTSTORE_TYPE,
            TRUSTSTORE_PASSWORD,
            KEYSTORE_LOCATION,
            KEYSTORE_TYPE,
            KEYSTORE_PASSWORD,
            KEY_PASSWORD,
            CLIENT_PROPERTIES_FILE);

    /** The client property each variable sets. */
    private static final Map<Setting<?>, String> PROPERTY = Map.ofEntries(
            Map.entry(SECURITY_PROTOCOL, "security.protocol"),
            Map.entry(SASL_MECHANISM, "sasl.mechanism"),
            Map.entry(SASL_JAAS_CONFIG, "sasl.jaas.config"),
            Map.entry(TRUSTSTORE_LOCATION, "ssl.truststore.location"),
            Map.entry(TRUSTSTORE_TYPE, "ssl.truststore.type"),
            Map.entry(TRUSTSTORE_PASSWORD, "ssl.truststore.password"),
            Map.entry(KEYSTORE_LOCATION, "ssl.keystore.location"),
            Map.entry(KEYSTORE_TYPE, "ssl.keystore.type"),
            Map.entry(KEYSTORE_PASSWORD, "ssl.keystore.password"),
            Map.entry(KEY_PASSWORD, "ssl.key.password"));

    private KafkaClientSecurity() {}

    /**
     * The connection the environment describes; null when no bootstrap servers are given at all and nothing else
     * is wrong (the caller reports the missing required setting).
     *
     * @throws IllegalArgumentException listing every problem, {@code "; "}-separated, on one line
     */
    public static KafkaConnection read(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Map<Setting<?>, Object> values = new LinkedHashMap<>();
        for (Setting<?> s : SETTINGS) {
            try {
                values.put(s, s.fromEnvironment(env));
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
                values.put(s, Optional.empty());
            }
        }
        Map<String, String> props = new LinkedHashMap<>();
        Optional<Path> file = value(values, CLIENT_PROPERTIES_FILE);
        file.ifPresent(f -> props.putAll(load(f, problems)));
        for (Map.Entry<Setting<?>, String> e : PROPERTY.entrySet()) {
            if (values.get(e.getKey()) instanceof Optional<?> v && v.isPresent()) {
                props.put(e.getValue(), String.valueOf(v.get()));
            }
        }
        String bootstrap = null;
        try {
            bootstrap = KafkaSettings.BOOTSTRAP_SERVERS.fromEnvironment(env);
        } catch (IllegalArgumentException e) {
            bootstrap = props.get("bootstrap.servers");
            if (bootstrap == null || bootstrap.isBlank()) {
                problems.add(e.getMessage());
            }
        }
        props.remove("bootstrap.servers");
        checkRules(props, file.isPresent(), problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new KafkaConnection(bootstrap.trim(), props);
    }

    private static void checkRules(Map<String, String> props, boolean fromFile, List<String> problems) {
        String protocol = props.getOrDefault("security.protocol", "PLAINTEXT").toUpperCase(Locale.ROOT);
        if (!PROTOCOLS.contains(protocol)) {
            problems.add("security.protocol of KAFKA_CLIENT_PROPERTIES_FILE must be one of " + PROTOCOLS);
            return;
        }
        boolean sasl = protocol.startsWith("SASL_");
        boolean tls = protocol.endsWith("SSL");
        String mechanism = props.get("sasl.mechanism");
        if (sasl && mechanism == null) {
            problems.add(SASL_MECHANISM.env() + " is not set: " + protocol + " needs one of " + MECHANISMS);
        }
        boolean oauthFromFile = fromFile && "OAUTHBEARER".equals(mechanism);
        if (sasl && !props.containsKey("sasl.jaas.config") && !oauthFromFile) {
            problems.add(SASL_JAAS_CONFIG.env() + " is not set: " + protocol + " needs the client's login");
        }
        if (!sasl && (mechanism != null || props.containsKey("sasl.jaas.config"))) {
            problems.add(
                    "KAFKA_SASL_* settings need KAFKA_SECURITY_PROTOCOL SASL_SSL or SASL_PLAINTEXT, not " + protocol);
        }
        boolean anyTls = props.keySet().stream().anyMatch(k -> k.startsWith("ssl."));
        if (!tls && anyTls) {
            problems.add("KAFKA_SSL_* settings need KAFKA_SECURITY_PROTOCOL SSL or SASL_SSL, not " + protocol);
        }
        readable(props.get("ssl.truststore.location"), TRUSTSTORE_LOCATION, problems);
        readable(props.get("ssl.keystore.location"), KEYSTORE_LOCATION, problems);
        if (props.containsKey("ssl.keystore.location")
                && !"PEM".equalsIgnoreCase(props.get("ssl.keystore.type"))
                && !props.containsKey("ssl.keystore.password")) {
            problems.add(KEYSTORE_PASSWORD.env() + " is not set: a key store needs its password");
        }
    }

    private static void readable(String location, Setting<?> setting, List<String> problems) {
        if (location != null && !Files.isReadable(Path.of(location))) {
            problems.add(setting.env() + " must be a readable file");
        }
    }

    /** The file's entries as text; a problem (naming the variable, never the file's content) when unreadable. */
    private static Map<String, String> load(Path file, List<String> problems) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        } catch (IOException | IllegalArgumentException e) {
            problems.add(CLIENT_PROPERTIES_FILE.env() + " must be a readable Kafka client .properties file");
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : p.stringPropertyNames()) {
            out.put(key.trim(), p.getProperty(key).trim());
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static <T> Optional<T> value(Map<Setting<?>, Object> values, Setting<Optional<T>> s) {
        return (Optional<T>) values.getOrDefault(s, Optional.empty());
    }

    private static Setting<Optional<String>> oneOf(String name, String env, List<String> allowed, String doc) {
        return Setting.oneOf(name, env, s -> s.toUpperCase(Locale.ROOT), allowed, doc)
                .optional();
    }

    private static Setting<Optional<String>> secret(String name, String env, String doc) {
        return Setting.text(name, env, "a non-blank password", doc).optional().secret();
    }
}
