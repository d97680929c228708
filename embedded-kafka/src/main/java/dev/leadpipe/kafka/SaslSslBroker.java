package dev.leadpipe.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.leadpipe.core.KafkaClientSecurity;
import dev.leadpipe.core.KafkaConnection;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

/**
 * An {@link EmbeddedKafkaBroker} whose only listener for clients is SASL_SSL with SCRAM-SHA-512, for tests of the
 * Kafka security settings. Set-up:
 * <ul>
 *   <li>{@code EXTERNAL} (SASL_SSL, SCRAM-SHA-512) on localhost: the listener {@link #bootstrapServers()} names, and
 *       the only one clients are given. Its TLS key is a throwaway self-signed certificate for {@code localhost} /
 *       {@code 127.0.0.1}, made by the JDK's {@code keytool} in a temporary directory at start; the clients' trust
 *       store ({@link #truststore()}, PKCS12) holds that certificate.</li>
 *   <li>{@code INTERNAL} (PLAINTEXT, 127.0.0.1, ephemeral port): the broker's inter-broker listener (it sends itself
 *       transaction markers over it) and the way this class creates SCRAM users (Admin
 *       {@code alterUserScramCredentials}) before any user exists. It is never advertised to a client that connects
 *       on {@code EXTERNAL}, and no leadpipe client is configured with it.</li>
 *   <li>{@code CONTROLLER} (PLAINTEXT, localhost): the KRaft controller listener of the combined node.</li>
 * </ul>
 * No authorizer runs: an authenticated user may do anything; a wrong password fails authentication.
 */
public final class SaslSslBroker implements AutoCloseable {
    public static final String MECHANISM = "SCRAM-SHA-512";
    /** What the broker is, for reports. */
    public static final String DESCRIPTION = "embedded KRaft broker, SASL_SSL (SCRAM-SHA-512) client listener only";

    private static final Duration USER_READY = Duration.ofSeconds(30);

    private final EmbeddedKafkaBroker broker;
    private final Path dir;
    private final String storePassword;

    private SaslSslBroker(EmbeddedKafkaBroker broker, Path dir, String storePassword) {
        this.broker = broker;
        this.dir = dir;
        this.storePassword = storePassword;
    }

    /** Makes the TLS material and starts the broker; returns once it accepts clients (no SCRAM user exists yet). */
    public static SaslSslBroker start() {
        try {
            Path dir = Files.createTempDirectory("leadpipe-kafka-tls-");
            String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
            makeStores(dir, password);
            Map<String, String> props = new LinkedHashMap<>();
            props.put("listener.security.protocol.map", "EXTERNAL:SASL_SSL,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT");
            props.put("listeners", "EXTERNAL://localhost:0,INTERNAL://127.0.0.1:0,CONTROLLER://localhost:0");
            props.put("inter.broker.listener.name", "INTERNAL");
            props.put("sasl.enabled.mechanisms", MECHANISM);
            props.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
            props.put("sasl.mechanism.controller.protocol", MECHANISM);
            String external = "listener.name.external.";
            props.put(
                    external + "scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            props.put(
                    external + "ssl.keystore.location",
                    dir.resolve("broker.p12").toString());
            props.put(external + "ssl.keystore.type", "PKCS12");
            props.put(external + "ssl.keystore.password", password);
            props.put(external + "ssl.key.password", password);
            return new SaslSslBroker(EmbeddedKafkaBroker.start(props), dir, password);
        } catch (IOException e) {
            throw new IllegalStateException("could not make the broker's TLS material: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making the broker's TLS material", e);
        }
    }

    /** {@code localhost:port} of the SASL_SSL listener. */
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** The PKCS12 trust store holding the broker's certificate; its password is {@link #truststorePassword()}. */
    public Path truststore() {
        return dir.resolve("truststore.p12");
    }

    public String truststorePassword() {
        return storePassword;
    }

    /**
     * Creates (or changes) the SCRAM-SHA-512 user {@code user} and returns once it can sign in on the SASL_SSL
     * listener.
     */
    public void createUser(String user, String password) {
        try (Admin admin = Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + broker.boundPort("INTERNAL")))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                            user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not create the SCRAM user " + user + ": " + e.getMessage(), e);
        }
        awaitSignIn(user, password);
    }

    /**
     * The environment that configures a leadpipe service for this broker as {@code user}: {@code
     * KAFKA_BOOTSTRAP_SERVERS}, {@code KAFKA_SECURITY_PROTOCOL=SASL_SSL}, {@code KAFKA_SASL_MECHANISM},
     * {@code KAFKA_SASL_JAAS_CONFIG} and the {@code KAFKA_SSL_TRUSTSTORE_*} variables.
     */
    public Map<String, String> clientEnvironment(String user, String password) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers());
        env.put("KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
        env.put("KAFKA_SASL_MECHANISM", MECHANISM);
        env.put("KAFKA_SASL_JAAS_CONFIG", jaas(user, password));
        env.put("KAFKA_SSL_TRUSTSTORE_LOCATION", truststore().toString());
        env.put("KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12");
        env.put("KAFKA_SSL_TRUSTSTORE_PASSWORD", storePassword);
        return env;
    }

    /** The same settings as a {@link KafkaConnection}, read the way a service reads them, for the test's own clients. */
    public KafkaConnection connection(String user, String password) {
        return KafkaClientSecurity.read(clientEnvironment(user, password));
    }

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }

    private void awaitSignIn(String user, String password) {
        long deadline = System.nanoTime() + USER_READY.toNanos();
        Map<String, Object> props = connection(user, password)
                .clientProperties(Map.of(
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000));
        while (true) {
            try (Admin admin = Admin.create(props)) {
                admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the SCRAM user " + user + " cannot sign in: " + e.getMessage());
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the SCRAM user " + user, e);
            }
        }
    }

    /** A self-signed certificate for localhost in broker.p12, and a trust store of it in truststore.p12. */
    private static void makeStores(Path dir, String password) throws IOException, InterruptedException {
        String keytool =
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        String broker = dir.resolve("broker.p12").toString();
        String cert = dir.resolve("broker.pem").toString();
        keytool(
                keytool,
                "-genkeypair",
                "-alias",
                "broker",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "3",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-storetype",
                "PKCS12",
                "-keystore",
                broker,
                "-storepass",
                password,
                "-keypass",
                password);
        keytool(
                keytool,
                "-exportcert",
                "-rfc",
                "-alias",
                "broker",
                "-keystore",
                broker,
                "-storepass",
                password,
                "-file",
                cert);
        keytool(
                keytool,
                "-importcert",
                "-noprompt",
                "-alias",
                "broker",
                "-file",
                cert,
                "-storetype",
                "PKCS12",
                "-keystore",
                dir.resolve("truststore.p12").toString(),
                "-storepass",
                password);
    }

    private static void keytool(String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException("keytool " + command[1] + " failed: "
                    + out.strip().lines().findFirst().orElse(""));
        }
    }

    @Override
    public void close() {
        broker.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory: the OS cleans it eventually
        }
    }
}
