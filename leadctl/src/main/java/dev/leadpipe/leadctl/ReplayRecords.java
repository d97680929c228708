package dev.leadpipe.leadctl;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.leadpipe.core.dlq.DlqReplay;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The replay records of {@code leads-dlq-replays} ({@link DlqReplay}): which dead letters were replayed. The records
 * of {@code leads-dlq} partition N are in partition N, written only by the transactional producer
 * {@link #transactionalId(int) leadctl-replay-leads-dlq-N}, in the same transaction as the replayed leads. Read
 * read_committed to the partition's end after that producer was started, they are every replay of that partition
 * ever committed: starting the producer waited for any earlier holder's transaction to end.
 */
final class ReplayRecords implements AutoCloseable {
    static final String TRANSACTIONAL_ID_PREFIX = "leadctl-replay-leads-dlq-";

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicScanner scanner;

    ReplayRecords(KafkaAccess kafka) {
        this.consumer = kafka.consumer(null);
        this.scanner = new TopicScanner(kafka, consumer, Topics.LEADS_DLQ_REPLAYS.name());
    }

    /** The transactional id of the one producer that replays the dead letters of {@code leads-dlq} partition N. */
    static String transactionalId(int dlqPartition) {
        return TRANSACTIONAL_ID_PREFIX + dlqPartition;
    }

    /**
     * Fails (exit 1, one line) unless every {@code leads-dlq} partition has its replay-record partition: the topic
     * needs at least as many partitions as {@code leads-dlq}.
     */
    void requirePartitionsFor(List<TopicPartition> dlqPartitions) {
        int have = scanner.partitions().size();
        int need =
                dlqPartitions.stream().mapToInt(TopicPartition::partition).max().orElse(-1) + 1;
        if (have < need) {
            throw new LeadctlException(
                    ExitCodes.FAILURE,
                    Topics.LEADS_DLQ_REPLAYS.name() + " has " + have + " partitions, fewer than "
                            + Topics.LEADS_DLQ.name() + "'s " + need + ": give it as many (each dead-letter partition"
                            + " keeps its replay records in the partition of the same number)");
        }
    }

    /**
     * The committed replays of the dead letters of {@code leads-dlq} partition {@code dlqPartition}, by offset. A record
     * whose value cannot be read still counts (its key says which dead letter), with a null value.
     */
    Map<Long, DlqReplay> replayedIn(int dlqPartition) {
        TopicPartition tp = new TopicPartition(Topics.LEADS_DLQ_REPLAYS.name(), dlqPartition);
        Map<TopicPartition, Long> begin = scanner.beginningOffsets();
        Map<TopicPartition, Long> end = scanner.endOffsets();
        Map<Long, DlqReplay> replayed = new HashMap<>();
        Deserializer<DlqReplay> values = Topics.LEADS_DLQ_REPLAYS.valueSerde().deserializer();
        String prefix = dlqPartition + ":";
        scanner.scanRecords(Map.of(tp, begin.getOrDefault(tp, 0L)), Map.of(tp, end.getOrDefault(tp, 0L)), r -> {
            String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
            if (!key.startsWith(prefix)) {
                return true;
            }
            long offset;
            try {
                offset = Long.parseLong(key.substring(prefix.length()));
            } catch (NumberFormatException e) {
                return true;
            }
            DlqReplay value = null;
            try {
                value = r.value() == null ? null : values.deserialize(tp.topic(), r.value());
            } catch (RuntimeException unreadable) {
                // the key alone says the dead letter was replayed
            }
            replayed.put(offset, value);
            return true;
        });
        return replayed;
    }

    /** The committed replays of every dead letter in the given {@code leads-dlq} partitions, by partition. */
    Map<Integer, Map<Long, DlqReplay>> replayedIn(List<TopicPartition> dlqPartitions) {
        Map<Integer, Map<Long, DlqReplay>> all = new HashMap<>();
        for (TopicPartition tp : dlqPartitions) {
            all.put(tp.partition(), replayedIn(tp.partition()));
        }
        return all;
    }

    /** The replay record of {@code dl}, sent with {@code replayCount}, for the transaction that replays it. */
    static ProducerRecord<byte[], byte[]> of(DeadLetter dl, int replayCount, Instant at, String selection) {
        DlqReplay replay = new DlqReplay(
                dl.leadId(), dl.offerId(), dl.partition().partition(), dl.offset(), replayCount, at, selection);
        Serializer<DlqReplay> values = Topics.LEADS_DLQ_REPLAYS.valueSerde().serializer();
        String topic = Topics.LEADS_DLQ_REPLAYS.name();
        byte[] key = DlqReplay.key(dl.partition().partition(), dl.offset()).getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(topic, dl.partition().partition(), key, values.serialize(topic, replay));
    }

    @Override
    public void close() {
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(java.time.Duration.ofSeconds(5)));
    }
}
