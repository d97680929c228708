package dev.leadpipe.router;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.dlq.PipelineHeaders;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.core.lead.RoutedLead;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code leads-routed}, as {@link RouterTopology#build} writes it: one record per lead past the duplicate filter
 * (routed, suppressed, or held), none for a resubmitted duplicate, a reused leadId or an unreadable record, and no
 * personal data in it.
 */
class RoutedLeadsTopologyTest {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final String OFFER = "contoso.widget";
    private static final String FIRST_NAME = "Zephyrine";
    private static final String EMAIL_LOCAL = "zephyrine.q";

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> leads;
    private TestInputTopic<String, LeadDestination> destinations;
    private TestOutputTopic<String, String> routed;

    @BeforeEach
    void startDriver() {
        RouterConfig config = RouterConfig.of("unused:9092").with(RouterConfig.STATE_DIR, stateDir);
        driver = new TopologyTestDriver(RouterTopology.build(config, new RouterMetrics()), config.streamsProperties());
        leads = driver.createInputTopic(Topics.LEADS.name(), new StringSerializer(), new ByteArraySerializer());
        destinations = driver.createInputTopic(
                Topics.LEAD_DESTINATIONS.name(),
                new StringSerializer(),
                Topics.LEAD_DESTINATIONS.valueSerde().serializer());
        routed = driver.createOutputTopic(
                Topics.LEADS_ROUTED.name(), new StringDeserializer(), new StringDeserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void aResubmittedDuplicateProducesOneRecord() {
        setDestination(OFFER, DestinationType.DYNAMICS);
        String json = leadJson("l1", OFFER, EMAIL_LOCAL + "@contoso.com", "PLT");
        pipe("l1", json, T0);
        pipe("l1", json, T0.plusSeconds(30));
        pipe("l1", json, T0.plusSeconds(60));

        List<TestRecord<String, String>> out = routed.readRecordsToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).key()).isEqualTo("l1");
        assertThat(out.get(0).headers().toArray()).isEmpty();
        RoutedLead r = read(out.get(0));
        assertThat(r.leadId()).isEqualTo("l1");
        assertThat(r.offerId()).isEqualTo(OFFER);
        assertThat(r.offerTitle()).isEqualTo("Widget Pro");
        assertThat(r.leadSource()).isEqualTo("AppSource-PLT|" + OFFER);
        assertThat(r.actionCode()).isEqualTo("PLT");
        assertThat(r.receivedAt()).isEqualTo(Instant.parse("2025-03-01T09:59:58Z"));
        assertThat(r.result()).isEqualTo(RoutedLead.Result.ROUTED);
        assertThat(r.destinationType()).isEqualTo("dynamics");
        assertThat(r.edu()).isFalse();
        assertThat(r.test()).isFalse();
        assertThat(r.replayCount()).isZero();
        assertThat(r.at()).isEqualTo(T0);
        assertThat(out.get(0).value())
                .doesNotContain(FIRST_NAME)
                .doesNotContain(EMAIL_LOCAL)
                .doesNotContain("+1 425")
                .doesNotContain("Contoso Ltd")
                .doesNotContain("wants a demo");
    }

    @Test
    void suppressedAndHeldLeadsAreRecordedButReusedIdsAndUnreadableRecordsAreNot() {
        setDestination("northwind.none", DestinationType.NONE);
        setDestination("northwind.blob", DestinationType.BLOB);
        setDestination(OFFER, DestinationType.TABLE);
        pipe("edu-1", leadJson("edu-1", OFFER, "withheld@cs.mit.edu", "DNC"), T0);
        pipe("none-1", leadJson("none-1", "northwind.none", "a@contoso.com", "INS"), T0);
        pipe("blob-1", leadJson("blob-1", "northwind.blob", "a@contoso.com", "INS"), T0);
        pipe("nodest-1", leadJson("nodest-1", "nobody.offer", "a@contoso.com", "INS"), T0);
        pipe("t-1", leadJson("t-1", OFFER, "a@contoso.com", "INS"), T0);
        pipe("t-1", leadJson("t-1", OFFER, "someone.else@contoso.com", "INS"), T0.plusSeconds(1)); // reused id
        pipe("k-bad", "{not json", T0);

        Map<String, RoutedLead> byId = new java.util.LinkedHashMap<>();
        for (TestRecord<String, String> r : routed.readRecordsToList()) {
            assertThat(byId.put(r.key(), read(r)))
                    .as("one record for %s", r.key())
                    .isNull();
        }
        assertThat(byId).containsOnlyKeys("edu-1", "none-1", "blob-1", "nodest-1", "t-1");
        assertThat(byId.get("edu-1").result()).isEqualTo(RoutedLead.Result.SUPPRESSED);
        assertThat(byId.get("edu-1").edu()).isTrue();
        assertThat(byId.get("none-1").result()).isEqualTo(RoutedLead.Result.HELD);
        assertThat(byId.get("none-1").errorClass()).isEqualTo(ErrorClass.NO_DESTINATION_CONFIGURED);
        assertThat(byId.get("none-1").destinationType()).isEqualTo("none");
        assertThat(byId.get("blob-1").errorClass()).isEqualTo(ErrorClass.DESTINATION_UNSUPPORTED);
        assertThat(byId.get("nodest-1").destinationType()).isNull();
        assertThat(byId.get("t-1").result()).isEqualTo(RoutedLead.Result.ROUTED);
        assertThat(byId.get("t-1").destinationType()).isEqualTo("table");
    }

    @Test
    void aReplayIsRecordedAgainWithItsReplayCount() {
        setDestination(OFFER, DestinationType.HTTPS);
        String json = leadJson("l1", OFFER, "a@contoso.com", "INS");
        pipe("l1", json, T0);
        leads.pipeInput(new TestRecord<>(
                "l1",
                json.getBytes(StandardCharsets.UTF_8),
                new RecordHeaders().add(PipelineHeaders.REPLAY_COUNT, "1".getBytes(StandardCharsets.UTF_8)),
                T0.plusSeconds(5)));

        List<TestRecord<String, String>> out = routed.readRecordsToList();
        assertThat(out).hasSize(2);
        assertThat(read(out.get(0)).replayCount()).isZero();
        assertThat(read(out.get(1)).replayCount()).isEqualTo(1);
        assertThat(out.get(1).headers().toArray()).isEmpty();
    }

    private void setDestination(String offerId, DestinationType type) {
        destinations.pipeInput(
                offerId,
                new LeadDestination(
                        offerId, type, Map.of("url", "https://example.invalid/x"), List.of("o@contoso.com"), 1, T0),
                T0);
    }

    private void pipe(String key, String value, Instant at) {
        leads.pipeInput(key, value.getBytes(StandardCharsets.UTF_8), at);
    }

    private static RoutedLead read(TestRecord<String, String> record) {
        return Topics.LEADS_ROUTED
                .valueSerde()
                .deserializer()
                .deserialize(Topics.LEADS_ROUTED.name(), record.value().getBytes(StandardCharsets.UTF_8));
    }

    private static String leadJson(String leadId, String offerId, String email, String action) {
        ObjectNode lead = Json.MAPPER.createObjectNode();
        lead.put("leadId", leadId);
        lead.put("offerId", offerId);
        lead.put("receivedAt", "2025-03-01T09:59:58Z");
        ObjectNode user = lead.putObject("UserDetails");
        user.put("FirstName", FIRST_NAME);
        user.put("LastName", "Quillfeather");
        user.put("Email", email);
        user.put("Phone", "+1 425 555 0100");
        user.put("Company", "Contoso Ltd");
        lead.put("LeadSource", "AppSource-" + action + "|" + offerId);
        lead.put("ActionCode", action);
        lead.put("OfferTitle", "Widget Pro");
        lead.put("Description", FIRST_NAME + " wants a demo");
        return lead.toString();
    }
}
