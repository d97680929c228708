package dev.leadpipe.leadctl;

import java.util.Map;
import java.util.function.Predicate;

import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a fixed range of {@code leads-dlq} as {@link DeadLetter}s: a {@link TopicScanner} of that topic (end offsets
 * captured before reading, never waiting for later records; a broker that stops answering ends the scan with
 * {@link ExitCodes#KAFKA_UNREACHABLE}).
 */
final class DlqScanner extends TopicScanner {
    DlqScanner(KafkaAccess kafka, KafkaConsumer<byte[], byte[]> consumer) {
        super(kafka, consumer, Topics.LEADS_DLQ.name());
    }

    /**
     * Reads every record from {@code start} (inclusive) to {@code end} (exclusive) per partition, handing each to
     * {@code visitor} in offset order within a partition. The visitor returns false to stop at once; the scan then
     * returns false. Returns true when the whole range was read.
     */
    boolean scan(Map<TopicPartition, Long> start, Map<TopicPartition, Long> end, Predicate<DeadLetter> visitor) {
        return scanRecords(start, end, r -> visitor.test(DeadLetter.of(r)));
    }

    /** Reads the whole topic as it is now. */
    void scanAll(Predicate<DeadLetter> visitor) {
        scanAllRecords(r -> visitor.test(DeadLetter.of(r)));
    }
}
