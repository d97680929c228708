package dev.leadpipe.sink.runtime;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One endpoint's share of the sink (endpoint identity: {@link DestinationClient#endpoint}): its concurrency cap, its
 * queue, its {@link CircuitBreaker}, and its count of attempts not yet committed. So no endpoint, failing or merely
 * slow, takes more than its share or holds up another's leads:
 * <ul>
 *   <li>at most {@code maxConcurrencyPerEndpoint} calls at a time;</li>
 *   <li>at most twice that many leads attempted here and not yet committed ("tokens": a lead takes one at its first
 *       attempt and gives it back once a commit covering its completion is acknowledged), which bounds what a crash
 *       makes the sink send again to this endpoint; the sink commits as soon as half the concurrency of them have
 *       finished ({@link #wantsCommit()});</li>
 *   <li>a lead that finds no free slot may queue only while its expected wait (its place in the queue over the
 *       concurrency, times the endpoint's recent call duration) stays within the retry horizon, or, before any call
 *       has returned, within {@value #UNKNOWN_SPEED_ROUNDS} rounds, and while the endpoint holds less than its share
 *       of the sink's memory (the sink's {@code maxInFlight} over the endpoints that hold leads); otherwise the
 *       endpoint is {@link Admission#BUSY} and the lead goes to a retry tier. An endpoint alone may fill the sink's
 *       memory, and then the consumer pauses: that holds nobody else up;</li>
 *   <li>while the circuit refuses attempts ({@link CircuitBreaker#isRefusing()}), leads are held back
 *       ({@link Admission#CIRCUIT_OPEN}) and go to a retry tier, never to the queue.</li>
 * </ul>
 * Thread-safe.
 */
final class EndpointLane {
    /** What {@link #admit} decided. */
    enum Admission {
        /** A slot (and the breaker's permission) was taken: attempt now, then {@link #release}. */
        START,
        /** Queued for a slot or a token; {@link #release} or {@link #tokenReturned} hands it back to be dispatched again. */
        QUEUED,
        /** The circuit refuses attempts: hold the lead back until {@link CircuitBreaker#nextAttemptTime()}. */
        CIRCUIT_OPEN,
        /** No slot, and waiting for one would take longer than the horizon: the lead waits in a retry tier. */
        BUSY
    }

    private static final double EWMA_WEIGHT = 0.2;
    /** How many rounds of calls may queue before any call of the endpoint has returned. */
    static final int UNKNOWN_SPEED_ROUNDS = 4;
    /** Before any call returned, how long the first calls may run before the endpoint counts as that slow. */
    static final Duration UNKNOWN_SPEED_GRACE = Duration.ofSeconds(1);

    final String endpoint;
    final CircuitBreaker breaker;
    private final int concurrency;
    private final int maxTokens;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<PendingLead> waiting = new ArrayDeque<>();
    private int inUse;
    private int tokens;
    /** The recent duration of a call, exponentially weighted; -1 until a call returned. */
    private double callNanos = -1;
    /** How many recent BUSY holds {@link #heldBusy} remembers at most. */
    static final int BUSY_HOLDS_REMEMBERED = 10_000;
    /** When this endpoint held leads back BUSY ({@link System#nanoTime()}), the oldest first. */
    private final ArrayDeque<Long> busyHolds = new ArrayDeque<>();
    /** When each call under way started ({@link System#nanoTime()}), with how many started then. */
    private final TreeMap<Long, Integer> startedAt = new TreeMap<>();

    /** The offers whose leads came this way: each gets a circuit report when the circuit changes. */
    final Set<String> offers = ConcurrentHashMap.newKeySet();

    final Object reportLock = new Object();
    volatile long reportedGeneration;

    EndpointLane(String endpoint, CircuitBreaker breaker, int concurrency) {
        this.endpoint = endpoint;
        this.breaker = breaker;
        this.concurrency = concurrency;
        this.maxTokens = 2 * concurrency;
    }

    /**
     * Decides whether {@code p} is attempted now, queued, or held back.
     *
     * @param front   whether a queued lead goes to the front (it was queued before and came back from the queue)
     * @param horizon the longest a lead may wait in memory
     */
    Admission admit(PendingLead p, boolean front, Duration horizon, int share) {
        if (p.offerId() != null) {
            offers.add(p.offerId());
        }
        lock.lock();
        try {
            boolean needsToken = p.tokenLane != this;
            if (inUse < concurrency && (!needsToken || tokens < maxTokens)) {
                if (!breaker.tryAcquire()) {
                    return Admission.CIRCUIT_OPEN;
                }
                inUse++;
                p.admittedAt = System.nanoTime();
                startedAt.merge(p.admittedAt, 1, Integer::sum);
                if (needsToken) {
                    tokens++;
                    p.tokenLane = this;
                }
                return Admission.START;
            }
            if (breaker.isRefusing()) {
                return Admission.CIRCUIT_OPEN;
            }
            if (inUse + waiting.size() >= share || !wouldWaitWithin(waiting.size(), horizon)) {
                return Admission.BUSY;
            }
            if (front) {
                waiting.addFirst(p);
            } else {
                waiting.addLast(p);
            }
            return Admission.QUEUED;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the lead at place {@code ahead} of the queue (0: next) would get a slot within {@code horizon}. */
    private boolean wouldWaitWithin(int ahead, Duration horizon) {
        long call = callNanos(System.nanoTime());
        if (call < 0) {
            return ahead < UNKNOWN_SPEED_ROUNDS * concurrency; // no call has returned yet: a few rounds
        }
        long rounds = (ahead + concurrency) / concurrency;
        return rounds * (double) call <= horizon.toNanos();
    }

    /**
     * How long a call takes now: the recent average, but while every slot is taken at least as long as the youngest
     * call under way has been running (no slot has come free since), so an endpoint that turned slow, or whose first
     * calls have not returned, counts as slow while its calls are still under way, and one stuck call among quick
     * ones does not. -1 while nothing is known (no call returned and the slots were taken less than
     * {@link #UNKNOWN_SPEED_GRACE} ago). Call under the lock.
     */
    private long callNanos(long now) {
        long average = callNanos < 0 ? -1 : (long) callNanos;
        long sinceSlotFreed = inUse >= concurrency && !startedAt.isEmpty() ? now - startedAt.lastKey() : -1;
        if (average < 0 && sinceSlotFreed < UNKNOWN_SPEED_GRACE.toNanos()) {
            return -1;
        }
        return Math.max(average, sinceSlotFreed);
    }

    /**
     * A call that {@link #admit} let through at {@code admittedNanos} ({@link PendingLead#admittedAt}) returned: frees
     * its slot.
     *
     * @return queued leads to dispatch again now that a slot is free (they come back through {@link #admit})
     */
    List<PendingLead> release(long admittedNanos) {
        lock.lock();
        try {
            freeSlot(admittedNanos);
            long nanos = System.nanoTime() - admittedNanos;
            callNanos = callNanos < 0 ? nanos : (1 - EWMA_WEIGHT) * callNanos + EWMA_WEIGHT * nanos;
            return takeRunnable();
        } finally {
            lock.unlock();
        }
    }

    /** Frees the slot of the call admitted at {@code admittedNanos}. Call under the lock. */
    private void freeSlot(long admittedNanos) {
        inUse--;
        startedAt.compute(admittedNanos, (k, n) -> n == null || n <= 1 ? null : n - 1);
    }

    /** An attempt never started (the sink is closing): frees its slot without counting a call. */
    void releaseUnused(long admittedNanos) {
        lock.lock();
        try {
            freeSlot(admittedNanos);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A lead that held this lane's token is committed (or gone): gives the token back.
     *
     * @return queued leads to dispatch again (the token lets one more through)
     */
    List<PendingLead> tokenReturned() {
        lock.lock();
        try {
            tokens--;
            return takeRunnable();
        } finally {
            lock.unlock();
        }
    }

    /** Drops queued leads that were cancelled (their partition was revoked). */
    void purgeCancelled() {
        lock.lock();
        try {
            waiting.removeIf(p -> p.cancelled);
        } finally {
            lock.unlock();
        }
    }

    /** Takes, in queue order, the leads that a free slot (and, for those without one, a free token) lets through. */
    private List<PendingLead> takeRunnable() {
        List<PendingLead> out = new ArrayList<>();
        int free = concurrency - inUse;
        int tokensLeft = maxTokens - tokens;
        Iterator<PendingLead> it = waiting.iterator();
        while (free > 0 && it.hasNext()) {
            PendingLead next = it.next();
            if (next.cancelled) {
                it.remove();
                continue;
            }
            boolean needsToken = next.tokenLane != this;
            if (needsToken && tokensLeft <= 0) {
                continue;
            }
            it.remove();
            out.add(next);
            free--;
            if (needsToken) {
                tokensLeft--;
            }
        }
        return out;
    }

    /**
     * Whether a commit should be made now for this endpoint: half its concurrency of the leads attempted here have
     * finished (or wait for a retry) since their last commit, or a free slot waits for a token.
     */
    boolean wantsCommit() {
        lock.lock();
        try {
            return tokens - inUse >= Math.max(1, concurrency / 2)
                    || (tokens >= maxTokens && inUse < concurrency && !waiting.isEmpty());
        } finally {
            lock.unlock();
        }
    }

    /** How long a call of the endpoint takes now ({@link #callNanos}), or null while nothing is known. */
    Duration callDuration() {
        lock.lock();
        try {
            long call = callNanos(System.nanoTime());
            return call < 0 ? null : Duration.ofNanos(call);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A lead was held back BUSY now.
     *
     * @return how many leads were held back BUSY within the last {@code window}, this one included
     */
    int heldBusy(Duration window) {
        lock.lock();
        try {
            long now = System.nanoTime();
            busyHolds.addLast(now);
            while (!busyHolds.isEmpty()
                    && (now - busyHolds.peekFirst() > window.toNanos() || busyHolds.size() > BUSY_HOLDS_REMEMBERED)) {
                busyHolds.pollFirst();
            }
            return busyHolds.size();
        } finally {
            lock.unlock();
        }
    }

    /** Whether the endpoint holds leads in memory (calls under way or queued). */
    boolean active() {
        lock.lock();
        try {
            return inUse > 0 || !waiting.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Leads queued for a slot. */
    int queued() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /** Attempted leads not yet committed (holding a token). */
    int uncommitted() {
        lock.lock();
        try {
            return tokens;
        } finally {
            lock.unlock();
        }
    }
}
