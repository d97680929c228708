package dev.leadpipe.sink.table;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import com.azure.data.tables.TableClientBuilder;
import dev.leadpipe.azurite.AzuriteServer;
import dev.leadpipe.azurite.testing.AzuriteExtension;
import dev.leadpipe.core.destination.DestinationAddresses;
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
import dev.leadpipe.sink.runtime.SinkConfig;
import dev.leadpipe.sink.runtime.SinkRuntime;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.leadpipe.sink.table.TableLeads.OFFER_ID;
import static dev.leadpipe.sink.table.TableLeads.destination;
import static dev.leadpipe.sink.table.TableLeads.lead;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The table sink as it runs: the shared SinkRuntime on a real Kafka broker, delivering through
 * TableDestinationClient to a real Azurite, which goes away mid-run and comes back.
 */
class TableSinkEndToEndTest {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final AzuriteExtension AZURITE = AzuriteExtension.persistent();

    private static final String WRONG_KEY_OFFER = "contoso.widget-wrongkey";

    @Test
    void deliversDeadLettersAWrongKeyAndRidesOutAnOutage() throws Exception {
        String wrongKey = Base64.getEncoder().encodeToString(new byte[64]);
        publishDestinations(
                destination(AZURITE.connectionString()),
                destination(WRONG_KEY_OFFER, AZURITE.connectionString().replace(AzuriteServer.ACCOUNT_KEY, wrongKey)));

        SinkConfig config = SinkConfig.of(KAFKA.bootstrapServers())
                .withAllowedHosts(DestinationAddresses.LOCAL_STAND_INS)
                .withGroupId("sink-table-e2e")
                .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(1), 0.2)
                .withRetryBudget(100, Duration.ofMinutes(2))
                .withCircuitBreaker(3, Duration.ofMillis(500));
        try (SinkRuntime sink = SinkRuntime.start(config, new TableDestinationClient(Duration.ofSeconds(5)))) {
            publishLeads(lead("lead-e2e-1", "Contoso"), lead("lead-e2e-2", "Contoso", WRONG_KEY_OFFER));

            Map<String, Outcome> outcomes = outcomesUntil(ids -> ids.containsAll(Set.of("lead-e2e-1", "lead-e2e-2")));
            assertThat(outcomes.get("lead-e2e-1").outcome()).isEqualTo(OutcomeType.DELIVERED);
            assertThat(outcomes.get("lead-e2e-1").destinationRecordId())
                    .isEqualTo("MarketplaceLeads/" + OFFER_ID + "/lead-e2e-1");
            assertThat(outcomes.get("lead-e2e-2").outcome()).isEqualTo(OutcomeType.DEAD_LETTERED);
            assertThat(outcomes.get("lead-e2e-2").errorClass()).isEqualTo(ErrorClass.TABLE_AUTH_FAILED);
            assertThat(outcomes.get("lead-e2e-2").attempts()).isEqualTo(1);

            List<ConsumerRecord<String, byte[]>> dlq = TopicReader.readUntil(
                    KAFKA.bootstrapServers(),
                    Topics.LEADS_DLQ,
                    rs -> !rs.isEmpty(),
                    Duration.ofSeconds(30),
                    Duration.ZERO);
            String detail = DeadLetterHeaders.get(dlq.get(0).headers(), DeadLetterHeaders.UPSTREAM_DETAIL);
            assertThat(DeadLetterHeaders.get(dlq.get(0).headers(), DeadLetterHeaders.ERROR_CLASS))
                    .isEqualTo("TABLE_AUTH_FAILED");
            assertThat(detail)
                    .contains("AuthorizationFailure")
                    .doesNotContain(wrongKey, AzuriteServer.ACCOUNT_KEY, "@");

            // the Table service goes away; a lead arrives; it comes back: the lead is delivered after retries
            AZURITE.server().stop();
            publishLeads(lead("lead-e2e-3", "Fabrikam"));
            awaitParked(sink);
            AZURITE.server().restart();

            outcomes = outcomesUntil(ids -> ids.contains("lead-e2e-3"));
            assertThat(outcomes.get("lead-e2e-3").outcome()).isEqualTo(OutcomeType.DELIVERED);
            assertThat(outcomes.get("lead-e2e-3").attempts()).isGreaterThan(1);
        }
        var table = new TableClientBuilder()
                .connectionString(AZURITE.connectionString())
                .tableName(TableDestinationClient.TABLE_NAME)
                .buildClient();
        assertThat(table.getEntity(OFFER_ID, "lead-e2e-1").getProperty("Company"))
                .isEqualTo("Contoso");
        assertThat(table.getEntity(OFFER_ID, "lead-e2e-3").getProperty("Company"))
                .isEqualTo("Fabrikam");
    }

    private static Map<String, Outcome> outcomesUntil(Predicate<Set<String>> done) {
        List<ConsumerRecord<String, Outcome>> records = TopicReader.readUntil(
                KAFKA.bootstrapServers(),
                Topics.LEAD_OUTCOMES,
                rs -> done.test(rs.stream().map(ConsumerRecord::key).collect(Collectors.toSet())),
                Duration.ofSeconds(60),
                Duration.ZERO);
        return records.stream().collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value, (a, b) -> b));
    }

    private static void publishDestinations(LeadDestination... destinations) throws Exception {
        TopicWriter.writeDestinations(KAFKA.bootstrapServers(), List.of(destinations));
    }

    private static void publishLeads(Lead... leads) throws Exception {
        TopicWriter.writeLeads(KAFKA.bootstrapServers(), Topics.DELIVERIES_TABLE, List.of(leads), 0);
    }

    /** Waits until the sink holds a lead for a retry: an attempt failed while the Table service was away. */
    private static void awaitParked(SinkRuntime sink) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (sink.parked() == 0) {
            assertThat(System.nanoTime())
                    .as("a lead parked for a retry during the outage")
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
