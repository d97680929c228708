package dev.leadpipe.local;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.leadpipe.azurite.testing.AzuriteExtension;
import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicReader;
import dev.leadpipe.sink.runtime.SinkConfig;
import dev.leadpipe.sink.runtime.SinkRuntime;
import dev.leadpipe.sink.table.TableDestinationClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import static dev.leadpipe.local.SystemTestSupport.deadLetters;
import static dev.leadpipe.local.SystemTestSupport.entityCount;
import static dev.leadpipe.local.SystemTestSupport.headersText;
import static dev.leadpipe.local.SystemTestSupport.leadctl;
import static dev.leadpipe.local.SystemTestSupport.leads;
import static dev.leadpipe.local.SystemTestSupport.outcomes;
import static dev.leadpipe.local.SystemTestSupport.rawText;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Leads for Azure Table offers through the whole pipeline (ingest over HTTP, the router, sink-table through the shared
 * sink runtime) into a real Azurite, on a real broker: delivery counts, an Azurite outage shorter and longer than the
 * retry budget, a wrong account key fixed and replayed with leadctl, and one broken destination not delaying another.
 */
class TableDeliverySystemTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final AzuriteExtension AZURITE = AzuriteExtension.persistent();

    /** A wrong key for the Azurite account: a canary that must never show up anywhere. */
    private static final String CANARY_KEY = "Y2FuYXJ5LWtleS1tdXN0LW5ldmVyLWJlLXByaW50ZWQtMDAwMDAwMDA=";

    private static final Duration RETRY_TIME = Duration.ofSeconds(30);
    private static final Duration WAIT = Duration.ofSeconds(120);

    private static RunningPipeline pipeline;
    private static SinkRuntime sink;
    private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();

    @BeforeAll
    static void startPipeline() throws Exception {
        LOGS.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOGS);
        pipeline = RunningPipeline.start(KAFKA.bootstrapServers());
        sink = SinkRuntime.start(
                SinkConfig.of(KAFKA.bootstrapServers())
                        .withAllowedHosts(DestinationAddresses.LOCAL_STAND_INS)
                        .withRetryBudget(1_000, RETRY_TIME)
                        .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0.2)
                        .withCircuitBreaker(5, Duration.ofMillis(500)),
                new TableDestinationClient(Duration.ofSeconds(5)));
    }

    @AfterAll
    static void stopPipeline() {
        for (AutoCloseable c : new AutoCloseable[] {sink, pipeline}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // stopping anyway
            }
        }
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOGS);
    }

    @Test
    void aThousandLeadsBecomeAThousandEntitiesAndAThousandDeliveredOutcomes() throws Exception {
        String offer = "sys.thousand";
        pipeline.putTableDestination(offer, AZURITE.connectionString());
        List<String> ids = pipeline.postLeads(leads(offer, 1_000));

        List<Outcome> outcomes =
                outcomes(KAFKA.bootstrapServers(), offer, os -> os.size() >= 1_000, WAIT, Duration.ofSeconds(2));
        assertThat(outcomes).hasSize(1_000).allSatisfy(o -> {
            assertThat(o.outcome()).isEqualTo(OutcomeType.DELIVERED);
            assertThat(o.destinationRecordId()).isEqualTo("MarketplaceLeads/" + offer + "/" + o.leadId());
        });
        assertThat(outcomes.stream().map(Outcome::leadId).collect(Collectors.toSet()))
                .isEqualTo(new HashSet<>(ids));
        assertThat(entityCount(AZURITE.connectionString(), offer)).isEqualTo(1_000);
    }

    @Test
    void anAzuriteOutageShorterThanTheBudgetDelaysLeadsButLosesAndDeadLettersNone() throws Exception {
        String offer = "sys.short-outage";
        pipeline.putTableDestination(offer, AZURITE.connectionString());
        List<String> leads = leads(offer, 300);
        List<String> ids = pipeline.postLeads(leads.subList(0, 100));
        AZURITE.server().stop();
        ids.addAll(pipeline.postLeads(leads.subList(100, 300)));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (sink.parked() == 0) { // the outage lasts until attempts have failed and leads wait for a retry
            assertThat(System.nanoTime())
                    .as("leads parked for a retry during the outage")
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
        Thread.sleep(2_000);
        AZURITE.server().restart();

        List<Outcome> outcomes =
                outcomes(KAFKA.bootstrapServers(), offer, os -> os.size() >= 300, WAIT, Duration.ofSeconds(2));
        assertThat(outcomes)
                .hasSize(300)
                .allSatisfy(o -> assertThat(o.outcome()).isEqualTo(OutcomeType.DELIVERED));
        assertThat(outcomes.stream().map(Outcome::leadId).collect(Collectors.toSet()))
                .isEqualTo(new HashSet<>(ids));
        assertThat(outcomes).anySatisfy(o -> assertThat(o.attempts()).isGreaterThan(1));
        assertThat(entityCount(AZURITE.connectionString(), offer)).isEqualTo(300);
    }

    @Test
    void anAzuriteOutageLongerThanTheBudgetDeadLettersAsTableUnavailable() throws Exception {
        String offer = "sys.long-outage";
        pipeline.putTableDestination(offer, AZURITE.connectionString());
        AZURITE.server().stop();
        try {
            pipeline.postLeads(leads(offer, 20));
            List<Outcome> outcomes = outcomes(
                    KAFKA.bootstrapServers(),
                    offer,
                    os -> os.size() >= 20,
                    RETRY_TIME.plus(WAIT),
                    Duration.ofSeconds(1));
            assertThat(outcomes).hasSize(20).allSatisfy(o -> {
                assertThat(o.outcome()).isEqualTo(OutcomeType.DEAD_LETTERED);
                assertThat(o.errorClass()).isEqualTo(ErrorClass.TABLE_UNAVAILABLE);
            });
            // retried until the budget ran out (while the endpoint's circuit is open, leads wait without attempts)
            assertThat(outcomes).anySatisfy(o -> assertThat(o.attempts()).isGreaterThan(1));
        } finally {
            AZURITE.server().restart();
        }
        List<ConsumerRecord<String, byte[]>> dlq = forOffer(deadLetters(KAFKA.bootstrapServers()), offer);
        assertThat(dlq).hasSize(20).allSatisfy(r -> {
            assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.ERROR_CLASS))
                    .isEqualTo("TABLE_UNAVAILABLE");
            assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.ERROR_KIND))
                    .isEqualTo("transient");
        });
    }

    @Test
    void aWrongAccountKeyDeadLettersAtOnceAndAReplayAfterTheFixDeliversEveryLeadOnce() throws Exception {
        String offer = "sys.wrong-key";
        String wrong = AZURITE.connectionString().replace(dev.leadpipe.azurite.AzuriteServer.ACCOUNT_KEY, CANARY_KEY);
        assertThat(wrong).contains(CANARY_KEY);
        pipeline.putTableDestination(offer, wrong);
        Set<String> ids = new HashSet<>(pipeline.postLeads(leads(offer, 50)));

        List<Outcome> failed =
                outcomes(KAFKA.bootstrapServers(), offer, os -> os.size() >= 50, WAIT, Duration.ofSeconds(1));
        assertThat(failed).hasSize(50).allSatisfy(o -> {
            assertThat(o.outcome()).isEqualTo(OutcomeType.DEAD_LETTERED);
            assertThat(o.errorClass()).isEqualTo(ErrorClass.TABLE_AUTH_FAILED);
            assertThat(o.attempts()).as("a wrong key is never retried").isEqualTo(1);
        });
        List<ConsumerRecord<String, byte[]>> dlq = forOffer(deadLetters(KAFKA.bootstrapServers()), offer);
        assertThat(dlq).hasSize(50).allSatisfy(r -> {
            assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.ERROR_KIND))
                    .isEqualTo("permanent");
            assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.ATTEMPTS))
                    .isEqualTo("1");
            assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.REMEDIATION))
                    .contains("connection string");
        });
        assertThat(headersText(dlq)).doesNotContain(CANARY_KEY).doesNotContain("@fabrikam.example");

        pipeline.putTableDestination(offer, AZURITE.connectionString());
        SystemTestSupport.CliResult replay = leadctl(
                KAFKA.bootstrapServers(), "dlq", "replay", "--class", "TABLE_AUTH_FAILED", "--offer", offer, "--yes");
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(replay.out() + replay.err()).contains("replayed 50");

        List<Outcome> after = outcomes(
                KAFKA.bootstrapServers(),
                offer,
                os -> os.stream()
                                .filter(o -> o.outcome() == OutcomeType.DELIVERED)
                                .count()
                        >= 50,
                WAIT,
                Duration.ofSeconds(2));
        List<Outcome> delivered =
                after.stream().filter(o -> o.outcome() == OutcomeType.DELIVERED).toList();
        assertThat(delivered)
                .hasSize(50)
                .allSatisfy(o -> assertThat(o.replayCount()).isEqualTo(1));
        assertThat(delivered.stream().map(Outcome::leadId).collect(Collectors.toSet()))
                .isEqualTo(ids);
        assertThat(entityCount(AZURITE.connectionString(), offer)).isEqualTo(50);

        SystemTestSupport.CliResult again = leadctl(
                KAFKA.bootstrapServers(), "dlq", "replay", "--class", "TABLE_AUTH_FAILED", "--offer", offer, "--yes");
        assertThat(again.exitCode()).as(again.err()).isZero();
        Thread.sleep(3_000);
        assertThat(entityCount(AZURITE.connectionString(), offer)).isEqualTo(50);
    }

    @Test
    void oneOffersBrokenDestinationDoesNotDelayAnotherOffersDeliveries() throws Exception {
        String broken = "sys.broken";
        String healthy = "sys.healthy";
        // nothing listens on a port just freed: every attempt fails with a refused connection, a transient
        // TABLE_UNAVAILABLE
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        pipeline.putTableDestination(
                broken,
                "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey="
                        + dev.leadpipe.azurite.AzuriteServer.ACCOUNT_KEY + ";TableEndpoint=http://127.0.0.1:"
                        + closedPort + "/devstoreaccount1;");
        pipeline.putTableDestination(healthy, AZURITE.connectionString());
        pipeline.postLeads(leads(broken, 100));
        Instant healthyPosted = Instant.now();
        pipeline.postLeads(leads(healthy, 100));

        List<Outcome> healthyOutcomes =
                outcomes(KAFKA.bootstrapServers(), healthy, os -> os.size() >= 100, WAIT, Duration.ZERO);
        Instant healthyDone = Instant.now();
        assertThat(healthyOutcomes)
                .hasSize(100)
                .allSatisfy(o -> assertThat(o.outcome()).isEqualTo(OutcomeType.DELIVERED));
        List<Outcome> brokenSoFar = TopicReader.readAll(KAFKA.bootstrapServers(), Topics.LEAD_OUTCOMES).stream()
                .map(ConsumerRecord::value)
                .filter(o -> broken.equals(o.offerId()))
                .toList();
        assertThat(brokenSoFar)
                .as("the broken offer's leads are still being retried when the healthy offer is done")
                .isEmpty();
        assertThat(Duration.between(healthyPosted, healthyDone)).isLessThan(RETRY_TIME);

        List<Outcome> brokenOutcomes = outcomes(
                KAFKA.bootstrapServers(), broken, os -> os.size() >= 100, RETRY_TIME.plus(WAIT), Duration.ZERO);
        assertThat(brokenOutcomes)
                .hasSize(100)
                .allSatisfy(o -> assertThat(o.errorClass()).isEqualTo(ErrorClass.TABLE_UNAVAILABLE));
    }

    @Test
    void noLogLineDeadLetterHeaderOrOutcomeHoldsTheCanarySecretOrACustomerEmail() throws Exception {
        produceAWrongKeyFailureInThisJvm();
        String outcomesText = rawText(KAFKA.bootstrapServers(), Topics.LEAD_OUTCOMES);
        String dlqHeaders = headersText(deadLetters(KAFKA.bootstrapServers()));
        String logs = LOGS.list.stream()
                .map(e -> e.getFormattedMessage() + " "
                        + (e.getThrowableProxy() == null
                                ? ""
                                : e.getThrowableProxy().getMessage()))
                .collect(Collectors.joining("\n"));
        for (String text : List.of(outcomesText, dlqHeaders, logs)) {
            assertThat(text).doesNotContain(CANARY_KEY).doesNotContain("@fabrikam.example");
        }
        assertThat(logs).isNotEmpty();
    }

    /** Makes sure a wrong-key delivery happened in this JVM before scanning, whatever the test order. */
    private void produceAWrongKeyFailureInThisJvm() throws Exception {
        String offer = "sys.canary";
        pipeline.putTableDestination(
                offer, AZURITE.connectionString().replace(dev.leadpipe.azurite.AzuriteServer.ACCOUNT_KEY, CANARY_KEY));
        pipeline.postLeads(leads(offer, 5));
        assertThat(outcomes(KAFKA.bootstrapServers(), offer, os -> os.size() >= 5, WAIT, Duration.ZERO))
                .hasSize(5);
    }

    private static List<ConsumerRecord<String, byte[]>> forOffer(
            List<ConsumerRecord<String, byte[]>> records, String offer) {
        return records.stream()
                .filter(r -> offer.equals(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.OFFER_ID)))
                .toList();
    }
}
