package dev.leadpipe.sink.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.leadpipe.core.dlq.PipelineHeaders;
import dev.leadpipe.core.error.SafeErrors;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.retry.RetryHeaders;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's one consumer thread: it reads the delivery topic and its retry tiers in one consumer group, hands each
 * record the {@link OffsetTracker} does not know as finished to the {@link Dispatcher}, and commits.
 * <ul>
 *   <li><b>Retry tiers.</b> A tier record not yet due pauses its partition, and the consumer seeks back to it; the
 *       partition resumes at the record's due time. Only that partition waits: the delivery topic and the other tiers
 *       are read on.</li>
 *   <li><b>Memory.</b> While more than {@link SinkConfig#maxInFlight()} leads are held in memory (not counting those
 *       whose end is being written, which the producers' buffers bound) every partition is paused; it resumes
 *       below.</li>
 *   <li><b>Commits.</b> Every {@link SinkConfig#commitInterval()}, and at once (between the records of a poll too)
 *       when an endpoint has enough attempted leads awaiting a commit ({@link #commitSoon()}), synchronously: the
 *       lowest unfinished offset of each partition with the finished ones
 *       above it in the metadata ({@link OffsetTracker}).</li>
 *   <li><b>Rebalances</b> (cooperative: only moving partitions are revoked). On revocation nothing new starts or is
 *       written for the partitions' leads, the outcome writes already under way are awaited
 *       ({@link LeadWriter#closePartitions}), and what is finished is committed before the partitions move. A lost
 *       partition is dropped at once.</li>
 * </ul>
 */
final class DeliveryConsumer implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryConsumer.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(10);
    /** How long a revocation waits for the outcome writes under way of the revoked partitions. */
    static final Duration REVOKE_WRITE_WAIT = Duration.ofSeconds(10);

    /** What the consumer thread reports to the runtime. */
    interface Lifecycle {
        boolean stopping();

        boolean aborting();

        /** Waits (bounded) for attempts and writes under way before the final commit. */
        void awaitWorkUnderWay();

        void assigned();

        void polled();

        void failed(Throwable e);
    }

    private final SinkConfig config;
    private final Consumer<String, byte[]> consumer;
    private final List<String> topics;
    private final RetryRecords retries;
    private final Deserializer<Lead> leads;
    private final OffsetTracker offsets;
    private final LeadWriter writer;
    private final Dispatcher dispatcher;
    private final Clock clock;
    private final Lifecycle lifecycle;
    private final String name;

    private final Map<TopicPartition, Instant> duePaused = new HashMap<>();
    private final AtomicBoolean commitRequested = new AtomicBoolean();
    /** Whether the consumer thread is in (or about to enter) poll: only a poll is woken for a commit. */
    private volatile boolean polling;

    private final CountDownLatch stopped = new CountDownLatch(1);
    private boolean backpressured;

    DeliveryConsumer(
            SinkConfig config,
            Consumer<String, byte[]> consumer,
            List<String> topics,
            RetryRecords retries,
            Deserializer<Lead> leads,
            OffsetTracker offsets,
            LeadWriter writer,
            Dispatcher dispatcher,
            Clock clock,
            Lifecycle lifecycle,
            String name) {
        this.config = config;
        this.consumer = consumer;
        this.topics = List.copyOf(topics);
        this.retries = retries;
        this.leads = leads;
        this.offsets = offsets;
        this.writer = writer;
        this.dispatcher = dispatcher;
        this.clock = clock;
        this.lifecycle = lifecycle;
        this.name = name;
    }

    /**
     * Asks the consumer thread to commit now (any thread): an endpoint waits for tokens only a commit gives back. A
     * poll under way is woken; anywhere else the thread sees the request before its next poll, which then does not
     * wait (a commit under way is not interrupted by the request).
     */
    void commitSoon() {
        if (commitRequested.compareAndSet(false, true) && polling) {
            consumer.wakeup();
        }
    }

    /** Interrupts a blocked poll so the loop sees that it is stopping. */
    void wakeup() {
        consumer.wakeup();
    }

    /** Waits until the consumer thread has ended. */
    boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean hasStopped() {
        return stopped.getCount() == 0;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(topics, new Rebalance());
            long nextCommit = System.nanoTime() + config.commitInterval().toNanos();
            while (!lifecycle.stopping()) {
                applyPauses();
                ConsumerRecords<String, byte[]> records;
                polling = true; // before reading the request: commitSoon either wakes this poll or is seen here
                try {
                    records = consumer.poll(commitRequested.get() ? Duration.ZERO : pollTimeout());
                } catch (WakeupException e) {
                    records = ConsumerRecords.empty(); // a commit was asked for, or close() woke us
                } finally {
                    polling = false;
                    lifecycle.polled();
                }
                handle(records);
                if (commitRequested.getAndSet(false) || System.nanoTime() >= nextCommit) {
                    recordFetchPositions();
                    commit(offsets.committable());
                    nextCommit = System.nanoTime() + config.commitInterval().toNanos();
                }
            }
            if (!lifecycle.aborting()) {
                lifecycle.awaitWorkUnderWay();
                recordFetchPositions();
                commit(offsets.committable());
            }
        } catch (Throwable e) {
            if (!lifecycle.stopping()) {
                lifecycle.failed(e);
            }
        } finally {
            try {
                // an abort still leaves the group, so that tests need not wait for the session timeout
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(lifecycle.aborting() ? 2 : 5))
                        .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            } catch (RuntimeException e) {
                LOG.warn("closing the {} consumer failed: {}", name, SafeErrors.describe(e));
            }
            stopped.countDown();
        }
    }

    private Duration pollTimeout() {
        Instant now = clock.instant();
        Duration timeout = POLL;
        for (Instant due : duePaused.values()) {
            Duration untilDue = Duration.between(now, due);
            if (untilDue.compareTo(timeout) < 0) {
                timeout = untilDue.isNegative() ? Duration.ZERO : untilDue;
            }
        }
        return timeout;
    }

    /** Resumes tier partitions whose head is due; pauses everything while too much is held in memory. */
    private void applyPauses() {
        Instant now = clock.instant();
        List<TopicPartition> due = new ArrayList<>();
        duePaused.forEach((tp, at) -> {
            if (!at.isAfter(now)) {
                due.add(tp);
            }
        });
        due.forEach(duePaused::remove);
        int inFlight = dispatcher.resident();
        if (inFlight > config.maxInFlight()) {
            if (!backpressured) {
                LOG.info("{} pausing consumption: {} leads in memory (max {})", name, inFlight, config.maxInFlight());
                backpressured = true;
            }
            consumer.pause(consumer.assignment()); // again each time: covers partitions assigned since
            return;
        }
        if (backpressured && inFlight < config.maxInFlight()) {
            backpressured = false;
            LOG.info("{} resuming consumption: {} leads in memory", name, inFlight);
            Set<TopicPartition> resume = new HashSet<>(consumer.paused());
            resume.removeAll(duePaused.keySet());
            consumer.resume(resume);
        } else if (!backpressured && !due.isEmpty()) {
            Set<TopicPartition> resume = new HashSet<>(due);
            resume.retainAll(consumer.assignment());
            consumer.resume(resume);
        }
    }

    private void handle(ConsumerRecords<String, byte[]> records) {
        if (records.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        Set<TopicPartition> notDue = new HashSet<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            TopicPartition tp = new TopicPartition(record.topic(), record.partition());
            if (notDue.contains(tp)) {
                continue;
            }
            if (retries.isTier(record.topic())) {
                Instant due = RetryHeaders.dueTime(record.headers());
                if (due.isAfter(now)) {
                    // the head of this tier partition is not due: wait for it there, read on elsewhere
                    notDue.add(tp);
                    consumer.pause(Set.of(tp));
                    consumer.seek(tp, record.offset());
                    duePaused.put(tp, due);
                    continue;
                }
            }
            long epoch = offsets.take(tp, record.offset());
            if (epoch < 0) {
                continue; // finished before: by this sink, or by the partition's previous owner
            }
            Lead lead = null;
            if (record.value() != null) {
                try {
                    lead = leads.deserialize(record.topic(), record.value());
                } catch (RuntimeException e) {
                    lead = null;
                }
            }
            dispatcher.accept(new PendingLead(
                    tp,
                    record.offset(),
                    epoch,
                    record.key(),
                    record.value(),
                    record.headers(),
                    record.timestamp(),
                    lead,
                    PipelineHeaders.replayCount(record.headers())));
            if (commitRequested.getAndSet(false)) {
                // an endpoint's finished leads wait for their commit: do not make them wait for the rest of the batch.
                // No fetch positions here: the consumer's position is already past records this batch has not
                // handed over yet, and the tracker would take them for finished
                commit(offsets.committable());
            }
        }
    }

    /** Tells the tracker where the consumer stands, so a finished partition commits past trailing markers too. */
    private void recordFetchPositions() {
        for (TopicPartition tp : consumer.assignment()) {
            try {
                offsets.fetched(tp, consumer.position(tp, Duration.ZERO));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                // no position known yet: the next commit tries again
            } catch (WakeupException e) {
                commitRequested.set(true);
                return;
            }
        }
    }

    private void commit(OffsetTracker.Commit commit) {
        if (commit.isEmpty()) {
            return;
        }
        for (int tries = 0; tries < 3; tries++) {
            try {
                consumer.commitSync(commit.offsets(), COMMIT_TIMEOUT);
                offsets.committed(commit);
                return;
            } catch (WakeupException e) {
                // a wakeup asking for a commit, or from close(): this is that commit, try again
            } catch (RuntimeException e) {
                LOG.warn(
                        "{} could not commit {} partition(s); tried again at the next commit: {}",
                        name,
                        commit.offsets().size(),
                        SafeErrors.describe(e));
                break;
            }
        }
        offsets.commitFailed(commit);
    }

    /** Runs in the consumer thread, inside poll (and close). */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                Map<TopicPartition, OffsetAndMetadata> committed = committed(partitions);
                for (TopicPartition tp : partitions) {
                    writer.openPartition(tp, offsets.assigned(tp, committed.get(tp)));
                }
                LOG.info("{} assigned {}", name, partitions);
            }
            lifecycle.assigned();
        }

        private Map<TopicPartition, OffsetAndMetadata> committed(Collection<TopicPartition> partitions) {
            for (int tries = 0; ; tries++) {
                try {
                    return consumer.committed(new HashSet<>(partitions), Duration.ofSeconds(30));
                } catch (WakeupException e) {
                    if (tries >= 2) {
                        throw e;
                    }
                }
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            dispatcher.cancel(partitions);
            if (!lifecycle.aborting()) {
                if (!writer.closePartitions(partitions, REVOKE_WRITE_WAIT)) {
                    LOG.warn(
                            "{}: outcome writes of revoked {} still under way after {}",
                            name,
                            partitions,
                            REVOKE_WRITE_WAIT);
                }
                commit(offsets.committable(partitions));
            } else {
                writer.closePartitions(partitions, Duration.ZERO);
            }
            forget(partitions);
            LOG.info("{} revoked {}", name, partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            dispatcher.cancel(partitions);
            writer.closePartitions(partitions, Duration.ZERO);
            forget(partitions);
            LOG.warn("{} lost {}; their unfinished leads will be read again by the new owner", name, partitions);
        }

        private void forget(Collection<TopicPartition> partitions) {
            offsets.removed(partitions).forEach(Runnable::run);
            dispatcher.drop(partitions);
            partitions.forEach(duePaused::remove);
        }
    }
}
