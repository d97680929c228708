package dev.leadpipe.leadctl;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.dlq.PipelineHeaders;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The record a replay sends back to {@code leads}, from a dead letter's headers. */
class ReplayRecordTest {

    /**
     * Found by DeadLetterPropertiesTest: a replay count header of 2147483647 wrapped to -2147483648 on replay, which
     * the router and the notifier read as "not a replay", so the router dropped the lead as a duplicate.
     */
    @Test
    void theHighestReplayCountStillMarksAReplay() {
        ProducerRecord<byte[], byte[]> replayed = ReplayEngine.toLeadsRecord(deadLetterWithReplayCount("2147483647"));

        assertThat(PipelineHeaders.replayCount(replayed.headers())).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void aReplayCountsOneMore() {
        ProducerRecord<byte[], byte[]> replayed = ReplayEngine.toLeadsRecord(deadLetterWithReplayCount("2"));

        assertThat(replayed.topic()).isEqualTo(Topics.LEADS.name());
        assertThat(new String(replayed.key(), StandardCharsets.UTF_8)).isEqualTo("lead-7");
        assertThat(PipelineHeaders.replayCount(replayed.headers())).isEqualTo(3);
    }

    private static DeadLetter deadLetterWithReplayCount(String count) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(new RecordHeader(DeadLetterHeaders.LEAD_ID, "lead-7".getBytes(StandardCharsets.UTF_8)));
        headers.add(new RecordHeader(DeadLetterHeaders.REPLAY_COUNT, count.getBytes(StandardCharsets.UTF_8)));
        return DeadLetter.of(new ConsumerRecord<>(
                Topics.LEADS_DLQ.name(),
                0,
                5,
                0L,
                TimestampType.CREATE_TIME,
                3,
                2,
                "key".getBytes(StandardCharsets.UTF_8),
                "{}".getBytes(StandardCharsets.UTF_8),
                headers,
                Optional.empty()));
    }
}
