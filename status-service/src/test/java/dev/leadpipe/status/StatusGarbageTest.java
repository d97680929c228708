package dev.leadpipe.status;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.circuit.CircuitReport;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.topic.TopicSpec;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicWriter;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.testing.TestKeys;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records the status service cannot use, on every topic it folds ({@code leads}, {@code lead-outcomes},
 * {@code destination-circuits}, {@code lead-waiting}): random bytes, broken JSON, deep nesting, and JSON of the right
 * shape with its fields missing or of the wrong type. None stops it: a good lead and its outcome written after them
 * still show on the offer's status.
 */
class StatusGarbageTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final List<String> GARBAGE = List.of(
            "{not json",
            "\u0000\u00ff",
            "[1, 2, 3]",
            "null",
            "{}",
            "[".repeat(2_000) + "]".repeat(2_000),
            "{\"leadId\": 7, \"offerId\": [], \"outcome\": \"EXPLODED\"}",
            "{\"outcome\": \"DEAD_LETTERED\", \"at\": \"yesterday\"}",
            "{\"offerId\": \"x.y\", \"state\": null, \"since\": 5}",
            "{\"offerId\": \"x.y\", \"reason\": \"RETRY\", \"attempts\": \"many\"}",
            "{\"leadId\": \"k\", \"offerId\": \"x.y\"}");

    @Test
    void aGoodLeadAfterUnusableRecordsOnEveryTopicStillShows() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String offer = "contoso-" + run + ".widget";
        String leadId = "good-" + run;
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60);
        String bootstrap = KAFKA.bootstrapServers();
        List<byte[]> garbage =
                GARBAGE.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
        for (TopicSpec<String, ?> topic :
                List.of(Topics.LEADS, Topics.LEAD_OUTCOMES, Topics.DESTINATION_CIRCUITS, Topics.LEAD_WAITING)) {
            // keyed by the good lead's id or offer, so they come before its records in their partitions
            TopicWriter.write(bootstrap, raw(topic), garbage, v -> leadId, Map.of());
            TopicWriter.write(bootstrap, raw(topic), garbage, v -> offer, Map.of());
        }
        // a good report after the garbage in the same partition: once it shows, the garbage before it was folded
        String marker = samePartition(offer, Topics.DESTINATION_CIRCUITS);
        TopicWriter.write(
                bootstrap,
                Topics.DESTINATION_CIRCUITS,
                List.of(new CircuitReport(marker, "https", CircuitReport.State.OPEN, at, ErrorClass.UNKNOWN)),
                CircuitReport::offerId,
                Map.of());
        TopicWriter.writeLeads(bootstrap, Topics.LEADS, List.of(StatusServiceTest.lead(leadId, offer, at)), 0);
        TopicWriter.write(
                bootstrap,
                Topics.LEAD_OUTCOMES,
                List.of(Outcome.delivered(leadId, offer, "table", "r1", 1, 50, false, 0, at.plusSeconds(1))),
                Outcome::leadId,
                Map.of());

        String key = TestKeys.operator(bootstrap);
        StatusConfig config = StatusConfig.of(bootstrap)
                .with(StatusConfig.APPLICATION_ID, "status-garbage-" + run)
                .with(StatusConfig.STATE_DIR, Files.createTempDirectory("status-garbage-test-"))
                .with(StatusConfig.PORT, 0);
        try (Ops ops = Ops.forService("status");
                StatusService status = StatusService.start(config, ops)) {
            StatusServiceTest.await(
                    status.port(),
                    key,
                    "/v1/status/offers/" + marker,
                    a -> a.status() == 200
                            && a.json().path("circuit").path("state").asText().equals("OPEN"));
            JsonNode shown = StatusServiceTest.await(
                            status.port(),
                            key,
                            "/v1/status/offers/" + offer,
                            a -> a.status() == 200
                                    && a.json()
                                                    .path("last24h")
                                                    .path("delivered")
                                                    .asLong()
                                            == 1
                                    && a.json().path("last24h").path("received").asLong() == 1)
                    .json();
            assertThat(shown.path("lastDelivered").path("leadId").asText()).isEqualTo(leadId);
            assertThat(ops.readiness().report().ready()).isTrue();
            status.refreshMetrics(); // the gauges are computed from the same stores, without an exception
        }
    }

    /** Another offer id whose records go to the same partition of the topic as {@code offer}'s. */
    private static String samePartition(String offer, TopicSpec<String, ?> topic) {
        for (int i = 0; ; i++) {
            String other = "marker-" + i + "." + offer;
            if (partition(other, topic) == partition(offer, topic)) {
                return other;
            }
        }
    }

    /** The partition Kafka's default partitioner gives a key. */
    private static int partition(String key, TopicSpec<String, ?> topic) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % topic.partitions();
    }

    /** The topic with raw byte values, to write what its own serializer never would. */
    private static TopicSpec<String, byte[]> raw(TopicSpec<String, ?> topic) {
        return new TopicSpec<>(
                topic.name(), Serdes.String(), Serdes.ByteArray(), topic.partitions(), topic.compacted());
    }
}
