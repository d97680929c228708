package dev.leadpipe.sink.runtime;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.leadpipe.core.error.SafeErrors;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what finishes a lead, as one chain of records sent one after the other, each once Kafka acknowledged the
 * previous ({@code acks=all}, idempotent producers): an outcome; a dead-letter record then its outcome; a retry tier
 * record then its {@code lead-waiting} record; each followed, for a lead that had waited, by a {@code lead-waiting}
 * tombstone. The lead is finished (its offset may be committed) only once the whole chain is acknowledged.
 *
 * <p>A chain starts only while the lead's partition is still this sink's (same assignment epoch) and not being
 * revoked; a chain that started is written to its end, retried every second if Kafka refuses a write, so the
 * partition's next owner never sees half of it. {@link #closePartitions} stops new chains of revoked partitions and
 * waits for those under way, so they are written before the new owner starts. After {@link #closeAll} nothing more
 * is written. Thread-safe.
 */
final class LeadWriter {
    private static final Logger LOG = LoggerFactory.getLogger(LeadWriter.class);
    static final Duration WRITE_RETRY = Duration.ofSeconds(1);

    /** One record of a chain and the producer that writes it. */
    record Step(Producer<String, byte[]> producer, ProducerRecord<String, byte[]> record) {}

    /** Chains under way for one assignment of a partition. */
    private static final class PartitionWrites {
        final long epoch;
        boolean closed;
        int chains;

        PartitionWrites(long epoch) {
            this.epoch = epoch;
        }
    }

    private final Map<TopicPartition, PartitionWrites> partitions = new ConcurrentHashMap<>();
    private final ExecutorService workers;
    private final ScheduledExecutorService scheduler;
    private final AtomicInteger chainsUnderWay = new AtomicInteger();
    private volatile boolean closed;

    LeadWriter(ExecutorService workers, ScheduledExecutorService scheduler) {
        this.workers = workers;
        this.scheduler = scheduler;
    }

    /** A partition was assigned under {@code epoch}: chains of its leads may start. */
    void openPartition(TopicPartition tp, long epoch) {
        partitions.put(tp, new PartitionWrites(epoch));
    }

    /**
     * Starts writing {@code steps} for {@code p}, then runs {@code finished} (on a worker thread). Does nothing, and
     * returns false, when the lead's partition is no longer this sink's or is being revoked, or the writer is closed:
     * the lead then stays unfinished and its partition's next owner handles it.
     */
    boolean write(PendingLead p, List<Step> steps, Runnable finished) {
        PartitionWrites pw = partitions.get(p.partition);
        if (pw == null || closed) {
            return false;
        }
        synchronized (pw) {
            if (pw.closed || pw.epoch != p.epoch || p.cancelled) {
                return false;
            }
            pw.chains++;
        }
        chainsUnderWay.incrementAndGet();
        send(p, pw, steps, 0, finished);
        return true;
    }

    private void send(PendingLead p, PartitionWrites pw, List<Step> steps, int i, Runnable finished) {
        if (i == steps.size()) {
            end(pw);
            run(finished);
            return;
        }
        if (closed) {
            end(pw);
            return;
        }
        Step step = steps.get(i);
        try {
            step.producer().send(step.record(), (metadata, e) -> {
                if (e == null) {
                    run(() -> send(p, pw, steps, i + 1, finished));
                } else {
                    retry(p, pw, steps, i, finished, e);
                }
            });
        } catch (RuntimeException e) {
            retry(p, pw, steps, i, finished, e);
        }
    }

    private void retry(PendingLead p, PartitionWrites pw, List<Step> steps, int i, Runnable finished, Exception e) {
        if (closed) {
            end(pw);
            return;
        }
        LOG.error(
                "lead {}: writing to {} failed, retrying in {}: {}",
                p.leadId(),
                steps.get(i).record().topic(),
                WRITE_RETRY,
                SafeErrors.describe(e));
        try {
            scheduler.schedule(() -> send(p, pw, steps, i, finished), WRITE_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException rejected) {
            end(pw); // closing: the lead stays unfinished and is read again
        }
    }

    /** Runs a continuation on a worker thread, never on a producer's I/O thread. */
    private void run(Runnable task) {
        try {
            workers.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("finishing a lead failed: {}", SafeErrors.describe(e));
                }
            });
        } catch (RejectedExecutionException e) {
            // closing: the lead stays unfinished and is read again
        }
    }

    private void end(PartitionWrites pw) {
        synchronized (pw) {
            pw.chains--;
            pw.notifyAll();
        }
        chainsUnderWay.decrementAndGet();
    }

    /**
     * Partitions are being revoked: no new chain of theirs starts, and this waits up to {@code timeout} for those
     * under way, so that they are written before the partitions' next owner starts.
     *
     * @return whether every chain of these partitions ended in time
     */
    boolean closePartitions(Collection<TopicPartition> revoked, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean allEnded = true;
        for (TopicPartition tp : revoked) {
            PartitionWrites pw = partitions.remove(tp);
            if (pw == null) {
                continue;
            }
            synchronized (pw) {
                pw.closed = true;
                while (pw.chains > 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        allEnded = false;
                        break;
                    }
                    try {
                        pw.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
            }
        }
        return allEnded;
    }

    /** Nothing more is written from now on. */
    void closeAll() {
        closed = true;
    }

    /** Chains started and not ended. */
    int underWay() {
        return chainsUnderWay.get();
    }
}
