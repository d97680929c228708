package dev.leadpipe.sink.runtime;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import dev.leadpipe.core.circuit.CircuitReport;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.topic.TopicSpec;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicReader;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.OpsServer;
import dev.leadpipe.ops.Readiness;
import dev.leadpipe.ops.testing.Scrape;
import dev.leadpipe.sink.runtime.ScriptedDestination.Script;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.leadpipe.sink.runtime.SinkTestSupport.CANARY;
import static dev.leadpipe.sink.runtime.SinkTestSupport.EMAIL;
import static dev.leadpipe.sink.runtime.SinkTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * What operations see of a sink, against a real (embedded KRaft) broker: its Prometheus metrics as scraped, its
 * readiness over HTTP, and the circuit reports it publishes to {@code destination-circuits}. Same conventions as
 * {@link SinkRuntimeTest}: per-test consumer group started at the end of the topic, per-test offers and lead ids.
 */
class SinkOperationsTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static final DestinationType TYPE = DestinationType.HTTPS;
    static final TopicSpec<String, Lead> TOPIC = Topics.deliveryTopic(TYPE);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    static final TopicSpec<String, byte[]> RAW_CIRCUITS = new TopicSpec<>(
            Topics.DESTINATION_CIRCUITS.name(),
            Serdes.String(),
            Serdes.ByteArray(),
            Topics.DESTINATION_CIRCUITS.partitions(),
            true);

    static CapturedLogs logs;
    static KafkaProducer<String, byte[]> producer;
    static Admin admin;

    String run;

    @BeforeAll
    static void setUp() {
        logs = CapturedLogs.attach();
        producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        KAFKA.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all"),
                new StringSerializer(),
                new ByteArraySerializer());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()));
    }

    @AfterAll
    static void tearDown() {
        producer.close();
        admin.close();
        logs.detach();
        logs.assertNoSecretOrAddress();
    }

    @BeforeEach
    void newRun() {
        run = UUID.randomUUID().toString().substring(0, 8);
    }

    // ------------------------------------------------------------------------------------------------ tests

    @Test
    void prometheusShowsOutcomesRetriesAndTheLatencyHistogram() throws Exception {
        String ok = offer("ok");
        String flaky = offer("flaky");
        String perm = offer("perm");
        putDestination(ok, "ok-" + run);
        putDestination(flaky, "flaky-" + run);
        putDestination(perm, "perm-" + run);
        ScriptedDestination destination = new ScriptedDestination();
        destination.script(flaky, Script.transientTimes(2, ErrorClass.TABLE_UNAVAILABLE));
        destination.script(perm, Script.permanently(ErrorClass.AAD_INVALID_CLIENT_SECRET));
        try (Ops ops = Ops.forService("sink-https");
                SinkRuntime sink = SinkRuntime.start(config(group()), destination.client(TYPE), ops)) {
            for (int i = 0; i < 3; i++) {
                sendLead(lead("ok" + i), ok);
            }
            sendLead(lead("flaky"), flaky);
            sendLead(lead("perm"), perm);
            outcomes(r -> r.size() >= 5);

            // an outcome is counted once Kafka acknowledged it, which may be just after a reader saw it
            await(
                    "every outcome counted",
                    () -> Scrape.parse(ops.scrape())
                                            .value(
                                                    "leadpipe_sink_outcomes_total",
                                                    "type=https",
                                                    "outcome=DELIVERED",
                                                    "error_class=none")
                                    == 4.0
                            && Scrape.parse(ops.scrape())
                                            .value(
                                                    "leadpipe_sink_outcomes_total",
                                                    "outcome=DEAD_LETTERED",
                                                    "error_class=AAD_INVALID_CLIENT_SECRET")
                                    == 1.0,
                    READ_TIMEOUT);
            Scrape scrape = Scrape.parse(ops.scrape());
            assertThat(scrape.value(
                            "leadpipe_sink_outcomes_total",
                            "service=sink-https",
                            "type=https",
                            "outcome=DELIVERED",
                            "error_class=none"))
                    .isEqualTo(4.0);
            assertThat(scrape.value(
                            "leadpipe_sink_outcomes_total",
                            "type=https",
                            "outcome=DEAD_LETTERED",
                            "error_class=AAD_INVALID_CLIENT_SECRET"))
                    .isEqualTo(1.0);
            assertThat(scrape.value(
                            "leadpipe_sink_outcomes_total", "outcome=DEAD_LETTERED", "error_class=DYNAMICS_THROTTLED"))
                    .as("pre-registered at 0")
                    .isEqualTo(0.0);
            for (ErrorClass c : ErrorClass.values()) {
                assertThat(scrape.has(
                                "leadpipe_sink_outcomes_total", "outcome=DEAD_LETTERED", "error_class=" + c.code()))
                        .as(c.code())
                        .isTrue();
            }
            assertThat(scrape.value("leadpipe_sink_retries_total", "type=https", "error_class=TABLE_UNAVAILABLE"))
                    .as("two failed attempts, each followed by another")
                    .isEqualTo(2.0);
            assertThat(scrape.value("leadpipe_sink_attempts_total", "result=success"))
                    .isEqualTo(4.0);
            assertThat(scrape.value("leadpipe_sink_attempts_total", "result=transient"))
                    .isEqualTo(2.0);
            assertThat(scrape.value("leadpipe_sink_attempts_total", "result=permanent"))
                    .isEqualTo(1.0);
            assertThat(scrape.value("leadpipe_sink_delivery_latency_seconds_count", "type=https"))
                    .isEqualTo(4.0);
            assertThat(scrape.value("leadpipe_sink_delivery_latency_seconds_bucket", "type=https", "le=+Inf"))
                    .isEqualTo(4.0);
            assertThat(scrape.value("leadpipe_sink_delivery_latency_seconds_bucket", "type=https", "le=86400.0"))
                    .as("every lead delivered within 24 h")
                    .isEqualTo(4.0);
            assertThat(scrape.has("leadpipe_sink_delivery_latency_seconds_bucket", "le=0.1"))
                    .isTrue();
            assertThat(scrape.labelValues("leadpipe_sink_delivery_latency_seconds_bucket", "le"))
                    .as("the documented buckets")
                    .containsExactly(
                            "0.1", "0.5", "1.0", "2.0", "5.0", "10.0", "30.0", "60.0", "300.0", "900.0", "3600.0",
                            "21600.0", "86400.0", "+Inf");
            assertThat(scrape.has("leadpipe_sink_in_flight", "type=https")).isTrue();
            assertThat(scrape.has("leadpipe_sink_parked", "type=https")).isTrue();
            assertThat(scrape.value("leadpipe_sink_circuits_open", "type=https"))
                    .isEqualTo(0.0);
            assertThat(scrape.text()).doesNotContain(CANARY, EMAIL, "ok-" + run, "pub" + run, lead("ok0"));
        }
    }

    @Test
    void readinessIsServedAndTurnsDownWhenTheSinkCloses() throws Exception {
        putDestination(offer("ready"), "ready-" + run);
        HttpClient http = HttpClient.newHttpClient();
        try (Ops ops = Ops.forService("sink-https")) {
            SinkRuntime sink = SinkRuntime.start(config(group()), new ScriptedDestination().client(TYPE), ops);
            try (OpsServer server = OpsServer.start("127.0.0.1", 0, ops)) {
                Readiness.Report report = ops.readiness().report();
                assertThat(report.ready()).as(report.checks().toString()).isTrue();
                assertThat(report.checks()).containsEntry("kafka", "UP").containsEntry("consumer", "UP");
                assertThat(sink.readinessProblem()).isNull();
                assertThat(sink.readinessProblem(
                                System.nanoTime() + SinkRuntime.MAX_POLL_AGE.toNanos() + TimeUnit.SECONDS.toNanos(5)))
                        .as("a consumer that stopped polling is not ready")
                        .startsWith("the sink's consumer has not polled for 3");

                HttpResponse<String> ready = get(http, server, "/health/ready");
                assertThat(ready.statusCode()).isEqualTo(200);
                assertThat(ready.body()).contains("\"status\":\"UP\"", "\"kafka\":\"UP\"", "\"consumer\":\"UP\"");
                HttpResponse<String> metrics = get(http, server, "/metrics");
                assertThat(metrics.statusCode()).isEqualTo(200);
                assertThat(metrics.headers().firstValue("Content-Type").orElse(""))
                        .startsWith("text/plain");
                assertThat(Scrape.parse(metrics.body()).value("leadpipe_ready", "service=sink-https"))
                        .isEqualTo(1.0);
                assertThat(Scrape.parse(metrics.body()).has("leadpipe_sink_outcomes_total", "outcome=DELIVERED"))
                        .isTrue();

                sink.close();
                assertThat(sink.readinessProblem()).isEqualTo("the sink is closed");
                HttpResponse<String> down = get(http, server, "/health/ready");
                assertThat(down.statusCode()).isEqualTo(503);
                assertThat(down.body()).contains("\"status\":\"DOWN\"", "\"consumer\":\"the sink is closed\"");
                assertThat(ops.readiness().report().ready()).isFalse();
                assertThat(Scrape.parse(get(http, server, "/metrics").body()).value("leadpipe_ready"))
                        .isEqualTo(0.0);
                assertThat(get(http, server, "/health/live").statusCode()).isEqualTo(200);
            } finally {
                sink.close();
            }
        }
    }

    @Test
    void aCircuitOpeningAndClosingIsPublishedForTheOffer() throws Exception {
        String offer = offer("circ");
        String other = offer("circ2");
        String host = "circ-" + run;
        putDestination(offer, host);
        putDestination(other, host); // the same endpoint: its circuit is shared
        AtomicBoolean failing = new AtomicBoolean(true);
        ScriptedDestination destination = new ScriptedDestination();
        Script failWhileBroken = Script.failingWhile(d -> failing.get()); // TABLE_UNAVAILABLE, transient
        destination.script(offer, failWhileBroken);
        destination.script(other, failWhileBroken);
        SinkConfig config = config(group())
                .withRetryBudget(1_000, Duration.ofSeconds(20))
                .withCircuitBreaker(3, Duration.ofMillis(300));
        try (Ops ops = Ops.forService("sink-https");
                SinkRuntime sink = SinkRuntime.start(config, destination.client(TYPE), ops)) {
            Instant before = Instant.now();
            sendLead(lead("c0"), offer);
            sendLead(lead("c1"), offer);
            sendLead(lead("c2"), other);

            List<ConsumerRecord<String, CircuitReport>> opened = circuits(r -> r.stream()
                            .anyMatch(c -> c.key().equals(offer) && c.value().state() == CircuitReport.State.OPEN)
                    && r.stream()
                            .anyMatch(c -> c.key().equals(other) && c.value().state() == CircuitReport.State.OPEN));
            CircuitReport open = opened.stream()
                    .filter(c -> c.key().equals(offer))
                    .findFirst()
                    .orElseThrow()
                    .value();
            assertThat(open.state()).as("the first report is the opening").isEqualTo(CircuitReport.State.OPEN);
            assertThat(open.offerId()).isEqualTo(offer);
            assertThat(open.destinationType()).isEqualTo("https");
            assertThat(open.errorClass()).isEqualTo(ErrorClass.TABLE_UNAVAILABLE);
            assertThat(open.since()).isAfterOrEqualTo(before.minusSeconds(1)).isBeforeOrEqualTo(Instant.now());
            await(
                    "the circuit counted as open",
                    () -> Scrape.parse(ops.scrape()).value("leadpipe_sink_circuits_open", "type=https") == 1.0,
                    READ_TIMEOUT);

            failing.set(false); // the endpoint recovers: the half-open trial succeeds
            List<ConsumerRecord<String, CircuitReport>> all = circuits(r -> last(r, offer) != null
                    && last(r, offer).state() == CircuitReport.State.CLOSED
                    && last(r, other) != null
                    && last(r, other).state() == CircuitReport.State.CLOSED);
            CircuitReport closed = last(all, offer);
            assertThat(closed.errorClass()).isNull();
            assertThat(closed.since()).isAfter(open.since());
            assertThat(last(all, other).state()).isEqualTo(CircuitReport.State.CLOSED);
            assertThat(outcomes(r -> r.size() >= 3))
                    .allSatisfy(r ->
                            assertThat(r.value().outcome()).isEqualTo(dev.leadpipe.core.outcome.OutcomeType.DELIVERED));

            // the published records hold no endpoint, setting or secret
            List<ConsumerRecord<String, byte[]>> raw = TopicReader.readUntil(
                    KAFKA.bootstrapServers(),
                    RAW_CIRCUITS,
                    r -> r.stream().filter(c -> c.key().equals(offer)).count() >= 2,
                    READ_TIMEOUT,
                    Duration.ZERO);
            for (ConsumerRecord<String, byte[]> r : raw) {
                assertThat(new String(r.value(), StandardCharsets.UTF_8))
                        .doesNotContain(CANARY, EMAIL, host, "hooks.example.com");
            }
        }
        assertThat(logs.lines()).anyMatch(l -> l.contains("circuit") && l.contains(offer));
    }

    @Test
    void theDefaultOpsPortsAreTheDocumentedOnes() {
        assertThat(SinkRuntime.defaultOpsPort(DestinationType.DYNAMICS)).isEqualTo(9102);
        assertThat(SinkRuntime.defaultOpsPort(DestinationType.SALESFORCE)).isEqualTo(9103);
        assertThat(SinkRuntime.defaultOpsPort(DestinationType.TABLE)).isEqualTo(9104);
        assertThat(SinkRuntime.defaultOpsPort(DestinationType.HTTPS)).isEqualTo(9105);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static HttpResponse<String> get(HttpClient http, OpsServer server, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static CircuitReport last(List<ConsumerRecord<String, CircuitReport>> records, String offerId) {
        CircuitReport last = null;
        for (ConsumerRecord<String, CircuitReport> r : records) {
            if (r.key().equals(offerId)) {
                last = r.value();
            }
        }
        return last;
    }

    private String offer(String name) {
        return "pub" + run + "." + name;
    }

    private String lead(String name) {
        return name + "-" + run;
    }

    private String group() {
        String group = "sink-ops-test-" + run;
        SinkTestSupport.startAtEnd(admin, TYPE, group);
        return group;
    }

    private SinkConfig config(String group) {
        return SinkTestSupport.fastConfig(KAFKA.bootstrapServers(), group);
    }

    private static void putDestination(String offerId, String host) throws Exception {
        LeadDestination d = SinkTestSupport.scriptedDestination(offerId, TYPE, host, 1);
        producer.send(new ProducerRecord<>(
                        Topics.LEAD_DESTINATIONS.name(),
                        offerId,
                        Topics.LEAD_DESTINATIONS
                                .valueSerde()
                                .serializer()
                                .serialize(Topics.LEAD_DESTINATIONS.name(), d)))
                .get(10, TimeUnit.SECONDS);
    }

    private static void sendLead(String leadId, String offerId) throws Exception {
        Lead lead = SinkTestSupport.customerLead(leadId, offerId);
        producer.send(new ProducerRecord<>(
                        TOPIC.name(), leadId, TOPIC.valueSerde().serializer().serialize(TOPIC.name(), lead)))
                .get(10, TimeUnit.SECONDS);
    }

    private List<ConsumerRecord<String, Outcome>> outcomes(Predicate<List<ConsumerRecord<String, Outcome>>> done) {
        return ofRun(TopicReader.readUntil(
                KAFKA.bootstrapServers(), Topics.LEAD_OUTCOMES, r -> done.test(ofRun(r)), READ_TIMEOUT, Duration.ZERO));
    }

    /** This run's circuit reports (keyed by offer id), read until {@code done} holds for them. */
    private List<ConsumerRecord<String, CircuitReport>> circuits(
            Predicate<List<ConsumerRecord<String, CircuitReport>>> done) {
        List<ConsumerRecord<String, CircuitReport>> records = ofOffers(TopicReader.readUntil(
                KAFKA.bootstrapServers(),
                Topics.DESTINATION_CIRCUITS,
                r -> done.test(ofOffers(r)),
                READ_TIMEOUT,
                Duration.ZERO));
        if (!done.test(records)) {
            fail("timed out reading the expected circuit reports; read "
                    + records.stream()
                            .map(r -> r.key() + "=" + r.value().state())
                            .toList());
        }
        return records;
    }

    private <V> List<ConsumerRecord<String, V>> ofRun(List<ConsumerRecord<String, V>> records) {
        return records.stream()
                .filter(r -> r.key() != null && r.key().endsWith("-" + run))
                .toList();
    }

    private <V> List<ConsumerRecord<String, V>> ofOffers(List<ConsumerRecord<String, V>> records) {
        return records.stream()
                .filter(r -> r.key() != null && r.key().startsWith("pub" + run + "."))
                .toList();
    }
}
