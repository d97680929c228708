package dev.leadpipe.ingest;

import java.io.IOException;
import java.net.ServerSocket;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.ops.KafkaReachability;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.OpsServer;
import dev.leadpipe.ops.testing.Scrape;
import dev.leadpipe.ops.testing.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an operator sees of ingest: {@code leadpipe_ingest_leads_total} by result and reason on the API's own port,
 * liveness and readiness (Kafka reachable, or 503 saying why not).
 */
class IngestOpsTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final String INVALID_FIELDS = """
            {"UserDetails": {"Email": "not-an-email"}, "LeadSource": "AzurePortal"}""";

    private static String lead() {
        return LeadIngestTest.lead(LeadIngestTest.marker()).replace('\n', ' ');
    }

    @Test
    void metricsCountEveryLeadByResultAndReasonAndReadinessSaysKafkaIsUp() throws Exception {
        IngestConfig config = IngestConfig.defaults(KAFKA.bootstrapServers())
                .with(DestinationAddresses.ALLOWED_HOSTS, DestinationAddresses.LOCAL_STAND_INS)
                .with(IngestConfig.PORT, 0)
                .with(IngestConfig.MAX_BATCH_ITEMS, 3);
        String key = TestKeys.operator(KAFKA.bootstrapServers());
        try (IngestService service = IngestService.start(config)) {
            Http http = new Http(service.port(), key);

            assertThat(http.postJson("/v1/leads", lead()).status()).isEqualTo(202);
            assertThat(http.postJson("/v1/leads", lead()).status()).isEqualTo(202);
            assertThat(http.postJson("/v1/leads", INVALID_FIELDS).status()).isEqualTo(422);
            assertThat(http.postJson("/v1/leads", "{\"UserDetails\": oops").status())
                    .isEqualTo(400);
            assertThat(http.post("/v1/leads", "text/plain", lead()).status()).isEqualTo(415);
            // a JSON array batch: two good items, one with invalid fields
            Http.Answer array =
                    http.postJson("/v1/leads/batch", "[" + lead() + "," + lead() + "," + INVALID_FIELDS + "]");
            assertThat(array.status()).as(array.body()).isEqualTo(207);
            // an NDJSON batch: one good line, one that is not JSON
            Http.Answer ndjson = http.post("/v1/leads/batch", "application/x-ndjson", lead() + "\n{\"broken\n");
            assertThat(ndjson.status()).as(ndjson.body()).isEqualTo(207);
            // more items than a batch may hold: each of the four is refused as too large
            Http.Answer tooMany =
                    http.postJson("/v1/leads/batch", "[" + String.join(",", lead(), lead(), lead(), lead()) + "]");
            assertThat(tooMany.status()).isEqualTo(413);
            // a batch body that is not JSON at all counts once
            assertThat(http.postJson("/v1/leads/batch", "[{").status()).isEqualTo(400);

            Http.Answer metrics = http.get("/metrics");
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.contentType()).startsWith("text/plain");
            Scrape scrape = Scrape.parse(metrics.body());
            assertThat(leads(scrape, "accepted", "none")).isEqualTo(5);
            assertThat(leads(scrape, "rejected", "invalid_fields")).isEqualTo(2);
            assertThat(leads(scrape, "rejected", "invalid_json")).isEqualTo(3);
            assertThat(leads(scrape, "rejected", "too_large")).isEqualTo(4);
            assertThat(leads(scrape, "rejected", "unsupported_media_type")).isEqualTo(1);
            assertThat(leads(scrape, "rejected", "kafka_unavailable")).isZero();
            assertThat(leads(scrape, "rejected", "internal_error")).isZero();
            assertThat(scrape.value("leadpipe_ready", "service=ingest")).isEqualTo(1);
            assertThat(scrape.names()).contains("jvm_memory_used_bytes");
            // no lead content ever becomes a tag
            assertThat(scrape.text())
                    .doesNotContain("Lovelace")
                    .doesNotContain("contoso")
                    .doesNotContain("example.com");

            Http.Answer live = http.get("/health/live");
            assertThat(live.status()).isEqualTo(200);
            assertThat(live.json().path("status").asText()).isEqualTo("UP");
            Http.Answer ready = http.get("/health/ready");
            assertThat(ready.status()).as(ready.body()).isEqualTo(200);
            assertThat(ready.json().path("status").asText()).isEqualTo("UP");
            assertThat(ready.json().path("checks").path("kafka").asText()).isEqualTo("UP");
            assertThat(http.get("/health").status()).isEqualTo(200);

            // a failing check answers 503 with the contract's JSON on the API's port, not a problem document
            service.ops()
                    .readiness()
                    .add(
                            "standby-kafka",
                            new KafkaReachability(KafkaConnection.plaintext("127.0.0.1:" + closedPort())));
            Http.Answer down = http.get("/health/ready");
            assertThat(down.status()).as(down.body()).isEqualTo(503);
            assertThat(down.contentType()).startsWith("application/json");
            assertThat(down.json().path("status").asText()).isEqualTo("DOWN");
            assertThat(down.json().path("checks").path("kafka").asText()).isEqualTo("UP");
            assertThat(down.json().path("checks").path("standby-kafka").asText())
                    .contains("did not answer");
            assertThat(Scrape.parse(http.get("/metrics").body()).value("leadpipe_ready", "service=ingest"))
                    .isZero();
        }
    }

    @Test
    void readinessIs503WithTheReasonWhenKafkaDoesNotAnswer() throws Exception {
        String bootstrap = "127.0.0.1:" + closedPort();
        try (Ops ops = Ops.forService("ingest");
                KafkaReachability kafka = new KafkaReachability(KafkaConnection.plaintext(bootstrap))) {
            ops.readiness().add("kafka", kafka);
            try (OpsServer server = OpsServer.start("127.0.0.1", 0, ops)) {
                Http http = new Http(server.port());
                Http.Answer ready = http.get("/health/ready");
                assertThat(ready.status()).isEqualTo(503);
                JsonNode body = ready.json();
                assertThat(body.path("status").asText()).isEqualTo("DOWN");
                assertThat(body.path("checks").path("kafka").asText())
                        .isEqualTo("Kafka at " + bootstrap + " did not answer within 3 s");
                assertThat(http.get("/health/live").status()).isEqualTo(200);
                assertThat(Scrape.parse(http.get("/metrics").body()).value("leadpipe_ready", "service=ingest"))
                        .isZero();
            }
        }
    }

    private static double leads(Scrape scrape, String result, String reason) {
        return scrape.value("leadpipe_ingest_leads_total", "result=" + result, "reason=" + reason, "service=ingest");
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
