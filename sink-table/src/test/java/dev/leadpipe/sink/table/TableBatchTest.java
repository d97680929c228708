package dev.leadpipe.sink.table;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableClientBuilder;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import dev.leadpipe.azurite.testing.AzuriteExtension;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.sink.runtime.DeliveryException;
import dev.leadpipe.sink.runtime.DeliveryFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.leadpipe.sink.table.TableLeads.destination;
import static dev.leadpipe.sink.table.TableLeads.lead;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Batch transactions against a real Azurite, counting the HTTP requests the client really sends: concurrent leads of
 * one offer share transactions, one bad entity fails alone, a repeat leaves one entity per lead, and two offers never
 * share a transaction.
 */
class TableBatchTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    /** Over Azure's limit of 32K characters for a string property: Azurite answers 400 PropertyValueTooLarge. */
    private static final String TOO_LONG = "x".repeat(40_000);

    @Test
    void hundredConcurrentLeadsOfOneOfferReachTheTableInAFewRequests() throws Exception {
        String offer = "contoso.batch-hundred";
        CountingHttpClient http = counting();
        try (TableDestinationClient client = new TableDestinationClient(http, 100)) {
            Map<String, Object> results = sendConcurrently(client, leads(offer, "hundred", 100, "Contoso"));

            assertThat(results.values()).allMatch(r -> r instanceof String);
            assertThat(results.get("hundred-7")).isEqualTo("MarketplaceLeads/" + offer + "/hundred-7");
            assertThat(http.writes()).as("requests writing entities").hasSizeLessThanOrEqualTo(5);
            assertThat(http.writes()).anyMatch(CountingHttpClient.Sent::isBatch);
        }
        Map<String, TableEntity> stored = entities(offer);
        assertThat(stored).hasSize(100);
        assertThat(stored.values()).allMatch(e -> "Contoso".equals(e.getProperty("Company")));
    }

    @Test
    void aBatchHoldingOneBadEntityWritesTheOthersAndTheBadLeadFailsAlone() throws Exception {
        String offer = "contoso.batch-bad";
        CountingHttpClient http = counting();
        TableTarget target = target(http);
        List<TableEntity> entities = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Lead lead = lead("bad-batch-" + i, "Contoso", offer);
            entities.add(TableDestinationClient.entityOf(i == 4 ? withDescription(lead, TOO_LONG) : lead));
        }
        target.upsertAll(List.of(entities.get(0))); // the table exists: only the writes below are counted
        http.reset();

        List<DeliveryFailure> results = TableTransactions.write(target, entities, Set.of());

        DeliveryFailure bad = results.get(4);
        assertThat(bad).isNotNull();
        assertThat(bad.errorClass()).isEqualTo(ErrorClass.DESTINATION_HTTP_ERROR);
        assertThat(bad.httpStatus()).isEqualTo(400);
        assertThat(bad.isTransient()).isFalse();
        assertThat(bad.detail()).startsWith("PropertyValueTooLarge");
        assertThat(results).filteredOn(r -> r != null).hasSize(1);
        // the refused transaction, the other nine again in one, the bad one alone
        assertThat(http.writes()).extracting(CountingHttpClient.Sent::isBatch).containsExactly(true, true, false);
        Map<String, TableEntity> stored = entities(offer);
        assertThat(stored.keySet()).hasSize(9).doesNotContain("bad-batch-4");
    }

    @Test
    void concurrentLeadsWithABadOneAreDeliveredAndOnlyTheBadOneFails() throws Exception {
        String offer = "contoso.batch-bad-concurrent";
        List<Lead> leads = new ArrayList<>(leads(offer, "bad-concurrent", 100, "Contoso"));
        leads.set(50, withDescription(leads.get(50), TOO_LONG));
        try (TableDestinationClient client = new TableDestinationClient(counting(), 100)) {
            Map<String, Object> results = sendConcurrently(client, leads);

            assertThat(results.get("bad-concurrent-50")).isInstanceOfSatisfying(DeliveryException.class, e -> {
                assertThat(e.failure().errorClass()).isEqualTo(ErrorClass.DESTINATION_HTTP_ERROR);
                assertThat(e.failure().httpStatus()).isEqualTo(400);
                assertThat(e.failure().detail()).startsWith("PropertyValueTooLarge");
            });
            assertThat(results.entrySet())
                    .filteredOn(r -> !r.getKey().equals("bad-concurrent-50"))
                    .allMatch(r -> r.getValue() instanceof String)
                    .hasSize(99);
        }
        assertThat(entities(offer)).hasSize(99).doesNotContainKey("bad-concurrent-50");
    }

    @Test
    void deliveringTheSameLeadsAgainLeavesOneEntityEachWithTheNewValues() throws Exception {
        String offer = "contoso.batch-again";
        try (TableDestinationClient client = new TableDestinationClient(counting(), 100)) {
            sendConcurrently(client, leads(offer, "again", 100, "Contoso"));
            Map<String, Object> again = sendConcurrently(client, leads(offer, "again", 100, "Fabrikam"));

            assertThat(again.values()).allMatch(r -> r instanceof String);
        }
        Map<String, TableEntity> stored = entities(offer);
        assertThat(stored).hasSize(100);
        assertThat(stored.values()).allMatch(e -> "Fabrikam".equals(e.getProperty("Company")));
    }

    @Test
    void leadsOfTwoOffersNeverShareATransaction() throws Exception {
        String first = "contoso.batch-first";
        String second = "contoso.batch-second";
        List<Lead> leads = new ArrayList<>();
        for (int i = 0; i < 60; i++) { // interleaved, as they arrive from one topic
            leads.add(lead("first-" + i, "Contoso", first));
            leads.add(lead("second-" + i, "Fabrikam", second));
        }
        CountingHttpClient http = counting();
        try (TableDestinationClient client = new TableDestinationClient(http, 100)) {
            Map<String, Object> results = sendConcurrently(client, leads);

            assertThat(results.values()).allMatch(r -> r instanceof String);
        }
        List<CountingHttpClient.Sent> batches =
                http.writes().stream().filter(CountingHttpClient.Sent::isBatch).toList();
        assertThat(batches).isNotEmpty();
        assertThat(batches).allSatisfy(b -> assertThat(b.partitionKeys()).hasSize(1));
        assertThat(batches.stream().flatMap(b -> b.partitionKeys().stream()).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(first, second);
        assertThat(entities(first)).hasSize(60);
        assertThat(entities(second)).hasSize(60);
    }

    @Test
    void aBatchOfOneIsOneUpsertPerLead() throws Exception {
        String offer = "contoso.batch-single";
        CountingHttpClient http = counting();
        try (TableDestinationClient client = new TableDestinationClient(http, 1)) {
            Map<String, Object> results = sendConcurrently(client, leads(offer, "single", 20, "Contoso"));

            assertThat(results.values()).allMatch(r -> r instanceof String);
        }
        assertThat(http.writes()).hasSize(20).noneMatch(CountingHttpClient.Sent::isBatch);
        assertThat(entities(offer)).hasSize(20);
    }

    static CountingHttpClient counting() {
        return new CountingHttpClient(TableDestinationClient.httpClient(Duration.ofSeconds(10)));
    }

    private static TableTarget target(CountingHttpClient http) {
        return new TableTarget(new TableClientBuilder()
                .connectionString(AZURITE.connectionString())
                .tableName(TableDestinationClient.TABLE_NAME)
                .httpClient(http)
                .buildClient());
    }

    static List<Lead> leads(String offer, String prefix, int count, String company) {
        return IntStream.range(0, count)
                .mapToObj(i -> lead(prefix + "-" + i, company, offer))
                .toList();
    }

    /**
     * The lead with another Description. Built directly: the intake refuses a Description over 8,192 characters, so
     * this stands for any entity Azure refuses.
     */
    private static Lead withDescription(Lead lead, String description) {
        return new Lead(
                lead.leadId(),
                lead.offerId(),
                lead.receivedAt(),
                lead.test(),
                lead.userDetails(),
                lead.leadSource(),
                lead.actionCode(),
                lead.offerTitle(),
                description,
                lead.otherFields());
    }

    /**
     * Sends every lead from its own thread, all released at once, as the sink runtime's concurrent calls are.
     *
     * @return per leadId: the destination record id, or the DeliveryException
     */
    private static Map<String, Object> sendConcurrently(TableDestinationClient client, List<Lead> leads)
            throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        Map<String, Future<Object>> futures = new HashMap<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Lead lead : leads) {
                futures.put(lead.leadId(), threads.submit(() -> {
                    start.await();
                    try {
                        return client.send(lead, destination(lead.offerId(), AZURITE.connectionString()))
                                .recordId();
                    } catch (DeliveryException e) {
                        return e;
                    }
                }));
            }
            start.countDown();
            Map<String, Object> results = new HashMap<>();
            for (Map.Entry<String, Future<Object>> f : futures.entrySet()) {
                results.put(f.getKey(), f.getValue().get());
            }
            return results;
        }
    }

    private static Map<String, TableEntity> entities(String offer) {
        TableClient table = new TableClientBuilder()
                .connectionString(AZURITE.connectionString())
                .tableName(TableDestinationClient.TABLE_NAME)
                .buildClient();
        return table
                .listEntities(new ListEntitiesOptions().setFilter("PartitionKey eq '" + offer + "'"), null, null)
                .stream()
                .collect(Collectors.toMap(TableEntity::getRowKey, e -> e));
    }
}
