package dev.leadpipe.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.UserDetails;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.retry.RetryHeaders;
import dev.leadpipe.core.retry.WaitingLead;
import dev.leadpipe.core.topic.TopicSpec;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.fakes.FakeHttpsReceiver;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicReader;
import dev.leadpipe.kafka.testing.TopicWriter;
import dev.leadpipe.local.monitoring.MonitoringFiles;
import dev.leadpipe.local.monitoring.PrometheusServer;
import dev.leadpipe.local.monitoring.RequiresTools;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.sink.https.HttpsDestinationClient;
import dev.leadpipe.sink.runtime.SinkConfig;
import dev.leadpipe.sink.runtime.SinkRuntime;
import dev.leadpipe.status.StatusConfig;
import dev.leadpipe.status.StatusService;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A publisher's HTTPS endpoint answers 503 for the whole outage while its leads keep coming, next to a healthy offer on
 * the same sink: the down offer's leads wait in Kafka, none is dead-lettered, and an operator sees them —
 * {@code leadctl status --offer} (how many, the oldest's age, the last class and its fix), {@code leadctl waiting
 * list}, and a real Prometheus firing {@code LeadpipeLeadsWaitingTooLong} for the offer. One of its leads has already
 * waited two hours (its tier record carries that history, as after a long outage), which is what makes the one-hour
 * alert fire in a test that lasts minutes. Once the endpoint is fixed, {@code leadctl waiting retry-now} sends every
 * waiting lead to its next attempt at once: each is delivered once, before its scheduled next attempt, and the
 * originals that come due later are skipped.
 */
class WaitingLeadsSystemTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final String DOWN = "adatum.outage-flow";
    private static final String HEALTHY = "contoso.healthy-flow";
    private static final String DOWN_PATH = "/workflows/outage/triggers/manual/paths/invoke";
    private static final String HEALTHY_PATH = "/workflows/healthy/triggers/manual/paths/invoke";
    private static final int DOWN_LEADS = 200;
    private static final int HEALTHY_LEADS = 20;
    private static final String OLD_LEAD = "outage-old-lead";
    private static final TopicSpec<String, Lead> DELIVERIES = Topics.deliveryTopic(DestinationType.HTTPS);

    private static final List<AutoCloseable> CLOSE = new ArrayList<>();
    private static FakeHttpsReceiver receiver;
    private static LocalOps sinkOps;
    private static StatusService status;

    @BeforeAll
    static void start() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        receiver = closeLater(FakeHttpsReceiver.start(null).answer(DOWN_PATH, 503));
        sinkOps = closeLater(LocalOps.start("sink-https", 0));
        // the circuit opens after 2 failures for 3 s; held leads come back after 3, 6, 12, 24, 30 s
        closeLater(SinkRuntime.start(
                SinkConfig.of(bootstrap)
                        .withAllowedHosts(DestinationAddresses.LOCAL_STAND_INS)
                        .withCircuitBreaker(2, Duration.ofSeconds(3))
                        .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(30), 0.2),
                new HttpsDestinationClient(null, Duration.ofSeconds(5)),
                sinkOps.ops()));
        SystemTestSupport.operatorKey(bootstrap); // made before status starts, which then accepts it at once
        Ops statusOps = closeLater(Ops.forService("status"));
        status = closeLater(StatusService.start(
                StatusConfig.of(bootstrap)
                        .with(StatusConfig.PORT, 0)
                        .with(StatusConfig.STATE_DIR, Files.createTempDirectory("status-"))
                        .with(StatusConfig.METRICS_REFRESH, Duration.ofMillis(300)),
                statusOps));
        TopicWriter.writeDestinations(
                bootstrap, List.of(destination(DOWN, DOWN_PATH), destination(HEALTHY, HEALTHY_PATH)));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : CLOSE) {
            try {
                c.close();
            } catch (Exception ignored) {
                // stopping anyway
            }
        }
    }

    @Test
    @RequiresTools({"prometheus"})
    void anOutageKeepsLeadsWaitingInSightWithoutDeadLettersAndRetryNowDeliversThemOnceFixed() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        List<Lead> down = leads(DOWN, DOWN_LEADS);
        TopicWriter.writeLeads(bootstrap, DELIVERIES, down, 0);
        TopicWriter.writeLeads(bootstrap, DELIVERIES, leads(HEALTHY, HEALTHY_LEADS), 0);
        writeTierRecordWaitingSince(lead(OLD_LEAD, DOWN), Instant.now().minus(Duration.ofHours(2)));
        List<String> downIds = new ArrayList<>(down.stream().map(Lead::leadId).toList());
        downIds.add(OLD_LEAD);

        // the healthy offer on the same sink is not held up
        List<Outcome> healthy = SystemTestSupport.outcomes(
                bootstrap, HEALTHY, os -> os.size() >= HEALTHY_LEADS, Duration.ofSeconds(60), Duration.ZERO);
        assertThat(healthy)
                .hasSize(HEALTHY_LEADS)
                .allSatisfy(o -> assertThat(o.outcome()).isEqualTo(OutcomeType.DELIVERED));

        // the operator sees the outage: how many wait, since when, why, and the fix
        SystemTestSupport.CliResult shown = await(
                () -> SystemTestSupport.leadctl(
                        bootstrap, "status", "--offer", DOWN, "--status-url", "http://127.0.0.1:" + status.port()),
                r -> r.out().contains("Waiting: " + downIds.size() + " leads, oldest 2h"));
        assertThat(shown.out())
                .as(shown.out())
                .contains(
                        "Waiting: 201 leads, oldest 2h",
                        "after " + ErrorClass.DESTINATION_HTTP_ERROR.code() + " (HTTP 503)",
                        "fix: ",
                        "leadctl waiting list --offer " + DOWN);
        SystemTestSupport.CliResult listed = SystemTestSupport.leadctl(bootstrap, "waiting", "list", "--offer", DOWN);
        assertThat(listed.exitCode()).isZero();
        assertThat(listed.out()).contains("201 waiting leads (by offer: " + DOWN + "=201)");

        // ... and Prometheus pages for it
        Map<String, String> targets =
                Map.of("sink-https", sinkOps.baseUrl().replace("http://", ""), "status", "127.0.0.1:" + status.port());
        Path credentials = Files.createTempFile("leadpipe-operator-key-", "");
        Files.writeString(credentials, SystemTestSupport.operatorKey(bootstrap) + "\n");
        try (PrometheusServer prometheus =
                PrometheusServer.start(targets, MonitoringFiles.alertRulesFile(), credentials)) {
            PrometheusServer.Alert alert = prometheus.awaitAlertFiring(
                    "LeadpipeLeadsWaitingTooLong", Map.of("offer_id", DOWN), Duration.ofSeconds(90));
            assertThat(alert.annotations().get("summary")).contains(DOWN, "2h");
            assertThat(prometheus.alerts())
                    .noneMatch(a -> a.firing() && HEALTHY.equals(a.labels().get("offer_id")));
        }
        assertThat(deadLetters(DOWN)).as("an outage dead-letters nothing").isEmpty();
        assertThat(receiver.deliveries()).doesNotContainKeys(downIds.toArray(String[]::new));

        // the endpoint is fixed; retry-now sends every waiting lead to its next attempt at once
        receiver.answer(DOWN_PATH, 202);
        Map<String, Instant> scheduled = scheduledNextAttempts(downIds);
        Instant woken = Instant.now();
        SystemTestSupport.CliResult retried =
                SystemTestSupport.leadctl(bootstrap, "waiting", "retry-now", "--offer", DOWN);
        assertThat(retried.exitCode()).as(retried.err()).isZero();
        assertThat(retried.out()).contains("https: sent ");

        List<Outcome> delivered = SystemTestSupport.outcomes(
                bootstrap,
                DOWN,
                os -> os.stream().map(Outcome::leadId).distinct().count() >= downIds.size(),
                Duration.ofSeconds(90),
                Duration.ZERO);
        Map<String, Outcome> byLead =
                delivered.stream().collect(Collectors.toMap(Outcome::leadId, o -> o, (a, b) -> b));
        assertThat(byLead.keySet()).containsExactlyInAnyOrderElementsOf(downIds);
        List<String> early = downIds.stream()
                .filter(id -> scheduled.get(id).isAfter(woken.plusSeconds(10)))
                .toList();
        assertThat(early).as("leads scheduled well after the wake-up").isNotEmpty();
        assertThat(early)
                .as("delivered before their scheduled next attempt")
                .allSatisfy(id -> assertThat(byLead.get(id).at()).isBefore(scheduled.get(id)));

        // once every original has come due, each lead was delivered exactly once
        Instant lastDue = scheduled.values().stream().max(Instant::compareTo).orElseThrow();
        while (Instant.now().isBefore(lastDue.plusSeconds(5))) {
            Thread.sleep(500);
        }
        List<Outcome> all = TopicReader.readAll(bootstrap, Topics.LEAD_OUTCOMES).stream()
                .map(ConsumerRecord::value)
                .filter(o -> DOWN.equals(o.offerId()))
                .toList();
        assertThat(all)
                .hasSize(downIds.size())
                .allSatisfy(o -> assertThat(o.outcome()).isEqualTo(OutcomeType.DELIVERED));
        assertThat(downIds)
                .allSatisfy(
                        id -> assertThat(receiver.delivery(id).count()).as(id).isEqualTo(1));
        assertThat(deadLetters(DOWN)).isEmpty();
        SystemTestSupport.CliResult cleared = await(
                () -> SystemTestSupport.leadctl(bootstrap, "waiting", "list", "--offer", DOWN),
                r -> r.out().contains("0 waiting leads"));
        assertThat(cleared.out()).contains("0 waiting leads");
    }

    /** When each lead's waiting record says its next attempt is due. */
    private static Map<String, Instant> scheduledNextAttempts(List<String> leadIds) {
        Map<String, Instant> next = new HashMap<>();
        for (ConsumerRecord<String, WaitingLead> r :
                TopicReader.readAll(KAFKA.bootstrapServers(), Topics.LEAD_WAITING)) {
            if (leadIds.contains(r.key())) {
                next.put(r.key(), r.value() == null ? null : r.value().nextAttemptAt());
            }
        }
        assertThat(next.keySet()).containsExactlyInAnyOrderElementsOf(leadIds);
        return next;
    }

    /**
     * Writes the tier record a sink writes for a lead that has waited since {@code since}: its history in the
     * {@code leadpipe.retry.*} headers, due now.
     */
    private static void writeTierRecordWaitingSince(Lead lead, Instant since) throws Exception {
        RecordHeaders headers = new RecordHeaders();
        RetryHeaders.put(headers, RetryHeaders.ATTEMPTS, 12);
        RetryHeaders.put(headers, RetryHeaders.HOLDS, 40);
        RetryHeaders.put(headers, RetryHeaders.BUDGET_START, since);
        RetryHeaders.put(headers, RetryHeaders.FIRST_ATTEMPT_TIME, since);
        RetryHeaders.put(headers, RetryHeaders.FIRST_FAILURE_TIME, since);
        RetryHeaders.put(headers, RetryHeaders.LAST_FAILURE_TIME, Instant.now().minusSeconds(600));
        RetryHeaders.put(headers, RetryHeaders.ERROR_CLASS, ErrorClass.DESTINATION_HTTP_ERROR.code());
        RetryHeaders.put(headers, RetryHeaders.ERROR_STATUS, 503);
        RetryHeaders.put(headers, RetryHeaders.REASON, WaitingLead.Reason.CIRCUIT_OPEN.name());
        RetryHeaders.put(headers, RetryHeaders.WAITING_SINCE, since);
        RetryHeaders.put(headers, RetryHeaders.NEXT_ATTEMPT_TIME, Instant.now());
        RetryHeaders.put(headers, RetryHeaders.DUE_TIME, Instant.now());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            byte[] value = DELIVERIES.valueSerde().serializer().serialize(DELIVERIES.name(), lead);
            producer.send(new ProducerRecord<>(
                            Topics.retryTiers(DestinationType.HTTPS).get(3).name(),
                            null,
                            lead.leadId(),
                            value,
                            headers))
                    .get();
        }
    }

    private static List<ConsumerRecord<String, byte[]>> deadLetters(String offerId) {
        return SystemTestSupport.deadLetters(KAFKA.bootstrapServers()).stream()
                .filter(r -> offerId.equals(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.OFFER_ID)))
                .toList();
    }

    private static LeadDestination destination(String offerId, String path) {
        return new LeadDestination(
                offerId, DestinationType.HTTPS, Map.of("url", receiver.url(path)), List.of(), 1, Instant.now());
    }

    private static List<Lead> leads(String offerId, int count) {
        List<Lead> leads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            leads.add(lead(offerId + "-" + i, offerId));
        }
        return leads;
    }

    private static Lead lead(String leadId, String offerId) {
        return new Lead(
                leadId,
                offerId,
                Instant.now(),
                false,
                new UserDetails("Ann", "Lee", "ann.lee@contoso.example", null, null, "Contoso", null, null),
                "AzureMarketplace-INS|" + offerId,
                "INS",
                "Flow",
                null,
                null);
    }

    private static SystemTestSupport.CliResult await(
            Supplier<SystemTestSupport.CliResult> run, Predicate<SystemTestSupport.CliResult> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        SystemTestSupport.CliResult result = run.get();
        while (!done.test(result) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            result = run.get();
        }
        return result;
    }

    private static <T extends AutoCloseable> T closeLater(T resource) {
        CLOSE.add(0, resource);
        return resource;
    }
}
