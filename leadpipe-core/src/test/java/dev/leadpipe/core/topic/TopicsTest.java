package dev.leadpipe.core.topic;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.leadpipe.core.circuit.CircuitReport;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.retry.WaitingLead;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopicsTest {

    /** The delivery topics' names are what operators and every sink's configuration use. */
    private static final Map<DestinationType, String> DELIVERY_TOPICS = Map.of(
            DestinationType.DYNAMICS,
            "deliveries.dynamics",
            DestinationType.SALESFORCE,
            "deliveries.salesforce",
            DestinationType.TABLE,
            "deliveries.table",
            DestinationType.HTTPS,
            "deliveries.https");

    @Test
    void eachDeliverableTypeHasItsDeliveryTopicAndFourRetryTiersShortestFirst() {
        for (DestinationType type : DELIVERY_TOPICS.keySet()) {
            TopicSpec<String, ?> delivery = Topics.deliveryTopic(type);
            assertThat(delivery.name()).isEqualTo(DELIVERY_TOPICS.get(type));
            assertThat(delivery.partitions()).isEqualTo(Topics.LEAD_PARTITIONS);
            List<String> tiers =
                    Topics.retryTiers(type).stream().map(TopicSpec::name).toList();
            assertThat(tiers)
                    .containsExactly(
                            delivery.name() + ".retry-1",
                            delivery.name() + ".retry-2",
                            delivery.name() + ".retry-3",
                            delivery.name() + ".retry-4");
            assertThat(Topics.retryTiers(type))
                    .allMatch(t -> t.partitions() == Topics.LEAD_PARTITIONS && !t.compacted());
        }
    }

    @Test
    void typesWithoutDeliveryHaveNoTopics() {
        for (DestinationType type : new DestinationType[] {DestinationType.NONE, DestinationType.BLOB}) {
            assertThatThrownBy(() -> Topics.deliveryTopic(type))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no delivery topic");
            assertThatThrownBy(() -> Topics.retryTiers(type))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no delivery topic");
        }
    }

    @Test
    void allNamesEveryTopicOnceRetryTiersIncluded() {
        List<String> names = Topics.all().stream().map(TopicSpec::name).toList();
        assertThat(names)
                .doesNotHaveDuplicates()
                .contains(
                        "leads",
                        "lead-destinations",
                        "lead-outcomes",
                        "leads-dlq",
                        "leads-dlq-replays",
                        "destination-circuits",
                        "lead-waiting",
                        "retry-wakeups",
                        "leads-routed",
                        "notifier-digests",
                        "deliveries.https",
                        "deliveries.table.retry-4");
        assertThat(names).containsAll(DELIVERY_TOPICS.values());
        assertThat(names.stream().filter(n -> n.contains(".retry-")))
                .hasSize(DELIVERY_TOPICS.size() * Topics.RETRY_TIERS);
        assertThat(Topics.all().stream().filter(TopicSpec::compacted).map(TopicSpec::name))
                .containsExactlyInAnyOrder(
                        "lead-destinations",
                        "destination-circuits",
                        "lead-waiting",
                        "retry-wakeups",
                        "leadpipe-api-keys",
                        "notifier-digests",
                        "destination-notices");
    }

    @Test
    void aCompactedTopicIsCreatedCompactedAndAStreamTopicWithSevenDaysRetention() {
        NewTopic compacted = Topics.LEAD_DESTINATIONS.newTopic((short) 3);
        assertThat(compacted.name()).isEqualTo("lead-destinations");
        assertThat(compacted.numPartitions()).isEqualTo(Topics.LEAD_DESTINATIONS.partitions());
        assertThat(compacted.replicationFactor()).isEqualTo((short) 3);
        assertThat(compacted.configs())
                .containsOnly(
                        Map.entry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT),
                        Map.entry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2"));
        NewTopic plain = new TopicSpec<>("t", Serdes.String(), Serdes.String(), 2, false).newTopic((short) 1);
        assertThat(plain.numPartitions()).isEqualTo(2);
        assertThat(plain.configs())
                .containsOnly(
                        Map.entry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE),
                        Map.entry(TopicConfig.RETENTION_MS_CONFIG, "604800000"),
                        Map.entry(TopicConfig.RETENTION_BYTES_CONFIG, "-1"),
                        Map.entry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "1"));
    }

    @Test
    void theDeadLetterTopicKeepsItsRecordsForeverUnlessToldOtherwise() {
        TopicPolicy rf3 = TopicPolicy.defaults(3);
        assertThat(Topics.LEADS_DLQ.configs(rf3))
                .containsOnly(
                        Map.entry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE),
                        Map.entry(TopicConfig.RETENTION_MS_CONFIG, "-1"),
                        Map.entry(TopicConfig.RETENTION_BYTES_CONFIG, "-1"),
                        Map.entry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2"));
        TopicPolicy ninetyDays = TopicPolicy.fromEnvironment(Map.of(
                "LEADPIPE_DLQ_RETENTION", "90d", "KAFKA_MIN_INSYNC_REPLICAS", "3", "KAFKA_REPLICATION_FACTOR", "5"));
        assertThat(Topics.LEADS_DLQ.configs(ninetyDays))
                .containsEntry(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(90L * 24 * 3600 * 1000))
                .containsEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "3");
    }

    @Test
    void everyTopicButTheDeadLettersKeepsItsRecordsLongerThanTheLongestRetryTierWaits() {
        for (TopicSpec<?, ?> topic : Topics.all()) {
            Map<String, String> configs = topic.configs(TopicPolicy.defaults(1));
            assertThat(configs).as(topic.name()).containsKey(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
            if (topic.kind() == TopicSpec.Kind.STREAM) {
                assertThat(Long.parseLong(configs.get(TopicConfig.RETENTION_MS_CONFIG)))
                        .as(topic.name())
                        .isGreaterThan(java.time.Duration.ofHours(1).toMillis());
            }
        }
        // the replay records of leads-dlq live as long as the dead letters they name
        assertThat(Topics.all().stream().filter(t -> t.kind() == TopicSpec.Kind.DEAD_LETTERS))
                .containsExactly(Topics.LEADS_DLQ, Topics.LEADS_DLQ_REPLAYS);
        assertThat(Topics.LEADS_DLQ_REPLAYS.partitions()).isEqualTo(Topics.LEADS_DLQ.partitions());
    }

    @Test
    void circuitReportsAndWaitingLeadsTravelOverTheirTopics() {
        Instant at = Instant.parse("2026-03-01T10:15:30Z");
        CircuitReport open = new CircuitReport(
                "contoso.widget", "https", CircuitReport.State.OPEN, at, ErrorClass.DESTINATION_HTTP_ERROR);
        CircuitReport closed = new CircuitReport("contoso.widget", "https", CircuitReport.State.CLOSED, at, null);
        var circuits = Topics.DESTINATION_CIRCUITS.valueSerde();
        for (CircuitReport report : List.of(open, closed)) {
            byte[] bytes = circuits.serializer().serialize("destination-circuits", report);
            assertThat(circuits.deserializer().deserialize("destination-circuits", bytes))
                    .isEqualTo(report);
        }
        WaitingLead waiting = new WaitingLead(
                "lead-1",
                "contoso.widget",
                "https",
                WaitingLead.Reason.CIRCUIT_OPEN,
                at,
                at.plusSeconds(60),
                2,
                ErrorClass.DESTINATION_HTTP_ERROR,
                503,
                at.plusSeconds(1));
        var serde = Topics.LEAD_WAITING.valueSerde();
        assertThat(serde.deserializer()
                        .deserialize("lead-waiting", serde.serializer().serialize("lead-waiting", waiting)))
                .isEqualTo(waiting);
    }

    /**
     * Found by TopicSerdesPropertiesTest: a destination record without a type was read as a destination of no type,
     * on which ingest's GET answered 500 and a sink's lookup threw; it is unreadable now, which every reader skips.
     */
    @Test
    void aDestinationWithoutATypeIsUnreadable() {
        byte[] typeless = "{\"offerId\":\"contoso.widget\",\"settings\":{\"url\":\"https://x.example\"},\"version\":3}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);

        assertThatThrownBy(() -> Topics.LEAD_DESTINATIONS
                        .valueSerde()
                        .deserializer()
                        .deserialize(Topics.LEAD_DESTINATIONS.name(), typeless))
                .isInstanceOf(org.apache.kafka.common.errors.SerializationException.class)
                .hasMessageContaining("lead-destinations");
        byte[] typed = "{\"offerId\":\"contoso.widget\",\"type\":\"none\",\"version\":3}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(Topics.LEAD_DESTINATIONS
                        .valueSerde()
                        .deserializer()
                        .deserialize(Topics.LEAD_DESTINATIONS.name(), typed)
                        .type())
                .isEqualTo(DestinationType.NONE);
    }

    /**
     * Found by StatusGarbageTest: a circuit report without a state made the status service answer 500 for its offer
     * until the next report; it is unreadable now, which the status service skips.
     */
    @Test
    void aCircuitReportWithoutAStateIsUnreadable() {
        byte[] stateless = "{\"offerId\":\"x.y\",\"state\":null,\"destinationType\":\"https\"}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);

        assertThatThrownBy(() -> Topics.DESTINATION_CIRCUITS
                        .valueSerde()
                        .deserializer()
                        .deserialize(Topics.DESTINATION_CIRCUITS.name(), stateless))
                .isInstanceOf(org.apache.kafka.common.errors.SerializationException.class)
                .hasMessageContaining("destination-circuits");
    }
}
