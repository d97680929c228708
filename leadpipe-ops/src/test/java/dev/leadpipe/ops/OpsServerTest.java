package dev.leadpipe.ops;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

class OpsServerTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aServiceThatReachesKafkaIsReadyAndExportsItsMetricsTaggedWithTheServiceName() throws Exception {
        try (Ops ops = Ops.forService("router");
                KafkaReachability kafka = new KafkaReachability(KafkaConnection.plaintext(KAFKA.bootstrapServers()))) {
            ops.readiness().add("kafka", kafka);
            ops.registry().counter("leadpipe.router.suppressed").increment(2);
            try (OpsServer server = OpsServer.start("127.0.0.1", 0, ops)) {
                HttpResponse<String> ready = get(server, "/health/ready");
                assertThat(ready.statusCode()).isEqualTo(200);
                JsonNode body = Json.MAPPER.readTree(ready.body());
                assertThat(body.path("status").asText()).isEqualTo("UP");
                assertThat(body.path("checks").path("kafka").asText()).isEqualTo("UP");

                assertThat(get(server, "/health/live").statusCode()).isEqualTo(200);

                HttpResponse<String> metrics = get(server, "/metrics");
                assertThat(metrics.statusCode()).isEqualTo(200);
                assertThat(metrics.headers().firstValue("Content-Type").orElse(""))
                        .startsWith("text/plain");
                assertThat(metrics.body())
                        .contains("leadpipe_router_suppressed_total{service=\"router\"} 2.0")
                        .contains("leadpipe_ready{service=\"router\"} 1.0")
                        .contains("jvm_memory_used_bytes");
            }
        }
    }

    @Test
    void aServiceWhoseKafkaDoesNotAnswerIsAliveButNotReadyAndSaysWhy() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (Ops ops = Ops.forService("sink-table");
                KafkaReachability kafka = new KafkaReachability(KafkaConnection.plaintext("127.0.0.1:" + closedPort))) {
            ops.readiness().add("kafka", kafka).add("consumer", () -> null);
            try (OpsServer server = OpsServer.start("127.0.0.1", 0, ops)) {
                HttpResponse<String> ready = get(server, "/health/ready");
                assertThat(ready.statusCode()).isEqualTo(503);
                JsonNode body = Json.MAPPER.readTree(ready.body());
                assertThat(body.path("status").asText()).isEqualTo("DOWN");
                assertThat(body.path("checks").path("kafka").asText())
                        .contains("127.0.0.1:" + closedPort)
                        .contains("did not answer");
                assertThat(body.path("checks").path("consumer").asText()).isEqualTo("UP");

                assertThat(get(server, "/health/live").statusCode()).isEqualTo(200);
                assertThat(get(server, "/metrics").body()).contains("leadpipe_ready{service=\"sink-table\"} 0.0");
            }
        }
    }

    @Test
    void aCheckThatThrowsCountsAsNotReady() {
        Readiness readiness = new Readiness().add("streams", () -> {
            throw new IllegalStateException("boom");
        });
        Readiness.Report report = readiness.report();
        assertThat(report.ready()).isFalse();
        assertThat(report.checks().get("streams")).startsWith("the check failed");
    }

    private HttpResponse<String> get(OpsServer server, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
