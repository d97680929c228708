package dev.leadpipe.router;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.dlq.PipelineHeaders;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.topic.TopicSpec;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.testing.Scrape;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class RouterTopologyTest {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final String OFFER = "contoso.widget";
    private static final String FIRST_NAME = "Zephyrine";
    private static final String LAST_NAME = "Quillfeather";
    private static final List<DestinationType> DELIVERABLE =
            List.of(DestinationType.DYNAMICS, DestinationType.SALESFORCE, DestinationType.TABLE, DestinationType.HTTPS);

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private Ops ops;
    private RouterMetrics metrics;
    private TestInputTopic<String, byte[]> leads;
    private TestInputTopic<String, LeadDestination> destinations;
    private final Map<DestinationType, TestOutputTopic<String, Lead>> deliveries = new EnumMap<>(DestinationType.class);
    private TestOutputTopic<String, byte[]> dlq;
    private TestOutputTopic<String, byte[]> outcomes;
    private long version;

    @BeforeEach
    void startDriver() {
        RouterConfig config = RouterConfig.of("unused:9092").with(RouterConfig.STATE_DIR, stateDir);
        ops = Ops.forService("router");
        metrics = new RouterMetrics(ops.registry());
        driver = new TopologyTestDriver(RouterTopology.build(config, metrics), config.streamsProperties());
        leads = driver.createInputTopic(Topics.LEADS.name(), new StringSerializer(), new ByteArraySerializer());
        destinations = driver.createInputTopic(
                Topics.LEAD_DESTINATIONS.name(),
                new StringSerializer(),
                Topics.LEAD_DESTINATIONS.valueSerde().serializer());
        for (DestinationType type : DELIVERABLE) {
            TopicSpec<String, Lead> topic = Topics.deliveryTopic(type);
            deliveries.put(
                    type,
                    driver.createOutputTopic(
                            topic.name(),
                            new StringDeserializer(),
                            topic.valueSerde().deserializer()));
        }
        dlq = driver.createOutputTopic(Topics.LEADS_DLQ.name(), new StringDeserializer(), new ByteArrayDeserializer());
        // read as bytes so tests can check what the serialized outcome holds; outcome() deserializes
        outcomes = driver.createOutputTopic(
                Topics.LEAD_OUTCOMES.name(), new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
        ops.close();
    }

    // ---------------------------------------------------------------- metrics

    @Test
    void countsWhatTheRouterDidAsAnOperatorScrapesIt() {
        setDestination(OFFER, DestinationType.TABLE);
        setDestination("fabrikam.app", DestinationType.HTTPS);
        setDestination("northwind.blob", DestinationType.BLOB);
        pipe("l1", leadJson("l1", OFFER, "ann@contoso.com"), T0);
        pipe("l2", leadJson("l2", OFFER, "bob@contoso.com"), T0);
        pipe("l3", leadJson("l3", "fabrikam.app", "cy@fabrikam.com"), T0);
        pipe("l4", leadJson("l4", OFFER, "alice@mit.edu"), T0);
        pipe("l5", leadJson("l5", "nobody.offer", "dee@contoso.com"), T0);
        pipe("l6", leadJson("l6", "northwind.blob", "eve@contoso.com"), T0);
        pipe("k7", "{not json", T0);
        pipe("l1", leadJson("l1", OFFER, "ann@contoso.com"), T0.plusSeconds(5)); // a duplicate
        Headers once = new RecordHeaders().add(PipelineHeaders.REPLAY_COUNT, bytes("1"));
        leads.pipeInput(
                new TestRecord<>("l2", bytes(leadJson("l2", OFFER, "bob@contoso.com")), once, T0.plusSeconds(10)));
        Headers twice = new RecordHeaders().add(PipelineHeaders.REPLAY_COUNT, bytes("2"));
        leads.pipeInput(new TestRecord<>(
                "l5", bytes(leadJson("l5", "nobody.offer", "dee@contoso.com")), twice, T0.plusSeconds(10)));

        Scrape scrape = Scrape.parse(ops.scrape());
        assertThat(routed(scrape, "table")).isEqualTo(3);
        assertThat(routed(scrape, "https")).isEqualTo(1);
        assertThat(routed(scrape, "dynamics")).isZero();
        assertThat(routed(scrape, "salesforce")).isZero();
        assertThat(scrape.value("leadpipe_router_suppressed_total", "service=router"))
                .isEqualTo(1);
        assertThat(deadLettered(scrape, "NO_DESTINATION_CONFIGURED")).isEqualTo(2);
        assertThat(deadLettered(scrape, "DESTINATION_UNSUPPORTED")).isEqualTo(1);
        assertThat(deadLettered(scrape, "MALFORMED_RECORD")).isEqualTo(1);
        assertThat(deadLettered(scrape, "LEAD_ID_REUSED")).isZero();
        assertThat(scrape.value("leadpipe_router_duplicates_total", "service=router"))
                .isEqualTo(1);
        assertThat(scrape.value("leadpipe_router_replays_total", "service=router"))
                .isEqualTo(2);
        // the accessors tell the same
        assertThat(metrics.delivered()).isEqualTo(4);
        assertThat(metrics.routed(DestinationType.TABLE)).isEqualTo(3);
        assertThat(metrics.deadLettered()).isEqualTo(4);
        assertThat(metrics.deadLettered(ErrorClass.NO_DESTINATION_CONFIGURED)).isEqualTo(2);
        assertThat(metrics.suppressed()).isEqualTo(1);
        assertThat(metrics.duplicatesDropped()).isEqualTo(1);
        assertThat(metrics.replays()).isEqualTo(2);
        // tags never name a lead, an offer or a customer
        assertThat(scrape.text())
                .doesNotContain("contoso")
                .doesNotContain("fabrikam")
                .doesNotContain("nobody.offer")
                .doesNotContain("\"l1\"")
                .doesNotContain("mit.edu");
    }

    private static double routed(Scrape scrape, String type) {
        return scrape.value("leadpipe_router_routed_total", "type=" + type, "service=router");
    }

    private static double deadLettered(Scrape scrape, String errorClass) {
        return scrape.value("leadpipe_router_dead_lettered_total", "error_class=" + errorClass, "service=router");
    }

    // ---------------------------------------------------------------- delivery

    @ParameterizedTest
    @EnumSource(
            value = DestinationType.class,
            names = {"DYNAMICS", "SALESFORCE", "TABLE", "HTTPS"})
    void deliversToTheTopicOfTheOffersDestinationTypeKeyedByLeadId(DestinationType type) {
        setDestination(OFFER, type);
        pipe("l1", leadJson("l1", OFFER, "ann@contoso.com"), T0);

        List<TestRecord<String, Lead>> delivered = deliveries.get(type).readRecordsToList();
        assertThat(delivered).hasSize(1);
        assertThat(delivered.get(0).key()).isEqualTo("l1");
        Lead lead = delivered.get(0).value();
        assertThat(lead.leadId()).isEqualTo("l1");
        assertThat(lead.offerId()).isEqualTo(OFFER);
        assertThat(lead.userDetails().email()).isEqualTo("ann@contoso.com");
        assertThat(lead.userDetails().firstName()).isEqualTo(FIRST_NAME);
        assertNothingDeliveredExcept(type);
        assertThat(dlq.isEmpty()).isTrue();
        assertThat(outcomes.isEmpty()).isTrue();
        assertThat(metrics.delivered()).isEqualTo(1);
    }

    @Test
    void aChangedDestinationRoutesTheNextLeadToTheNewType() {
        setDestination(OFFER, DestinationType.TABLE);
        pipe("l1", leadJson("l1", OFFER, "ann@contoso.com"), T0);
        setDestination(OFFER, DestinationType.DYNAMICS);
        pipe("l2", leadJson("l2", OFFER, "bob@contoso.com"), T0.plusSeconds(1));

        assertThat(deliveries.get(DestinationType.TABLE).readKeyValuesToMap()).containsOnlyKeys("l1");
        assertThat(deliveries.get(DestinationType.DYNAMICS).readKeyValuesToMap())
                .containsOnlyKeys("l2");
    }

    @Test
    void keepsTheOriginalHeadersOnDeliveredAndDeadLetteredRecords() {
        setDestination(OFFER, DestinationType.HTTPS);
        setDestination("fabrikam.app", DestinationType.BLOB);
        Headers headers = new RecordHeaders()
                .add("traceparent", bytes("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"))
                .add("x-ingest-source", bytes("api"));
        leads.pipeInput(new TestRecord<>("l1", bytes(leadJson("l1", OFFER, "ann@contoso.com")), headers, T0));
        leads.pipeInput(new TestRecord<>("l2", bytes(leadJson("l2", "fabrikam.app", "ann@contoso.com")), headers, T0));

        TestRecord<String, Lead> delivered =
                deliveries.get(DestinationType.HTTPS).readRecord();
        assertThat(header(delivered.headers(), "traceparent"))
                .isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        assertThat(header(delivered.headers(), "x-ingest-source")).isEqualTo("api");
        TestRecord<String, byte[]> dead = dlq.readRecord();
        assertThat(header(dead.headers(), "traceparent"))
                .isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        assertThat(header(dead.headers(), "x-ingest-source")).isEqualTo("api");
        assertThat(header(dead.headers(), DeadLetterHeaders.ERROR_CLASS)).isEqualTo("DESTINATION_UNSUPPORTED");
        // the outcome carries none of the input's headers
        assertThat(outcomes.readRecord().headers().toArray()).isEmpty();
    }

    // ---------------------------------------------------------------- .edu suppression

    @ParameterizedTest
    @ValueSource(
            strings = {
                "alice@mit.edu",
                "bob@cs.mit.edu",
                "carol@a.b.c.d.EDU",
                "dave@Example.Edu.",
                "erin@xn--universitt-y5a.edu",
                "frank@universität.edu",
                "gina@ｍｉｔ．ｅｄｕ"
            })
    void suppressesEduLeadsWithAnOutcomeHoldingNoPersonalData(String email) {
        setDestination(OFFER, DestinationType.TABLE);
        pipe("l-edu", leadJson("l-edu", OFFER, email), T0);

        List<TestRecord<String, byte[]>> written = outcomes.readRecordsToList();
        assertThat(written).hasSize(1);
        assertThat(written.get(0).key()).isEqualTo("l-edu");
        Outcome outcome = outcome(written.get(0));
        assertThat(outcome.outcome()).isEqualTo(OutcomeType.SUPPRESSED);
        assertThat(outcome.leadId()).isEqualTo("l-edu");
        assertThat(outcome.offerId()).isEqualTo(OFFER);
        assertThat(outcome.errorClass()).isEqualTo(ErrorClass.EDU_PRIVACY_SUPPRESSED);
        assertThat(outcome.at()).isEqualTo(T0);
        String serialized = new String(written.get(0).value(), StandardCharsets.UTF_8);
        assertThat(serialized).doesNotContain(email).doesNotContain(FIRST_NAME).doesNotContain(LAST_NAME);
        assertThat(written.get(0).value())
                .asString(StandardCharsets.UTF_8)
                .doesNotContain(email.substring(0, email.indexOf('@')) + "@");
        assertNothingDeliveredExcept(null);
        assertThat(dlq.isEmpty()).isTrue();
        assertThat(metrics.suppressed()).isEqualTo(1);
    }

    @Test
    void suppressesAnEduLeadEvenWhenItsOfferHasNoDestination() {
        pipe("l-edu", leadJson("l-edu", "nowhere.offer", "alice@mit.edu"), T0);

        assertThat(outcome(outcomes.readRecord()).outcome()).isEqualTo(OutcomeType.SUPPRESSED);
        assertThat(outcomes.isEmpty()).isTrue();
        assertThat(dlq.isEmpty()).isTrue();
        assertNothingDeliveredExcept(null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a@edu.com", "a@example.education", "a@edu.example.org"})
    void deliversLookalikesOfEdu(String email) {
        setDestination(OFFER, DestinationType.TABLE);
        pipe("l1", leadJson("l1", OFFER, email), T0);

        assertThat(deliveries.get(DestinationType.TABLE).readKeyValuesToMap()).containsOnlyKeys("l1");
        assertThat(outcomes.isEmpty()).isTrue();
        assertThat(dlq.isEmpty()).isTrue();
    }

    // ---------------------------------------------------------------- dead letters

    @Test
    void deadLettersALeadWhoseOfferHasNoDestinationWithFullContext() {
        setDestination(OFFER, DestinationType.TABLE);
        pipe("l0", leadJson("l0", OFFER, "ann@contoso.com"), T0); // offset 0 on leads
        String json = leadJson("l1", "fabrikam.app", "ann@contoso.com");
        pipe("l1", json, T0.plusSeconds(5)); // offset 1

        TestRecord<String, byte[]> dead = dlq.readRecord();
        assertThat(dlq.isEmpty()).isTrue();
        assertThat(dead.key()).isEqualTo("l1");
        assertThat(dead.value()).isEqualTo(bytes(json));
        Headers h = dead.headers();
        assertThat(header(h, DeadLetterHeaders.LEAD_ID)).isEqualTo("l1");
        assertThat(header(h, DeadLetterHeaders.ERROR_CLASS)).isEqualTo("NO_DESTINATION_CONFIGURED");
        assertThat(header(h, DeadLetterHeaders.ERROR_KIND)).isEqualTo("permanent");
        assertThat(header(h, DeadLetterHeaders.REMEDIATION))
                .isEqualTo(ErrorClass.NO_DESTINATION_CONFIGURED.remediation());
        assertThat(header(h, DeadLetterHeaders.UPSTREAM_DETAIL)).contains("fabrikam.app");
        assertThat(header(h, DeadLetterHeaders.OFFER_ID)).isEqualTo("fabrikam.app");
        assertThat(header(h, DeadLetterHeaders.DESTINATION_TYPE)).isNull();
        assertThat(header(h, DeadLetterHeaders.ATTEMPTS)).isEqualTo("0");
        assertThat(header(h, DeadLetterHeaders.FIRST_FAILURE_TIME))
                .isEqualTo(T0.plusSeconds(5).toString());
        assertThat(header(h, DeadLetterHeaders.LAST_FAILURE_TIME))
                .isEqualTo(T0.plusSeconds(5).toString());
        assertThat(header(h, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo("leads");
        assertThat(header(h, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(header(h, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("1");
        assertThat(header(h, DeadLetterHeaders.REPLAY_COUNT)).isEqualTo("0");
        for (var header : h) {
            assertThat(new String(header.value(), StandardCharsets.UTF_8))
                    .doesNotContain("ann@contoso.com", FIRST_NAME);
        }

        TestRecord<String, byte[]> written = outcomes.readRecord();
        assertThat(outcomes.isEmpty()).isTrue();
        assertThat(written.key()).isEqualTo("l1");
        Outcome outcome = outcome(written);
        assertThat(outcome.outcome()).isEqualTo(OutcomeType.DEAD_LETTERED);
        assertThat(outcome.leadId()).isEqualTo("l1");
        assertThat(outcome.offerId()).isEqualTo("fabrikam.app");
        assertThat(outcome.errorClass()).isEqualTo(ErrorClass.NO_DESTINATION_CONFIGURED);
        assertThat(outcome.replayCount()).isZero();
        assertThat(outcome.at()).isEqualTo(T0.plusSeconds(5));
        assertThat(new String(written.value(), StandardCharsets.UTF_8)).doesNotContain("ann@contoso.com", FIRST_NAME);
        assertThat(deliveries.get(DestinationType.TABLE).readKeyValuesToMap()).containsOnlyKeys("l0");
        assertThat(metrics.deadLettered()).isEqualTo(1);
    }

    @Test
    void deadLettersALeadWhoseDestinationIsOfTypeNone() {
        setDestination(OFFER, DestinationType.NONE);
        pipe("l1", leadJson("l1", OFFER, "ann@contoso.com"), T0);

        TestRecord<String, byte[]> dead = dlq.readRecord();
        assertThat(header(dead.headers(), DeadLetterHeaders.ERROR_CLASS)).isEqualTo("NO_DESTINATION_CONFIGURED");
        assertThat(header(dead.headers(), DeadLetterHeaders.DESTINATION_TYPE)).isEqualTo("none");
        Outcome outcome = outcome(outcomes.readRecord());
        assertThat(outcome.outcome()).isEqualTo(OutcomeType.DEAD_LETTERED);
        assertThat(outcome.errorClass()).isEqualTo(ErrorClass.NO_DESTINATION_CONFIGURED);
        assertThat(outcome.destinationType()).isEqualTo("none");
        assertNothingDeliveredExcept(null);
    }

    @Test
    void deadLettersALeadWhoseDestinationWasDeleted() {
        setDestination(OFFER, DestinationType.TABLE);
        destinations.pipeInput(OFFER, null, T0);
        pipe("l1", leadJson("l1", OFFER, "ann@contoso.com"), T0);

        assertThat(header(dlq.readRecord().headers(), DeadLetterHeaders.ERROR_CLASS))
                .isEqualTo("NO_DESTINATION_CONFIGURED");
        assertNothingDeliveredExcept(null);
    }

    @Test
    void anUnreadableDestinationReadsAsNoneAndTheRouterGoesOnRoutingOtherOffers() {
        setDestination(OFFER, DestinationType.TABLE);
        setDestination("fabrikam.app", DestinationType.HTTPS);
        TestInputTopic<String, byte[]> rawDestinations = driver.createInputTopic(
                Topics.LEAD_DESTINATIONS.name(), new StringSerializer(), new ByteArraySerializer());
        rawDestinations.pipeInput(OFFER, bytes("{\"offerId\": \"" + OFFER + "\", \"type\": "), T0);

        pipe("l1", leadJson("l1", OFFER, "ann@contoso.com"), T0);
        pipe("l2", leadJson("l2", "fabrikam.app", "bob@fabrikam.com"), T0);

        TestRecord<String, byte[]> dead = dlq.readRecord();
        assertThat(dead.key()).isEqualTo("l1");
        assertThat(header(dead.headers(), DeadLetterHeaders.ERROR_CLASS)).isEqualTo("NO_DESTINATION_CONFIGURED");
        assertThat(dlq.isEmpty()).isTrue();
        assertThat(deliveries.get(DestinationType.TABLE).isEmpty())
                .as("the unreadable record replaced the table one")
                .isTrue();
        assertThat(deliveries.get(DestinationType.HTTPS).readRecord().key()).isEqualTo("l2");

        // the publisher saves the destination again: the offer's leads are routed
        setDestination(OFFER, DestinationType.TABLE);
        pipe("l3", leadJson("l3", OFFER, "cat@contoso.com"), T0);
        assertThat(deliveries.get(DestinationType.TABLE).readRecord().key()).isEqualTo("l3");
    }

    @Test
    void deadLettersALeadWhoseDestinationIsBlobAsUnsupported() {
        setDestination(OFFER, DestinationType.BLOB);
        String json = leadJson("l1", OFFER, "ann@contoso.com");
        pipe("l1", json, T0);

        TestRecord<String, byte[]> dead = dlq.readRecord();
        assertThat(dead.key()).isEqualTo("l1");
        assertThat(dead.value()).isEqualTo(bytes(json));
        assertThat(header(dead.headers(), DeadLetterHeaders.ERROR_CLASS)).isEqualTo("DESTINATION_UNSUPPORTED");
        assertThat(header(dead.headers(), DeadLetterHeaders.ERROR_KIND)).isEqualTo("permanent");
        assertThat(header(dead.headers(), DeadLetterHeaders.REMEDIATION))
                .isEqualTo(ErrorClass.DESTINATION_UNSUPPORTED.remediation());
        assertThat(header(dead.headers(), DeadLetterHeaders.DESTINATION_TYPE)).isEqualTo("blob");
        assertThat(header(dead.headers(), DeadLetterHeaders.OFFER_ID)).isEqualTo(OFFER);
        Outcome outcome = outcome(outcomes.readRecord());
        assertThat(outcome.outcome()).isEqualTo(OutcomeType.DEAD_LETTERED);
        assertThat(outcome.errorClass()).isEqualTo(ErrorClass.DESTINATION_UNSUPPORTED);
        assertThat(outcome.destinationType()).isEqualTo("blob");
        assertNothingDeliveredExcept(null);
    }

    @Test
    void deadLettersARecordThatIsNotJsonWithItsExactBytesAndKeepsRouting() {
        setDestination(OFFER, DestinationType.TABLE);
        pipe("k-bad", "{not json", T0);
        pipe("l2", leadJson("l2", OFFER, "ann@contoso.com"), T0.plusSeconds(1));

        TestRecord<String, byte[]> dead = dlq.readRecord();
        assertThat(dlq.isEmpty()).isTrue();
        assertThat(dead.key()).isEqualTo("k-bad");
        assertThat(dead.value()).isEqualTo(bytes("{not json"));
        assertThat(header(dead.headers(), DeadLetterHeaders.ERROR_CLASS)).isEqualTo("MALFORMED_RECORD");
        assertThat(header(dead.headers(), DeadLetterHeaders.ERROR_KIND)).isEqualTo("permanent");
        assertThat(header(dead.headers(), DeadLetterHeaders.REMEDIATION))
                .isEqualTo(ErrorClass.MALFORMED_RECORD.remediation());
        assertThat(header(dead.headers(), DeadLetterHeaders.LEAD_ID)).isEqualTo("k-bad");
        assertThat(header(dead.headers(), DeadLetterHeaders.OFFER_ID)).isNull();
        assertThat(header(dead.headers(), DeadLetterHeaders.UPSTREAM_DETAIL)).isEqualTo("the value is not JSON");
        assertThat(header(dead.headers(), DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("0");

        TestRecord<String, byte[]> written = outcomes.readRecord();
        assertThat(outcomes.isEmpty()).isTrue();
        assertThat(written.key()).isEqualTo("k-bad");
        Outcome outcome = outcome(written);
        assertThat(outcome.outcome()).isEqualTo(OutcomeType.DEAD_LETTERED);
        assertThat(outcome.leadId()).isEqualTo("k-bad");
        assertThat(outcome.errorClass()).isEqualTo(ErrorClass.MALFORMED_RECORD);

        assertThat(deliveries.get(DestinationType.TABLE).readKeyValuesToMap()).containsOnlyKeys("l2");
    }

    @Test
    void deadLettersAJsonObjectThatIsNotALead() {
        setDestination(OFFER, DestinationType.TABLE);
        String json = "{\"leadId\":\"l1\",\"offerId\":\"contoso.widget\",\"UserDetails\":42}";
        pipe("l1", json, T0);

        TestRecord<String, byte[]> dead = dlq.readRecord();
        assertThat(dead.value()).isEqualTo(bytes(json));
        assertThat(header(dead.headers(), DeadLetterHeaders.ERROR_CLASS)).isEqualTo("MALFORMED_RECORD");
        assertThat(header(dead.headers(), DeadLetterHeaders.UPSTREAM_DETAIL)).contains("/UserDetails");
        assertThat(outcome(outcomes.readRecord()).errorClass()).isEqualTo(ErrorClass.MALFORMED_RECORD);
        assertNothingDeliveredExcept(null);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"offerId\":\"contoso.widget\",\"UserDetails\":{\"Email\":\"ann@contoso.com\"}}",
                "{\"leadId\":\"l1\",\"UserDetails\":{\"Email\":\"ann@contoso.com\"},\"LeadSource\":\"AzureMarketplace-INS\"}",
                "[1,2,3]",
                "null"
            })
    void deadLettersALeadWithoutLeadIdOrOfferIdAndValuesThatAreNoObject(String json) {
        setDestination(OFFER, DestinationType.TABLE);
        pipe("k1", json, T0);

        TestRecord<String, byte[]> dead = dlq.readRecord();
        assertThat(dead.key()).isEqualTo("k1");
        assertThat(dead.value()).isEqualTo(bytes(json));
        assertThat(header(dead.headers(), DeadLetterHeaders.ERROR_CLASS)).isEqualTo("MALFORMED_RECORD");
        TestRecord<String, byte[]> written = outcomes.readRecord();
        assertThat(written.key()).isEqualTo("k1");
        assertThat(outcome(written).leadId()).isEqualTo("k1");
        assertNothingDeliveredExcept(null);
    }

    @Test
    void deadLettersATombstoneOnTheLeadsTopic() {
        leads.pipeInput("k1", null, T0);

        TestRecord<String, byte[]> dead = dlq.readRecord();
        assertThat(dead.key()).isEqualTo("k1");
        assertThat(dead.value()).isNull();
        assertThat(header(dead.headers(), DeadLetterHeaders.ERROR_CLASS)).isEqualTo("MALFORMED_RECORD");
        assertThat(outcome(outcomes.readRecord()).errorClass()).isEqualTo(ErrorClass.MALFORMED_RECORD);
    }

    // ---------------------------------------------------------------- duplicates and replay

    @Test
    void dropsADuplicateWithinTheWindow() {
        setDestination(OFFER, DestinationType.TABLE);
        String json = leadJson("l1", OFFER, "ann@contoso.com");
        pipe("l1", json, T0);
        pipe("l1", json, T0.plus(Duration.ofDays(6)));

        assertThat(deliveries.get(DestinationType.TABLE).readRecordsToList()).hasSize(1);
        assertThat(metrics.duplicatesDropped()).isEqualTo(1);
        assertThat(outcomes.isEmpty()).isTrue();
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void dropsADuplicateOfADeadLetteredLeadWithoutASecondOutcome() {
        pipe("l1", leadJson("l1", "fabrikam.app", "ann@contoso.com"), T0);
        pipe("l1", leadJson("l1", "fabrikam.app", "ann@contoso.com"), T0.plusSeconds(1));

        assertThat(dlq.readRecordsToList()).hasSize(1);
        assertThat(outcomes.readRecordsToList()).hasSize(1);
        assertThat(metrics.duplicatesDropped()).isEqualTo(1);
    }

    @Test
    void routesTheSameLeadIdAgainOnceTheWindowHasPassed() {
        setDestination(OFFER, DestinationType.TABLE);
        String json = leadJson("l1", OFFER, "ann@contoso.com");
        pipe("l1", json, T0);
        pipe(
                "other",
                leadJson("other", OFFER, "bob@contoso.com"),
                T0.plus(Duration.ofDays(7)).plusSeconds(30)); // advances stream time
        pipe("l1", json, T0.plus(Duration.ofDays(7)).plusSeconds(60));

        assertThat(deliveries.get(DestinationType.TABLE).readKeyValuesToList())
                .extracting(kv -> kv.key)
                .containsExactly("l1", "other", "l1");
        assertThat(metrics.duplicatesDropped()).isZero();
    }

    @Test
    void letsAReplayedLeadPassAndRecordsItAgain() {
        setDestination(OFFER, DestinationType.TABLE);
        String json = leadJson("l1", OFFER, "ann@contoso.com");
        pipe("l1", json, T0);
        Headers replay = new RecordHeaders().add(PipelineHeaders.REPLAY_COUNT, bytes("1"));
        leads.pipeInput(new TestRecord<>("l1", bytes(json), replay, T0.plus(Duration.ofDays(6))));
        // 8 days after the first routing but 2 after the replay: still a duplicate, because the replay was recorded
        pipe("l1", json, T0.plus(Duration.ofDays(8)));

        List<TestRecord<String, Lead>> delivered =
                deliveries.get(DestinationType.TABLE).readRecordsToList();
        assertThat(delivered).hasSize(2);
        assertThat(header(delivered.get(1).headers(), PipelineHeaders.REPLAY_COUNT))
                .isEqualTo("1");
        assertThat(metrics.duplicatesDropped()).isEqualTo(1);
    }

    @Test
    void aReplayedDeadLetteredLeadCarriesItsReplayCount() {
        String json = leadJson("l1", "fabrikam.app", "ann@contoso.com");
        pipe("l1", json, T0);
        Headers replay = new RecordHeaders().add(PipelineHeaders.REPLAY_COUNT, bytes("1"));
        leads.pipeInput(new TestRecord<>("l1", bytes(json), replay, T0.plusSeconds(60)));

        List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
        assertThat(dead).hasSize(2);
        assertThat(header(dead.get(0).headers(), DeadLetterHeaders.REPLAY_COUNT))
                .isEqualTo("0");
        assertThat(header(dead.get(1).headers(), DeadLetterHeaders.REPLAY_COUNT))
                .isEqualTo("1");
        assertThat(header(dead.get(1).headers(), PipelineHeaders.REPLAY_COUNT)).isEqualTo("1");
        List<TestRecord<String, byte[]>> written = outcomes.readRecordsToList();
        assertThat(written).hasSize(2);
        assertThat(outcome(written.get(0)).replayCount()).isZero();
        assertThat(outcome(written.get(1)).replayCount()).isEqualTo(1);
        assertThat(metrics.duplicatesDropped()).isZero();
    }

    @Test
    void replacesStaleDeadLetterContextOnAReplayedRecord() {
        setDestination(OFFER, DestinationType.BLOB);
        Headers headers = new RecordHeaders()
                .add(PipelineHeaders.REPLAY_COUNT, bytes("2"))
                .add(DeadLetterHeaders.ERROR_CLASS, bytes("NO_DESTINATION_CONFIGURED"))
                .add(DeadLetterHeaders.ATTEMPTS, bytes("7"));
        leads.pipeInput(new TestRecord<>("l1", bytes(leadJson("l1", OFFER, "ann@contoso.com")), headers, T0));

        Headers h = dlq.readRecord().headers();
        assertThat(h.headers(DeadLetterHeaders.ERROR_CLASS)).hasSize(1);
        assertThat(header(h, DeadLetterHeaders.ERROR_CLASS)).isEqualTo("DESTINATION_UNSUPPORTED");
        assertThat(header(h, DeadLetterHeaders.ATTEMPTS)).isEqualTo("0");
        assertThat(header(h, DeadLetterHeaders.REPLAY_COUNT)).isEqualTo("2");
    }

    // ---------------------------------------------------------------- the topology itself

    @Test
    void namesEveryNode() {
        Topology topology = RouterTopology.build(RouterConfig.of("unused:9092"), new RouterMetrics());
        String description = topology.describe().toString();
        assertThat(description).doesNotContain("KSTREAM-").doesNotContain("KTABLE-");
        assertThat(description)
                .contains(
                        RouterTopology.LEADS_SOURCE,
                        RouterTopology.PARSE,
                        RouterTopology.DEDUP,
                        RouterTopology.LOOKUP,
                        RouterTopology.DESTINATIONS_TABLE,
                        RouterTopology.DEAD_LETTER_SINK,
                        RouterTopology.DESTINATIONS_STORE,
                        RouterTopology.DEDUP_STORE,
                        RouterTopology.deliverBranch(DestinationType.TABLE) + "-sink");
    }

    // ---------------------------------------------------------------- helpers

    private void setDestination(String offerId, DestinationType type) {
        destinations.pipeInput(
                offerId,
                new LeadDestination(
                        offerId,
                        type,
                        Map.of("url", "https://example.invalid/x"),
                        List.of("owner@contoso.com"),
                        ++version,
                        T0),
                T0);
    }

    private void pipe(String key, String value, Instant at) {
        leads.pipeInput(key, bytes(value), at);
    }

    private void assertNothingDeliveredExcept(DestinationType allowed) {
        for (DestinationType type : DELIVERABLE) {
            if (type != allowed) {
                assertThat(deliveries.get(type).isEmpty())
                        .as("nothing on %s", type)
                        .isTrue();
            }
        }
    }

    private static Outcome outcome(TestRecord<String, byte[]> record) {
        return Topics.LEAD_OUTCOMES
                .valueSerde()
                .deserializer()
                .deserialize(Topics.LEAD_OUTCOMES.name(), record.value());
    }

    private static String leadJson(String leadId, String offerId, String email) {
        ObjectNode lead = Json.MAPPER.createObjectNode();
        lead.put("leadId", leadId);
        lead.put("offerId", offerId);
        ObjectNode user = lead.putObject("UserDetails");
        user.put("FirstName", FIRST_NAME);
        user.put("LastName", LAST_NAME);
        user.put("Email", email);
        user.put("Phone", "+1 425 555 0100");
        user.put("Company", "Contoso");
        lead.put("LeadSource", "AzureMarketplace-INS|" + offerId);
        lead.put("ActionCode", "INS");
        return lead.toString();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String header(Headers headers, String name) {
        return DeadLetterHeaders.get(headers, name);
    }
}
