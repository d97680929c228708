package dev.leadpipe.sink.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.outcome.OutcomeType;
import org.apache.kafka.common.TopicPartition;

/**
 * The leads the {@link Dispatcher} holds in memory from their arrival until they are finished, and their bookkeeping:
 * <ul>
 *   <li>in-memory waits: a parked lead has a scheduler timer, and is handed back when it fires;</li>
 *   <li>the finish of a lead whose end is durable: its outcome meter, its offset completed in the
 *       {@link OffsetTracker}, and its endpoint's uncommitted-attempt token given back once that offset is committed
 *       (asking for a commit soon when the endpoint waits for tokens);</li>
 *   <li>a token given back lets queued leads of its {@link EndpointLane} through: they are handed back, to the front;</li>
 *   <li>leads of revoked partitions: marked cancelled, then forgotten (their next owner reads them again).</li>
 * </ul>
 * What a lead does next is not decided here: leads that may go on are handed back to the {@link Redispatch}.
 * Thread-safe.
 */
final class UnfinishedLeads {
    /** Where leads that may go on are handed back. */
    interface Redispatch {
        /** @param front whether a lead that must queue for a slot goes to the front (it came back from the queue) */
        void dispatch(PendingLead p, boolean front);
    }

    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final SinkMetrics metrics;
    private final SecondCopies secondCopies;
    private final OffsetTracker offsets;
    private final Runnable commitSoon;
    private final Redispatch redispatch;

    private final Set<PendingLead> live = ConcurrentHashMap.newKeySet();
    private final Set<PendingLead> parked = ConcurrentHashMap.newKeySet();

    UnfinishedLeads(
            Clock clock,
            ScheduledExecutorService scheduler,
            SinkMetrics metrics,
            SecondCopies secondCopies,
            OffsetTracker offsets,
            Runnable commitSoon,
            Redispatch redispatch) {
        this.clock = clock;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.secondCopies = secondCopies;
        this.offsets = offsets;
        this.commitSoon = commitSoon;
        this.redispatch = redispatch;
    }

    /** A lead arrived: it is held until {@link #finish} or {@link #drop}. */
    void add(PendingLead p) {
        live.add(p);
    }

    /** Waits in memory until {@code at} (at most the retry horizon away), then is dispatched again. */
    void park(PendingLead p, Instant at) {
        long delayMs = Math.max(0, Duration.between(clock.instant(), at).toMillis());
        parked.add(p);
        try {
            p.parkedTask = scheduler.schedule(
                    () -> {
                        if (parked.remove(p)) {
                            redispatch.dispatch(p, false);
                        }
                    },
                    delayMs,
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            parked.remove(p); // shutting down: the lead stays unfinished and is read again
        }
    }

    /**
     * What the lead ended with is durable: its offset may be committed, and its token is given back once it is.
     *
     * @param outcome the outcome written, or null when the lead ended without one (skipped, or waiting in a tier)
     */
    void finish(PendingLead p, OutcomeType outcome, ErrorClass errorClass) {
        if (outcome != null) {
            metrics.outcome(outcome, errorClass);
        }
        live.remove(p);
        secondCopies.ended(p, outcome != null);
        EndpointLane tokenLane = p.tokenLane;
        offsets.complete(
                p.partition, p.epoch, p.offset, tokenLane == null ? null : () -> redispatch(tokenLane.tokenReturned()));
        if (tokenLane != null && tokenLane.wantsCommit()) {
            commitSoon.run(); // keeps what a crash would make the sink send again small
        }
    }

    /** Gives the token {@code p} holds back to its lane (its destination moved, or it is dropped). */
    void returnToken(PendingLead p) {
        EndpointLane lane = p.tokenLane;
        p.tokenLane = null;
        if (lane != null) {
            redispatch(lane.tokenReturned());
        }
    }

    /** Hands leads a lane let through back to the front, except those whose partition was revoked. */
    void redispatch(List<PendingLead> leads) {
        for (PendingLead next : leads) {
            if (!next.cancelled) {
                redispatch.dispatch(next, true);
            }
        }
    }

    /** Partitions are being revoked or were lost: their leads are marked cancelled. */
    void cancel(Collection<TopicPartition> partitions) {
        Set<TopicPartition> gone = new HashSet<>(partitions);
        for (PendingLead p : live) {
            if (gone.contains(p.partition)) {
                p.cancelled = true;
            }
        }
    }

    /** Forgets the leads of partitions that are gone: their waits are cancelled and their tokens given back. */
    void drop(Collection<TopicPartition> partitions) {
        Set<TopicPartition> gone = new HashSet<>(partitions);
        for (PendingLead p : live) {
            if (gone.contains(p.partition)) {
                p.cancelled = true;
                live.remove(p);
                secondCopies.dropped(p);
                if (parked.remove(p)) {
                    ScheduledFuture<?> task = p.parkedTask;
                    if (task != null) {
                        task.cancel(false);
                    }
                }
                returnToken(p);
            }
        }
    }

    /** Leads held and not finished. */
    int size() {
        return live.size();
    }

    /** Leads waiting in memory ({@link #park}). */
    int parked() {
        return parked.size();
    }
}
