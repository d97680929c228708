package dev.leadpipe.status;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.circuit.CircuitReport;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.topic.TopicAdmin;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicWriter;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.testing.Scrape;
import dev.leadpipe.ops.testing.TestKeys;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** The status service end to end on a real (embedded) broker: API, operator page, metrics and readiness. */
class StatusServiceTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    record Answer(int status, String contentType, String body) {
        JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    /** GETs {@code path} with {@code Authorization: Bearer <key>} (none when {@code key} is null). */
    static Answer get(int port, String key, String path) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (key != null) {
            request.header("Authorization", TestKeys.bearer(key));
        }
        HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    }

    /** Polls until the answer satisfies {@code done}, failing with the last answer after the deadline. */
    static Answer await(int port, String key, String path, Predicate<Answer> done) throws Exception {
        long end = System.nanoTime() + DEADLINE.toNanos();
        Answer last = null;
        while (System.nanoTime() < end) {
            last = get(port, key, path);
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("GET " + path + " never became as expected; last answer: " + last);
    }

    static Lead lead(String leadId, String offer, Instant at) {
        return new Lead(
                leadId, offer, at, false, null, "AzureMarketplace-Contact|" + offer, "INS", "Widget", null, Map.of());
    }

    @Test
    void answersWhyAnOfferGetsNoLeadsOnTheApiThePageAndTheMetrics() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String healthy = "contoso-" + run + ".widget";
        String failing = "fabrikam-" + run + ".crm";
        String broken = "northwind-" + run + ".app";
        String waiting = "tailspin-" + run + ".saas";
        String lagGroup = "leadpipe-test-lag-" + run;
        String lagTopic = "lag-test-" + run;
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Instant t = now.minusSeconds(120);
        String bootstrap = KAFKA.bootstrapServers();

        // a consumer group of the pipeline's naming with a known lag: 5 records, 2 committed
        TopicAdmin.ensureTopics(KafkaConnection.plaintext(bootstrap), List.of(new NewTopic(lagTopic, 1, (short) 1)));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            try (KafkaProducer<String, String> p = new KafkaProducer<>(
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                    new StringSerializer(),
                    new StringSerializer())) {
                for (int i = 0; i < 5; i++) {
                    p.send(new ProducerRecord<>(lagTopic, "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
                }
            }
            admin.alterConsumerGroupOffsets(lagGroup, Map.of(new TopicPartition(lagTopic, 0), new OffsetAndMetadata(2)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }

        TopicWriter.writeLeads(
                bootstrap,
                Topics.LEADS,
                List.of(
                        lead("h-1-" + run, healthy, t),
                        lead("h-2-" + run, healthy, t.plusSeconds(10)),
                        lead("f-1-" + run, failing, t),
                        lead("f-2-" + run, failing, t.plusSeconds(1)),
                        lead("f-3-" + run, failing, t.plusSeconds(2)),
                        lead("w-1-" + run, waiting, t.plusSeconds(5))),
                0);
        TopicWriter.write(
                bootstrap,
                Topics.LEAD_OUTCOMES,
                List.of(
                        Outcome.delivered("h-1-" + run, healthy, "table", "r1", 1, 50, false, 0, t.plusSeconds(1)),
                        Outcome.delivered("h-2-" + run, healthy, "table", "r2", 1, 50, false, 0, t.plusSeconds(11)),
                        Outcome.deadLettered(
                                "f-1-" + run,
                                failing,
                                "dynamics",
                                ErrorClass.AAD_INVALID_CLIENT_SECRET,
                                1,
                                false,
                                0,
                                t.plusSeconds(3),
                                "AADSTS7000215: Invalid client secret provided."),
                        Outcome.deadLettered(
                                "f-2-" + run,
                                failing,
                                "dynamics",
                                ErrorClass.AAD_INVALID_CLIENT_SECRET,
                                1,
                                false,
                                0,
                                t.plusSeconds(4),
                                "AADSTS7000215: Invalid client secret provided."),
                        // f-3 was dead-lettered, then replayed and delivered: closed
                        Outcome.deadLettered(
                                "f-3-" + run,
                                failing,
                                "dynamics",
                                ErrorClass.DYNAMICS_TIMEOUT,
                                5,
                                false,
                                0,
                                t.plusSeconds(5),
                                null),
                        Outcome.delivered("f-3-" + run, failing, "dynamics", "r3", 1, 50, false, 1, t.plusSeconds(6))),
                Outcome::leadId,
                Map.of());
        TopicWriter.write(
                bootstrap,
                Topics.DESTINATION_CIRCUITS,
                List.of(new CircuitReport(
                        broken,
                        "salesforce",
                        CircuitReport.State.OPEN,
                        t.plusSeconds(7),
                        ErrorClass.SALESFORCE_LIMIT_EXCEEDED)),
                CircuitReport::offerId,
                Map.of());

        Path stateDir = Files.createTempDirectory("status-service-test-");
        StatusConfig config = StatusConfig.of(bootstrap)
                .with(StatusConfig.APPLICATION_ID, "status-test-" + run)
                .with(StatusConfig.STATE_DIR, stateDir)
                .with(StatusConfig.PORT, 0)
                .with(StatusConfig.METRICS_REFRESH, Duration.ofMillis(200))
                .with(StatusConfig.LAG_CACHE_TTL, Duration.ofMillis(500));
        String key = TestKeys.operator(KAFKA.bootstrapServers());
        try (Ops ops = Ops.forService("status");
                StatusService status = StatusService.start(config, ops)) {
            int port = status.port();

            // the failing offer: two open AAD_INVALID_CLIENT_SECRET dead letters (the replayed one is closed). Outcomes
            // of
            // different leads reach the per-offer fold through different partitions, in any order: wait for all of them
            JsonNode f = await(
                            port,
                            key,
                            "/v1/status/offers/" + failing,
                            a -> a.status() == 200
                                    && a.json().path("openDeadLetterCount").asLong() == 2
                                    && a.json()
                                                    .path("last24h")
                                                    .path("delivered")
                                                    .asLong()
                                            == 1
                                    && a.json()
                                                    .path("last24h")
                                                    .path("deadLettered")
                                                    .asLong()
                                            == 3
                                    && a.json().path("last24h").path("received").asLong() == 3)
                    .json();
            assertThat(f.path("offerId").asText()).isEqualTo(failing);
            assertThat(f.path("verdict").asText()).isEqualTo("FAILING");
            assertThat(f.path("destinationType").asText()).isEqualTo("dynamics");
            assertThat(f.path("explanation").asText())
                    .contains("AAD_INVALID_CLIENT_SECRET", "leadctl dlq replay --offer " + failing);
            assertThat(f.path("openDeadLetters")).hasSize(1);
            JsonNode open = f.path("openDeadLetters").get(0);
            assertThat(open.path("errorClass").asText()).isEqualTo("AAD_INVALID_CLIENT_SECRET");
            assertThat(open.path("count").asLong()).isEqualTo(2);
            assertThat(open.path("kind").asText()).isEqualTo("permanent");
            assertThat(open.path("remediation").asText()).isEqualTo(ErrorClass.AAD_INVALID_CLIENT_SECRET.remediation());
            assertThat(Instant.parse(open.path("lastAt").asText())).isEqualTo(t.plusSeconds(4));
            assertThat(f.path("last24h").path("received").asLong()).isEqualTo(3);
            assertThat(f.path("last24h").path("deadLettered").asLong()).isEqualTo(3);
            assertThat(f.path("lastDeadLetter").path("errorClass").asText()).isEqualTo("DYNAMICS_TIMEOUT");

            JsonNode h = await(
                            port,
                            key,
                            "/v1/status/offers/" + healthy,
                            a -> a.status() == 200
                                    && a.json()
                                                    .path("last24h")
                                                    .path("delivered")
                                                    .asLong()
                                            == 2
                                    && a.json().path("last24h").path("received").asLong() == 2)
                    .json();
            assertThat(h.path("verdict").asText()).isEqualTo("HEALTHY");
            assertThat(h.path("lastDelivered").path("leadId").asText()).isEqualTo("h-2-" + run);
            assertThat(h.path("lastDelivered").path("destinationType").asText()).isEqualTo("table");
            assertThat(Instant.parse(h.path("lastDelivered").path("at").asText()))
                    .isEqualTo(t.plusSeconds(11));
            assertThat(h.has("waitingSince")).isFalse();
            assertThat(h.path("openDeadLetters")).isEmpty();

            JsonNode b = await(port, key, "/v1/status/offers/" + broken, a -> a.status() == 200)
                    .json();
            assertThat(b.path("verdict").asText()).isEqualTo("FAILING");
            assertThat(b.path("circuit").path("state").asText()).isEqualTo("OPEN");
            assertThat(b.path("circuit").path("errorClass").asText()).isEqualTo("SALESFORCE_LIMIT_EXCEEDED");

            JsonNode w = await(port, key, "/v1/status/offers/" + waiting, a -> a.status() == 200)
                    .json();
            assertThat(w.path("verdict").asText()).isEqualTo("WAITING");
            assertThat(Instant.parse(w.path("waitingSince").asText())).isEqualTo(t.plusSeconds(5));

            Answer missing = get(port, key, "/v1/status/offers/nobody.nothing");
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.contentType()).startsWith("application/problem+json");
            assertThat(missing.json().path("detail").asText()).contains("nobody.nothing");
            assertThat(missing.json().path("status").asInt()).isEqualTo(404);

            // the overview: failing first, totals per type, the backlog with remediation
            JsonNode all = get(port, key, "/v1/status").json();
            List<String> verdicts = all.path("offers").findValuesAsText("verdict");
            assertThat(verdicts.subList(0, 2)).containsOnly("FAILING");
            assertThat(all.path("offers").get(0).path("offerId").asText()).isEqualTo(failing); // most open dead letters
            JsonNode backlog = all.path("deadLetterBacklog");
            assertThat(backlog).hasSize(1);
            assertThat(backlog.get(0).path("errorClass").asText()).isEqualTo("AAD_INVALID_CLIENT_SECRET");
            assertThat(backlog.get(0).path("count").asLong()).isEqualTo(2);
            assertThat(backlog.get(0).path("remediation").asText())
                    .isEqualTo(ErrorClass.AAD_INVALID_CLIENT_SECRET.remediation());
            JsonNode dynamics = null;
            for (JsonNode d : all.path("destinations")) {
                if (d.path("destinationType").asText().equals("dynamics")) {
                    dynamics = d;
                }
            }
            assertThat(dynamics).isNotNull();
            assertThat(dynamics.path("delivered").asLong()).isEqualTo(1);
            assertThat(dynamics.path("deadLettered").asLong()).isEqualTo(3);

            // the operator page
            Answer page = get(port, key, StatusRoutes.PAGE_PATH);
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.contentType()).startsWith("text/html");
            assertThat(page.body())
                    .contains(
                            "<meta http-equiv=\"refresh\" content=\"10\">",
                            "id=\"destinations\"",
                            "id=\"dlq-backlog\"",
                            "id=\"failing-offers\"");
            String escapedFix = StatusPage.esc(ErrorClass.AAD_INVALID_CLIENT_SECRET.remediation());
            assertThat(escapedFix).contains("&gt;", "&amp;");
            Matcher row = Pattern.compile(
                            "<tr class=\"failing-offer\" data-offer-id=\"" + Pattern.quote(failing) + "\">(.*?)</tr>")
                    .matcher(page.body());
            assertThat(row.find()).as(page.body()).isTrue();
            assertThat(row.group(1)).contains(failing, "dynamics", "AAD_INVALID_CLIENT_SECRET", ">2<", escapedFix);
            assertThat(page.body()).contains("data-offer-id=\"" + broken + "\"");
            assertThat(page.body()).doesNotContain("class=\"failing-offer\" data-offer-id=\"" + healthy + "\"");
            assertThat(page.body()).doesNotContain("<script");

            // the metrics, exact
            String s = "service=status";
            Scrape scrape = Scrape.parse(await(port, key, "/metrics", a -> {
                        Scrape m = Scrape.parse(a.body());
                        // the gauges are refreshed every 200 ms from stores that fold asynchronously: wait for the
                        // final picture
                        return m.value("leadpipe_consumer_lag", "group=" + lagGroup, s) == 3.0
                                && m.value("leadpipe_dlq_open", "error_class=AAD_INVALID_CLIENT_SECRET", s) == 2.0
                                && m.has("leadpipe_offer_open_dead_letters", "offer_id=" + failing)
                                && m.has("leadpipe_offer_circuit_open", "offer_id=" + broken)
                                && m.has("leadpipe_offer_waiting_since_timestamp_seconds", "offer_id=" + waiting)
                                && !a.body().contains("offer_id=\"" + healthy + "\"");
                    })
                    .body());
            for (ErrorClass c : ErrorClass.values()) {
                assertThat(scrape.value("leadpipe_dlq_open", "error_class=" + c.code(), s))
                        .as(c.code())
                        .isEqualTo(c == ErrorClass.AAD_INVALID_CLIENT_SECRET ? 2.0 : 0.0);
            }
            assertThat(scrape.value("leadpipe_offer_open_dead_letters", "offer_id=" + failing, s, "type=dynamics"))
                    .isEqualTo(2.0);
            assertThat(scrape.value("leadpipe_offer_circuit_open", "offer_id=" + broken, s, "type=salesforce"))
                    .isEqualTo(1.0);
            assertThat(scrape.value(
                            "leadpipe_offer_waiting_since_timestamp_seconds", "offer_id=" + waiting, s, "type=unknown"))
                    .isEqualTo((double) t.plusSeconds(5).toEpochMilli() / 1000.0);
            assertThat(scrape.text()).doesNotContain("offer_id=\"" + healthy + "\"");
            assertThat(scrape.text()).contains("# TYPE leadpipe_offer_waiting_since_timestamp_seconds gauge");
            assertThat(scrape.text()).doesNotContain("h-1-" + run).doesNotContain("f-1-" + run);

            Answer ready = await(port, key, "/health/ready", a -> a.status() == 200);
            assertThat(ready.json().path("checks").path("kafka").asText()).isEqualTo("UP");
            assertThat(ready.json().path("checks").path("streams").asText()).isEqualTo("UP");

            // the dead letters are replayed and delivered: the offer recovers, its series go away
            TopicWriter.write(
                    bootstrap,
                    Topics.LEAD_OUTCOMES,
                    List.of(
                            Outcome.delivered("f-1-" + run, failing, "dynamics", "r4", 1, 50, false, 1, now),
                            Outcome.delivered("f-2-" + run, failing, "dynamics", "r5", 1, 50, false, 1, now)),
                    Outcome::leadId,
                    Map.of());
            await(
                    port,
                    key,
                    "/v1/status/offers/" + failing,
                    a -> a.json().path("verdict").asText().equals("HEALTHY"));
            await(
                    port,
                    key,
                    "/metrics",
                    a -> !a.body().contains("offer_id=\"" + failing + "\"")
                            && Scrape.parse(a.body())
                                            .value("leadpipe_dlq_open", "error_class=AAD_INVALID_CLIENT_SECRET", s)
                                    == 0.0);
            Answer calm = get(port, key, StatusRoutes.PAGE_PATH);
            assertThat(calm.body())
                    .doesNotContain("class=\"failing-offer\" data-offer-id=\"" + failing + "\"")
                    .contains("class=\"verdict-HEALTHY\" data-offer-id=\"" + failing + "\"")
                    .contains("No open dead letters");
        }
    }
}
