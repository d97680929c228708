package dev.leadpipe.sink.runtime;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets of each assigned partition may be committed, when leads finish out of order. Per partition it keeps
 * the offsets received and not yet finished; the committable position is the lowest unfinished offset, or, when
 * everything is finished, the consumer's fetch position (which also skips the transaction markers after the last
 * record, so a caught-up group shows no lag) or one past the highest offset seen, whichever is further. So a commit never passes a lead that has no outcome yet, and
 * after a crash every unfinished lead (and any finished one after it) is read again.
 *
 * <p>Each assignment of a partition gets a new epoch: a completion reported for an epoch that is gone (the partition
 * was revoked, maybe assigned again since) is ignored. Thread-safe.
 */
final class OffsetTracker {
    private static final class PartitionState {
        final long epoch;
        final TreeSet<Long> pending = new TreeSet<>();
        long highestSeen = -1;
        long committed = -1;
        long fetchPosition = -1;

        PartitionState(long epoch) {
            this.epoch = epoch;
        }

        long position() {
            return pending.isEmpty() ? Math.max(highestSeen + 1, fetchPosition) : pending.first();
        }
    }

    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    private long nextEpoch = 1;

    /** Starts tracking newly assigned partitions, each with a fresh epoch. */
    synchronized void assigned(Collection<TopicPartition> assigned) {
        for (TopicPartition tp : assigned) {
            partitions.put(tp, new PartitionState(nextEpoch++));
        }
    }

    /** Forgets partitions (revoked or lost): their pending offsets are someone else's now. */
    synchronized void removed(Collection<TopicPartition> removed) {
        removed.forEach(partitions::remove);
    }

    /** Records a received offset as pending and returns the partition's current epoch. */
    synchronized long track(TopicPartition tp, long offset) {
        PartitionState state = partitions.computeIfAbsent(tp, k -> new PartitionState(nextEpoch++));
        if (state.highestSeen < 0) {
            // the first record after an assignment sits at the group's committed position: nothing to commit yet
            state.committed = offset;
        }
        state.pending.add(offset);
        state.highestSeen = Math.max(state.highestSeen, offset);
        return state.epoch;
    }

    /**
     * Records the consumer's fetch position of a partition: every record below it was already {@link #track tracked}
     * (call it on the consumer thread after handing it the records of a poll).
     */
    synchronized void fetched(TopicPartition tp, long position) {
        PartitionState state = partitions.get(tp);
        if (state != null && state.highestSeen >= 0) {
            state.fetchPosition = Math.max(state.fetchPosition, position);
        }
    }

    /** Marks an offset finished; ignored when the partition's epoch is no longer {@code epoch}. */
    synchronized void complete(TopicPartition tp, long epoch, long offset) {
        PartitionState state = partitions.get(tp);
        if (state != null && state.epoch == epoch) {
            state.pending.remove(offset);
        }
    }

    /** Whether the partition is still tracked under {@code epoch}. */
    synchronized boolean owns(TopicPartition tp, long epoch) {
        PartitionState state = partitions.get(tp);
        return state != null && state.epoch == epoch;
    }

    /** The positions to commit: of every tracked partition whose committable position moved past the last commit. */
    synchronized Map<TopicPartition, OffsetAndMetadata> committable() {
        return committable(partitions.keySet());
    }

    /** As {@link #committable()}, limited to the given partitions. */
    synchronized Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> which) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (TopicPartition tp : which) {
            PartitionState state = partitions.get(tp);
            if (state != null && state.highestSeen >= 0 && state.position() > state.committed) {
                out.put(tp, new OffsetAndMetadata(state.position()));
            }
        }
        return out;
    }

    /** Records positions Kafka acknowledged as committed. */
    synchronized void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, om) -> {
            PartitionState state = partitions.get(tp);
            if (state != null) {
                state.committed = Math.max(state.committed, om.offset());
            }
        });
    }

    /** Offsets received and not finished, over every tracked partition. */
    synchronized int pending() {
        int n = 0;
        for (PartitionState state : partitions.values()) {
            n += state.pending.size();
        }
        return n;
    }
}
