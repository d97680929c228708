package dev.leadpipe.sink.runtime;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.leadpipe.core.retry.FinishedOffsets;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets of each assigned partition are finished, when leads finish out of order, and what to commit so that a
 * sink taking a partition over redoes only unfinished work. Per partition it knows how far it has read ({@code end})
 * and which offsets below that are unfinished: leads under way in this process, and offsets a previous owner's commit
 * said were unfinished that have not been read again yet. A commit is the lowest unfinished offset plus
 * {@link FinishedOffsets} metadata naming the unfinished offsets above it, so after a crash or a rebalance every
 * finished lead above the committed offset is skipped ({@link #take} answers false).
 *
 * <p>Each assignment of a partition gets a new epoch: a completion reported for an epoch that is gone (the partition
 * was revoked, maybe assigned again since) is ignored. A completion may carry an action to run once Kafka has
 * acknowledged a commit that includes it (an endpoint's uncommitted-attempt token is released that way). Thread-safe.
 */
final class OffsetTracker {
    private static final class PartitionState {
        final long epoch;
        /** One past the highest offset read (or known from the previous owner's commit); -1 until known. */
        long end = -1;
        /** Unfinished offsets below {@code end}: under way here, or not read again yet. */
        final TreeSet<Long> unfinished = new TreeSet<>();
        /** The unfinished offsets this process has taken on. */
        final Set<Long> taken = new HashSet<>();
        /** Actions of completions not yet covered by an acknowledged commit. */
        List<Runnable> awaitingCommit = new ArrayList<>();

        FinishedOffsets lastCommitted;

        PartitionState(long epoch) {
            this.epoch = epoch;
        }

        FinishedOffsets state() {
            return FinishedOffsets.of(end, unfinished);
        }
    }

    /** What one commit carries: the offsets and metadata, and the actions to run once Kafka acknowledged it. */
    record Commit(
            Map<TopicPartition, OffsetAndMetadata> offsets,
            Map<TopicPartition, FinishedOffsets> states,
            Map<TopicPartition, Long> epochs,
            Map<TopicPartition, List<Runnable>> onCommitted) {
        boolean isEmpty() {
            return offsets.isEmpty();
        }
    }

    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    private long nextEpoch = 1;

    /**
     * Starts tracking a newly assigned partition from what its last commit said (null: none), with a fresh epoch.
     *
     * @return the partition's new epoch
     */
    synchronized long assigned(TopicPartition tp, OffsetAndMetadata committed) {
        PartitionState state = new PartitionState(nextEpoch++);
        if (committed != null) {
            FinishedOffsets restored = FinishedOffsets.decode(committed.offset(), committed.metadata());
            state.end = restored.end();
            state.unfinished.addAll(restored.unfinished());
            state.lastCommitted = restored;
        }
        partitions.put(tp, state);
        return state.epoch;
    }

    /**
     * Forgets partitions (revoked or lost): their unfinished offsets are someone else's now.
     *
     * @return the actions of their completions that no acknowledged commit covered, to run now
     */
    synchronized List<Runnable> removed(Collection<TopicPartition> removed) {
        List<Runnable> actions = new ArrayList<>();
        for (TopicPartition tp : removed) {
            PartitionState state = partitions.remove(tp);
            if (state != null) {
                actions.addAll(state.awaitingCommit);
            }
        }
        return actions;
    }

    /**
     * A record at {@code offset} was read: whether this process should work on it (false when it is finished
     * already, by the previous owner or here). Call on the consumer thread, in offset order per partition.
     *
     * @return the partition's epoch when the record is to be worked on, or -1 to skip it
     */
    synchronized long take(TopicPartition tp, long offset) {
        PartitionState state = partitions.computeIfAbsent(tp, k -> new PartitionState(nextEpoch++));
        if (offset < state.end) {
            if (!state.unfinished.contains(offset) || !state.taken.add(offset)) {
                return -1;
            }
            return state.epoch;
        }
        state.unfinished.add(offset);
        state.taken.add(offset);
        state.end = offset + 1;
        return state.epoch;
    }

    /**
     * Records the consumer's position in a partition: every record below it has been handed to {@link #take} (call
     * on the consumer thread after handing it a poll's records, and after seeking back to a record not yet due).
     */
    synchronized void fetched(TopicPartition tp, long position) {
        PartitionState state = partitions.get(tp);
        if (state != null && position > state.end) {
            state.end = position;
        }
    }

    /**
     * Marks an offset finished; ignored when the partition's epoch is no longer {@code epoch}.
     *
     * @param onCommitted run once a commit that includes this completion is acknowledged (or at once when the
     *                    partition is gone); null for none
     */
    synchronized void complete(TopicPartition tp, long epoch, long offset, Runnable onCommitted) {
        PartitionState state = partitions.get(tp);
        if (state != null && state.epoch == epoch) {
            state.unfinished.remove(offset);
            state.taken.remove(offset);
            if (onCommitted != null) {
                state.awaitingCommit.add(onCommitted);
            }
        } else if (onCommitted != null) {
            onCommitted.run();
        }
    }

    /** Whether the partition is still tracked under {@code epoch}. */
    synchronized boolean owns(TopicPartition tp, long epoch) {
        PartitionState state = partitions.get(tp);
        return state != null && state.epoch == epoch;
    }

    /** What to commit now: every tracked partition whose state changed since its last acknowledged commit. */
    synchronized Commit committable() {
        return committable(partitions.keySet());
    }

    /** As {@link #committable()}, limited to the given partitions. */
    synchronized Commit committable(Collection<TopicPartition> which) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        Map<TopicPartition, FinishedOffsets> states = new HashMap<>();
        Map<TopicPartition, Long> epochs = new HashMap<>();
        Map<TopicPartition, List<Runnable>> actions = new HashMap<>();
        for (TopicPartition tp : which) {
            PartitionState state = partitions.get(tp);
            if (state == null || state.end < 0) {
                continue;
            }
            FinishedOffsets now = state.state();
            if (!now.equals(state.lastCommitted) || !state.awaitingCommit.isEmpty()) {
                offsets.put(tp, new OffsetAndMetadata(now.position(), now.metadata()));
                states.put(tp, now);
                epochs.put(tp, state.epoch);
                actions.put(tp, state.awaitingCommit);
                state.awaitingCommit = new ArrayList<>();
            }
        }
        return new Commit(offsets, states, epochs, actions);
    }

    /** Kafka acknowledged {@code commit}: remembers what it said and runs its actions. */
    void committed(Commit commit) {
        synchronized (this) {
            commit.states().forEach((tp, s) -> {
                PartitionState state = partitions.get(tp);
                if (state != null && state.epoch == commit.epochs().get(tp)) {
                    state.lastCommitted = s;
                }
            });
        }
        commit.onCommitted().values().forEach(actions -> actions.forEach(Runnable::run));
    }

    /** Kafka refused {@code commit}: its actions wait for the next one (or run now, for partitions that are gone). */
    void commitFailed(Commit commit) {
        List<Runnable> orphaned = new ArrayList<>();
        synchronized (this) {
            commit.onCommitted().forEach((tp, actions) -> {
                PartitionState state = partitions.get(tp);
                if (state != null && state.epoch == commit.epochs().get(tp)) {
                    state.awaitingCommit.addAll(actions);
                } else {
                    orphaned.addAll(actions);
                }
            });
        }
        orphaned.forEach(Runnable::run);
    }

    /** Offsets taken on by this process and not finished, over every tracked partition. */
    synchronized int underWay() {
        int n = 0;
        for (PartitionState state : partitions.values()) {
            n += state.taken.size();
        }
        return n;
    }
}
