package dev.leadpipe.faults;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.topic.TopicAdmin;
import dev.leadpipe.fakes.FakeHttpsReceiver;
import dev.leadpipe.ingest.IngestService;
import dev.leadpipe.kafka.SaslSslBroker;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.ops.KafkaReachability;
import dev.leadpipe.ops.testing.ChildJvm;
import dev.leadpipe.ops.testing.TestKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pipeline on a secured cluster: the embedded broker's only client listener is SASL_SSL with SCRAM-SHA-512
 * ({@link SaslSslBroker}; its PLAINTEXT inter-broker listener on 127.0.0.1 is given to no service). Ingest, the router
 * and sink-https each run in a JVM of their own, configured only by environment variables
 * ({@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_MECHANISM}, {@code KAFKA_SASL_JAAS_CONFIG},
 * {@code KAFKA_SSL_TRUSTSTORE_*}); the leads posted to ingest reach the HTTPS receiver. A service given a wrong
 * password stops with one readable line and a non-zero exit, the password printed nowhere.
 */
class SaslSslPipelineTest {
    private static final int LEADS = 200;
    private static final Duration DELIVERED_WITHIN = Duration.ofMinutes(3);
    private static final String USER = "leadpipe-services";
    private static final String PASSWORD = "pw-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(8));
    private static final Path LOGS = FaultPipeline.FAULTS_DIR.resolve("sasl-ssl");

    private static SaslSslBroker broker;
    private static ServiceLauncher launcher;
    private static Map<String, String> env;
    private static String apiKey;

    @BeforeAll
    static void startPipelineOnTheSecuredBroker() throws Exception {
        broker = SaslSslBroker.start();
        broker.createUser(USER, PASSWORD);
        KafkaBrokerExtension.recordRealBroker(SaslSslPipelineTest.class, SaslSslBroker.DESCRIPTION);
        KafkaConnection kafka = broker.connection(USER, PASSWORD);
        TopicAdmin.ensureTopics(kafka, (short) 1);
        apiKey = TestKeys.operator(kafka);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        env = new LinkedHashMap<>(broker.clientEnvironment(USER, PASSWORD));
        env.put("LEADPIPE_SECRET_KEYS", "sasl=" + Base64.getEncoder().encodeToString(key));
        env.put(DestinationAddresses.ALLOWED_HOSTS_ENV, "127.0.0.1,localhost");
        launcher = new ServiceLauncher(LOGS, env);
        launcher.start(
                "router",
                ServiceLauncher.Main.ROUTER,
                Map.of(
                        "ROUTER_APPLICATION_ID",
                        "sasl-router-" + UUID.randomUUID().toString().substring(0, 8),
                        "ROUTER_STATE_DIR",
                        Files.createTempDirectory("sasl-router-").toString()));
        launcher.start("sink-https", ServiceLauncher.Main.SINK_HTTPS, Map.of());
    }

    @AfterAll
    static void stop() {
        if (launcher != null) {
            launcher.services().forEach(ServiceLauncher.Service::stop);
            launcher.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void ingestRouterAndSinkDeliverEveryLeadOverSaslSsl() throws Exception {
        ServiceLauncher.Service ingest = launcher.start("ingest", ServiceLauncher.Main.INGEST, Map.of());
        try (FakeHttpsReceiver receiver = FakeHttpsReceiver.start(null)) {
            String offer = "sasl.https-" + UUID.randomUUID().toString().substring(0, 6);
            putHttpsDestination(ingest.baseUrl(), offer, receiver.url("/leads"));
            LoadGenerator load = new LoadGenerator(ingest.baseUrl(), apiKey);
            load.start(offer, "sasl", "sasl-" + offer, LEADS, Duration.ZERO).join();
            assertThat(load.acks()).as("leads ingest accepted").hasSize(LEADS);

            long deadline = System.nanoTime() + DELIVERED_WITHIN.toNanos();
            while (receiver.deliveredCount() < LEADS && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(receiver.deliveries().keySet())
                    .as("leads the HTTPS receiver got, through ingest, the router and sink-https on SASL_SSL")
                    .containsExactlyInAnyOrderElementsOf(
                            load.acks().stream().map(LoadGenerator.Ack::leadId).toList());
        }
    }

    @Test
    void aWrongPasswordStopsTheServiceWithOneReadableLine() throws Exception {
        String wrong = "wrong-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(8));
        Map<String, String> bad = new LinkedHashMap<>(env);
        bad.put(
                "KAFKA_SASL_JAAS_CONFIG",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + USER + "\" password=\""
                        + wrong + "\";");
        bad.put("INGEST_PORT", Integer.toString(ServiceLauncher.freePort()));
        Path log = Files.createDirectories(LOGS).resolve("ingest-wrong-password.log");
        Process p = ChildJvm.start(IngestService.class, bad, LOGS, log, log, "-Xmx256m");
        ServiceLauncher.register(p);
        assertThat(p.waitFor(3, TimeUnit.MINUTES))
                .as("ingest stopped by itself")
                .isTrue();

        List<String> lines = Files.readAllLines(log);
        List<String> own = lines.stream().filter(l -> l.startsWith("ingest: ")).toList();
        assertThat(p.exitValue())
                .as("exit code; output:\n%s", String.join("\n", lines))
                .isNotZero();
        assertThat(own)
                .as("the service's own error lines; output:\n%s", String.join("\n", lines))
                .singleElement()
                .asString()
                .contains("Kafka refused the connection", "SaslAuthenticationException", "KAFKA_SASL_");
        assertThat(String.join("\n", lines)).as("the output").doesNotContain(wrong, PASSWORD);
    }

    @Test
    void readinessSaysWhenKafkaRefusesTheCredentials() {
        try (KafkaReachability good = new KafkaReachability(broker.connection(USER, PASSWORD));
                KafkaReachability bad = new KafkaReachability(broker.connection(USER, PASSWORD + "-wrong"))) {
            assertThat(good.problem()).isNull();
            assertThat(bad.problem())
                    .isEqualTo("Kafka at " + broker.bootstrapServers()
                            + " refused the connection (SaslAuthenticationException)");
        }
    }

    private static void putHttpsDestination(String ingestUrl, String offerId, String url) throws Exception {
        String body = "{\"type\":\"https\",\"settings\":{\"url\":\"" + url + "\"}}";
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ingestUrl + "/v1/offers/" + offerId + "/lead-destination"))
                                .header("Content-Type", "application/json")
                                .header("Authorization", TestKeys.bearer(apiKey))
                                .PUT(HttpRequest.BodyPublishers.ofString(body))
                                .timeout(Duration.ofSeconds(60))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("saving the destination: %s", r.body()).isIn(200, 201);
    }
}
