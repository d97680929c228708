package dev.leadpipe.sink.table;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.azure.data.tables.TableClientBuilder;
import com.azure.data.tables.models.ListEntitiesOptions;
import dev.leadpipe.azurite.testing.AzuriteExtension;
import dev.leadpipe.core.destination.DestinationAddresses;
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

import static dev.leadpipe.sink.table.TableLeads.destination;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The table sink as it runs (the shared SinkRuntime on a real Kafka broker, its default table concurrency, a real
 * Azurite): 100 leads of one offer waiting on the delivery topic are written in a few batch transactions, each lead
 * with its own DELIVERED outcome.
 */
class TableSinkBatchEndToEndTest {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    private static final String OFFER = "contoso.batch-sink";

    @Test
    void hundredLeadsOfOneOfferTakeAFewRequestsAndEachGetsItsOutcome() throws Exception {
        TopicWriter.writeDestinations(
                KAFKA.bootstrapServers(), List.of(destination(OFFER, AZURITE.connectionString())));
        List<Lead> leads = TableBatchTest.leads(OFFER, "sink-batch", 100, "Contoso");
        TopicWriter.writeLeads(KAFKA.bootstrapServers(), Topics.DELIVERIES_TABLE, leads, 0);

        SinkConfig config = TableSinkApp.config(Map.of("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers()))
                .withAllowedHosts(DestinationAddresses.LOCAL_STAND_INS)
                .withGroupId("sink-table-batch-e2e");
        CountingHttpClient http = TableBatchTest.counting();
        try (SinkRuntime sink = SinkRuntime.start(config, new TableDestinationClient(http, 100))) {
            List<ConsumerRecord<String, Outcome>> records = TopicReader.readUntil(
                    KAFKA.bootstrapServers(),
                    Topics.LEAD_OUTCOMES,
                    rs -> rs.stream().map(ConsumerRecord::key).distinct().count() >= 100,
                    Duration.ofSeconds(60),
                    Duration.ZERO);
            Map<String, Outcome> outcomes =
                    records.stream().collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value, (a, b) -> b));
            assertThat(outcomes).hasSize(100);
            assertThat(outcomes.values()).allMatch(o -> o.outcome() == OutcomeType.DELIVERED);
            assertThat(outcomes.get("sink-batch-42").destinationRecordId())
                    .isEqualTo("MarketplaceLeads/" + OFFER + "/sink-batch-42");
        }
        assertThat(http.writes()).as("requests writing the 100 entities").hasSizeLessThanOrEqualTo(10);
        var stored = new TableClientBuilder()
                        .connectionString(AZURITE.connectionString())
                        .tableName(TableDestinationClient.TABLE_NAME)
                        .buildClient()
                        .listEntities(
                                new ListEntitiesOptions().setFilter("PartitionKey eq '" + OFFER + "'"), null, null)
                        .stream()
                        .toList();
        assertThat(stored).hasSize(100);
    }
}
