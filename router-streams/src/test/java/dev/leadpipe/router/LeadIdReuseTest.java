package dev.leadpipe.router;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A leadId sent again within the de-duplication window: with the same content (whatever receive time ingest
 * stamped) it is dropped and counted as before; with different content it is dead-lettered as
 * {@link ErrorClass#LEAD_ID_REUSED} with a DEAD_LETTERED outcome instead of vanishing. Store values written by a
 * router before fingerprints count as the same content.
 */
class LeadIdReuseTest {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final String OFFER = "contoso.widget";

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private RouterMetrics metrics;
    private TestInputTopic<String, byte[]> leads;
    private TestOutputTopic<String, Lead> table;
    private TestOutputTopic<String, byte[]> dlq;
    private TestOutputTopic<String, Outcome> outcomes;

    @BeforeEach
    void startDriver() {
        RouterConfig config = RouterConfig.of("unused:9092").with(RouterConfig.STATE_DIR, stateDir);
        metrics = new RouterMetrics();
        driver = new TopologyTestDriver(RouterTopology.build(config, metrics), config.streamsProperties());
        leads = driver.createInputTopic(Topics.LEADS.name(), new StringSerializer(), new ByteArraySerializer());
        table = driver.createOutputTopic(
                Topics.deliveryTopic(DestinationType.TABLE).name(),
                new StringDeserializer(),
                Topics.LEADS.valueSerde().deserializer());
        dlq = driver.createOutputTopic(
                Topics.LEADS_DLQ.name(),
                new StringDeserializer(),
                Serdes.ByteArray().deserializer());
        outcomes = driver.createOutputTopic(
                Topics.LEAD_OUTCOMES.name(),
                new StringDeserializer(),
                Topics.LEAD_OUTCOMES.valueSerde().deserializer());
        driver.createInputTopic(
                        Topics.LEAD_DESTINATIONS.name(),
                        new StringSerializer(),
                        Topics.LEAD_DESTINATIONS.valueSerde().serializer())
                .pipeInput(
                        OFFER,
                        new LeadDestination(
                                OFFER,
                                DestinationType.TABLE,
                                Map.of("connectionString", "UseDevelopmentStorage=true"),
                                List.of(),
                                1,
                                T0),
                        T0);
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void aReusedLeadIdWithDifferentContentIsDeadLetteredNotDropped() {
        pipe(lead("l1", "Ann", T0), T0);
        pipe(lead("l1", "Bob", T0.plusSeconds(60)), T0.plusSeconds(60));

        assertThat(table.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("l1");
        TestRecord<String, byte[]> dead = dlq.readRecord();
        assertThat(dead.key()).isEqualTo("l1");
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).contains("Bob");
        assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.ERROR_CLASS))
                .isEqualTo("LEAD_ID_REUSED");
        assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.REMEDIATION))
                .contains("Send a new leadId for a different lead");
        assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.UPSTREAM_DETAIL))
                .contains("l1")
                .doesNotContain("Bob");
        Outcome outcome = outcomes.readValue();
        assertThat(outcome.outcome()).isEqualTo(OutcomeType.DEAD_LETTERED);
        assertThat(outcome.errorClass()).isEqualTo(ErrorClass.LEAD_ID_REUSED);
        assertThat(metrics.deadLettered(ErrorClass.LEAD_ID_REUSED)).isEqualTo(1);
        assertThat(metrics.duplicatesDropped()).isZero();
    }

    @Test
    void anIdenticalResubmissionIsStillDroppedAndCountedWhateverItsReceiveTime() {
        pipe(lead("l1", "Ann", T0), T0);
        pipe(lead("l1", "Ann", T0.plusSeconds(90)), T0.plusSeconds(90));

        assertThat(table.readRecordsToList()).hasSize(1);
        assertThat(dlq.isEmpty()).isTrue();
        assertThat(outcomes.isEmpty()).isTrue();
        assertThat(metrics.duplicatesDropped()).isEqualTo(1);
    }

    @Test
    void aReusedLeadIdIsNotRecordedSoTheOriginalStaysTheOneItIsComparedWith() {
        pipe(lead("l1", "Ann", T0), T0);
        pipe(lead("l1", "Bob", T0), T0.plusSeconds(1));
        pipe(lead("l1", "Ann", T0), T0.plusSeconds(2));
        pipe(lead("l1", "Bob", T0), T0.plusSeconds(3));

        assertThat(table.readRecordsToList()).hasSize(1);
        assertThat(dlq.readRecordsToList()).hasSize(2);
        assertThat(metrics.duplicatesDropped()).isEqualTo(1);
    }

    @Test
    void aStoreValueOfAnOlderRouterCountsAsTheSameContent() {
        WindowStore<String, ContentFingerprint> store = driver.getWindowStore(RouterTopology.DEDUP_STORE);
        store.put("l1", ContentFingerprint.UNKNOWN, T0.toEpochMilli());

        pipe(lead("l1", "Anyone", T0), T0.plusSeconds(5));

        assertThat(table.isEmpty()).isTrue();
        assertThat(dlq.isEmpty()).isTrue();
        assertThat(metrics.duplicatesDropped()).isEqualTo(1);
    }

    @Test
    void theStoreReadsAnOlderRoutersLongValueAsUnknownContentAndKeepsFingerprints() {
        var serde = ContentFingerprint.serde();
        byte[] legacy = Serdes.Long().serializer().serialize("changelog", T0.toEpochMilli());
        assertThat(serde.deserializer().deserialize("changelog", legacy)).isEqualTo(ContentFingerprint.UNKNOWN);

        ContentFingerprint f = new ContentFingerprint(UUID.randomUUID());
        byte[] written = serde.serializer().serialize("changelog", f);
        assertThat(written).hasSize(16);
        assertThat(serde.deserializer().deserialize("changelog", written)).isEqualTo(f);
    }

    private void pipe(String json, Instant at) {
        leads.pipeInput("l1", json.getBytes(StandardCharsets.UTF_8), at);
    }

    private static String lead(String leadId, String firstName, Instant receivedAt) {
        ObjectNode lead = Json.MAPPER.createObjectNode();
        lead.put("leadId", leadId);
        lead.put("offerId", OFFER);
        lead.put("receivedAt", receivedAt.toString());
        ObjectNode user = lead.putObject("UserDetails");
        user.put("FirstName", firstName);
        user.put("Email", firstName.toLowerCase() + "@contoso.com");
        lead.put("LeadSource", "AzureMarketplace-INS|" + OFFER);
        return lead.toString();
    }
}
