package dev.leadpipe.leadctl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a fixed range of one topic: from given start offsets up to end offsets captured before reading (the last
 * stable offsets, since the consumer reads committed records only), never waiting for records written later. Records
 * at or beyond the end are ignored. A broker that stops answering for {@value #STALL_SECONDS} s ends the scan with
 * {@link ExitCodes#KAFKA_UNREACHABLE}. {@link DlqScanner} reads {@code leads-dlq} with it; {@code waiting list} reads
 * {@code lead-waiting}.
 */
class TopicScanner {
    static final int STALL_SECONDS = 30;
    private static final Duration META_TIMEOUT = Duration.ofSeconds(15);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaAccess kafka;
    private final List<TopicPartition> partitions;
    private final String topic;

    TopicScanner(KafkaAccess kafka, KafkaConsumer<byte[], byte[]> consumer, String topic) {
        this.kafka = kafka;
        this.consumer = consumer;
        this.topic = topic;
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, META_TIMEOUT);
            List<TopicPartition> tps = new ArrayList<>();
            for (PartitionInfo p : infos) {
                tps.add(new TopicPartition(p.topic(), p.partition()));
            }
            tps.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
            this.partitions = List.copyOf(tps);
        } catch (KafkaException e) {
            throw kafka.unreachable(e);
        }
    }

    List<TopicPartition> partitions() {
        return partitions;
    }

    Map<TopicPartition, Long> beginningOffsets() {
        try {
            return new HashMap<>(consumer.beginningOffsets(partitions, META_TIMEOUT));
        } catch (KafkaException e) {
            throw kafka.unreachable(e);
        }
    }

    /** The end of the range to read: the last stable offset of every partition now. */
    Map<TopicPartition, Long> endOffsets() {
        try {
            return new HashMap<>(consumer.endOffsets(partitions, META_TIMEOUT));
        } catch (KafkaException e) {
            throw kafka.unreachable(e);
        }
    }

    /**
     * Reads every record from {@code start} (inclusive) to {@code end} (exclusive) per partition, handing each to
     * {@code visitor} in the order the consumer returns them (offset order within a partition). The visitor returns
     * false to stop at once; the scan then returns false. Returns true when the whole range was read.
     */
    boolean scanRecords(
            Map<TopicPartition, Long> start,
            Map<TopicPartition, Long> end,
            Predicate<ConsumerRecord<byte[], byte[]>> visitor) {
        Set<TopicPartition> remaining = new HashSet<>();
        for (TopicPartition tp : partitions) {
            long from = start.getOrDefault(tp, 0L);
            long to = end.getOrDefault(tp, 0L);
            if (from < to) {
                remaining.add(tp);
            }
        }
        if (remaining.isEmpty()) {
            return true;
        }
        try {
            consumer.assign(remaining);
            for (TopicPartition tp : remaining) {
                consumer.seek(tp, start.getOrDefault(tp, 0L));
            }
            long lastProgress = System.nanoTime();
            Map<TopicPartition, Long> lastPositions = new HashMap<>();
            while (!remaining.isEmpty()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (!remaining.contains(tp) || r.offset() >= end.get(tp)) {
                        continue;
                    }
                    if (!visitor.test(r)) {
                        return false;
                    }
                }
                boolean progressed = !records.isEmpty();
                for (TopicPartition tp : new ArrayList<>(remaining)) {
                    long pos = consumer.position(tp, META_TIMEOUT);
                    Long before = lastPositions.put(tp, pos);
                    if (before == null || before != pos) {
                        progressed = true;
                    }
                    if (pos >= end.get(tp)) {
                        remaining.remove(tp);
                        consumer.pause(List.of(tp));
                    }
                }
                if (progressed) {
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress
                        > Duration.ofSeconds(STALL_SECONDS).toNanos()) {
                    throw new LeadctlException(
                            ExitCodes.KAFKA_UNREACHABLE,
                            "cannot reach Kafka at "
                                    + kafka.bootstrapServers() + ": no progress reading " + topic
                                    + " for " + STALL_SECONDS + " s");
                }
            }
            return true;
        } catch (KafkaException e) {
            throw kafka.unreachable(e);
        } finally {
            consumer.unsubscribe();
        }
    }

    /** Reads the whole topic as it is now. */
    void scanAllRecords(Predicate<ConsumerRecord<byte[], byte[]>> visitor) {
        scanRecords(beginningOffsets(), endOffsets(), visitor);
    }

    static long total(Map<TopicPartition, Long> start, Map<TopicPartition, Long> end, Collection<TopicPartition> tps) {
        long n = 0;
        for (TopicPartition tp : tps) {
            n += Math.max(0, end.getOrDefault(tp, 0L) - start.getOrDefault(tp, 0L));
        }
        return n;
    }
}
