package dev.leadpipe.router;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicReader;
import dev.leadpipe.kafka.testing.TopicWriter;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.OpsServer;
import dev.leadpipe.ops.testing.Scrape;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** The router as a real Kafka Streams app on a real (embedded) broker, exactly-once and all. */
class RouterAppTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration SETTLE = Duration.ofSeconds(1);

    @Test
    void routesDeliversSuppressesDeadLettersAndDropsDuplicates() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String tableOffer = "contoso-" + run + ".widget";
        String missingOffer = "fabrikam-" + run + ".app";
        String delivered = "l-table-" + run;
        String edu = "l-edu-" + run;
        String orphan = "l-orphan-" + run;
        String bad = "k-bad-" + run;
        Path stateDir = Files.createTempDirectory("router-app-test-");
        RouterConfig config = RouterConfig.of(KAFKA.bootstrapServers())
                .with(RouterConfig.APPLICATION_ID, "router-app-test-" + UUID.randomUUID()) // not run: the scrape
                // names the application id in its Kafka client meters, and must not name this run's leads
                .with(RouterConfig.STATE_DIR, stateDir);

        try (Ops ops = Ops.forService("router");
                OpsServer opsServer = OpsServer.start("127.0.0.1", 0, ops)) {
            try (RouterApp router = RouterApp.start(config, ops);
                    KafkaProducer<String, byte[]> producer = producer(KAFKA.bootstrapServers())) {
                assertThat(router.state()).isEqualTo(KafkaStreams.State.RUNNING);
                HttpResponse<String> ready = get(opsServer, "/health/ready");
                assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
                assertThat(ready.body())
                        .isEqualTo("{\"status\":\"UP\",\"checks\":{\"kafka\":\"UP\",\"streams\":\"UP\"}}");

                LeadDestination table = new LeadDestination(
                        tableOffer,
                        DestinationType.TABLE,
                        Map.of("connectionString", "UseDevelopmentStorage=true"),
                        List.of(),
                        1,
                        Instant.now());
                TopicWriter.writeDestinations(KAFKA.bootstrapServers(), List.of(table));
                awaitDestination(router, tableOffer);
                assertThat(router.destination(tableOffer))
                        .map(LeadDestination::type)
                        .contains(DestinationType.TABLE);
                assertThat(router.awaitDestination(tableOffer, 2, Duration.ofMillis(200)))
                        .as("version 2 was never saved")
                        .isFalse();
                assertThat(router.destination(missingOffer)).isEmpty();

                send(producer, delivered, leadJson(delivered, tableOffer, "ann@contoso.com"));
                send(producer, edu, leadJson(edu, tableOffer, "alice@mit.edu"));
                send(producer, orphan, leadJson(orphan, missingOffer, "bob@fabrikam.com"));
                send(producer, bad, "{not json");
                send(producer, delivered, leadJson(delivered, tableOffer, "ann@contoso.com")); // the duplicate

                awaitDuplicateCount(router, 1);

                // the topics may hold other runs' records when the tests use an existing cluster: keep this run's only
                List<ConsumerRecord<String, Outcome>> outcomes = ofRun(
                        TopicReader.readUntil(
                                KAFKA.bootstrapServers(),
                                Topics.LEAD_OUTCOMES,
                                r -> ofRun(r, run).size() >= 3,
                                READ_TIMEOUT,
                                SETTLE),
                        run);
                List<ConsumerRecord<String, byte[]>> deadLetters = ofRun(
                        TopicReader.readUntil(
                                KAFKA.bootstrapServers(),
                                Topics.LEADS_DLQ,
                                r -> ofRun(r, run).size() >= 2,
                                READ_TIMEOUT,
                                SETTLE),
                        run);
                List<ConsumerRecord<String, Lead>> deliveries = ofRun(
                        TopicReader.readUntil(
                                KAFKA.bootstrapServers(),
                                Topics.DELIVERIES_TABLE,
                                r -> ofRun(r, run).size() >= 1,
                                READ_TIMEOUT,
                                SETTLE),
                        run);

                assertThat(deliveries).hasSize(1);
                assertThat(deliveries.get(0).key()).isEqualTo(delivered);
                assertThat(deliveries.get(0).value().leadId()).isEqualTo(delivered);
                assertThat(deliveries.get(0).value().offerId()).isEqualTo(tableOffer);

                assertThat(outcomes).hasSize(3);
                Map<String, Outcome> byKey = outcomes.stream()
                        .collect(java.util.stream.Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value));
                assertThat(byKey).containsOnlyKeys(edu, orphan, bad);
                assertThat(byKey.get(edu).outcome()).isEqualTo(OutcomeType.SUPPRESSED);
                assertThat(byKey.get(orphan).outcome()).isEqualTo(OutcomeType.DEAD_LETTERED);
                assertThat(byKey.get(orphan).errorClass()).isEqualTo(ErrorClass.NO_DESTINATION_CONFIGURED);
                assertThat(byKey.get(bad).outcome()).isEqualTo(OutcomeType.DEAD_LETTERED);
                assertThat(byKey.get(bad).errorClass()).isEqualTo(ErrorClass.MALFORMED_RECORD);

                assertThat(deadLetters).hasSize(2);
                Map<String, ConsumerRecord<String, byte[]>> dlqByKey =
                        deadLetters.stream().collect(java.util.stream.Collectors.toMap(ConsumerRecord::key, r -> r));
                assertThat(dlqByKey).containsOnlyKeys(orphan, bad);
                assertThat(dlqByKey.get(bad).value()).isEqualTo("{not json".getBytes(StandardCharsets.UTF_8));
                assertThat(DeadLetterHeaders.get(dlqByKey.get(bad).headers(), DeadLetterHeaders.ERROR_CLASS))
                        .isEqualTo("MALFORMED_RECORD");
                ConsumerRecord<String, byte[]> orphaned = dlqByKey.get(orphan);
                assertThat(DeadLetterHeaders.get(orphaned.headers(), DeadLetterHeaders.ERROR_CLASS))
                        .isEqualTo("NO_DESTINATION_CONFIGURED");
                assertThat(DeadLetterHeaders.get(orphaned.headers(), DeadLetterHeaders.OFFER_ID))
                        .isEqualTo(missingOffer);
                assertThat(DeadLetterHeaders.get(orphaned.headers(), DeadLetterHeaders.SOURCE_TOPIC))
                        .isEqualTo("leads");
                assertThat(DeadLetterHeaders.get(orphaned.headers(), DeadLetterHeaders.SOURCE_PARTITION))
                        .isNotNull();
                assertThat(DeadLetterHeaders.get(orphaned.headers(), DeadLetterHeaders.SOURCE_OFFSET))
                        .isNotNull();

                assertThat(router.duplicateCount()).isEqualTo(1);

                // what the operator scrapes: the records of this run (the outputs above are committed, so counted)
                HttpResponse<String> metrics = get(opsServer, "/metrics");
                assertThat(metrics.statusCode()).isEqualTo(200);
                Scrape scrape = Scrape.parse(metrics.body());
                String routerTag = "service=router";
                assertThat(scrape.value("leadpipe_router_routed_total", "type=table", "service=router"))
                        .isEqualTo(1);
                assertThat(scrape.value("leadpipe_router_routed_total", "type=https", "service=router"))
                        .isZero();
                assertThat(scrape.value("leadpipe_router_suppressed_total", routerTag))
                        .isEqualTo(1);
                assertThat(scrape.value(
                                "leadpipe_router_dead_lettered_total",
                                "error_class=NO_DESTINATION_CONFIGURED",
                                "service=router"))
                        .isEqualTo(1);
                assertThat(scrape.value(
                                "leadpipe_router_dead_lettered_total",
                                "error_class=MALFORMED_RECORD",
                                "service=router"))
                        .isEqualTo(1);
                assertThat(scrape.value(
                                "leadpipe_router_dead_lettered_total",
                                "error_class=DESTINATION_UNSUPPORTED",
                                "service=router"))
                        .isZero();
                assertThat(scrape.value("leadpipe_router_duplicates_total", routerTag))
                        .isEqualTo(1);
                assertThat(scrape.value("leadpipe_router_replays_total", routerTag))
                        .isZero();
                assertThat(scrape.value("leadpipe_ready", routerTag)).isEqualTo(1);
                assertThat(scrape.text()).doesNotContain(run);
            }
            // closed: not ready, saying why
            HttpResponse<String> down = get(opsServer, "/health/ready");
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body())
                    .contains("\"status\":\"DOWN\"")
                    .contains("\"streams\":\"Kafka Streams is NOT_RUNNING\"");
            assertThat(Scrape.parse(get(opsServer, "/metrics").body()).value("leadpipe_ready", "service=router"))
                    .isZero();
            assertThat(get(opsServer, "/health/live").statusCode()).isEqualTo(200);
        }
    }

    private static HttpResponse<String> get(OpsServer server, String path) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    static <V> List<ConsumerRecord<String, V>> ofRun(List<ConsumerRecord<String, V>> records, String run) {
        return records.stream()
                .filter(r -> r.key() != null && r.key().endsWith(run))
                .toList();
    }

    private static void awaitDuplicateCount(RouterApp router, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (router.duplicateCount() < expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(router.duplicateCount()).isEqualTo(expected);
    }

    static void awaitDestination(RouterApp router, String offerId) throws InterruptedException {
        assertThat(router.awaitDestination(offerId, 0, Duration.ofSeconds(10)))
                .as("destination of %s in the global table", offerId)
                .isTrue();
    }

    static void send(KafkaProducer<String, byte[]> producer, String key, String value) throws Exception {
        producer.send(new ProducerRecord<>(Topics.LEADS.name(), key, value.getBytes(StandardCharsets.UTF_8)))
                .get(10, TimeUnit.SECONDS);
    }

    static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    static String leadJson(String leadId, String offerId, String email) {
        return "{\"leadId\":\"" + leadId + "\",\"offerId\":\"" + offerId
                + "\",\"UserDetails\":{\"FirstName\":\"Ann\",\"Email\":\"" + email
                + "\"},\"LeadSource\":\"AzureMarketplace-INS|" + offerId + "\",\"ActionCode\":\"INS\"}";
    }
}
