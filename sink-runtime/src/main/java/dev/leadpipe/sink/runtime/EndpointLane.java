package dev.leadpipe.sink.runtime;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One endpoint's share of the sink (endpoint identity: {@link DestinationClient#endpoint}): its concurrency cap, its
 * queue, its {@link CircuitBreaker}, and its bound on attempts not yet committed. So no endpoint, failing or merely
 * slow, takes more than its share or holds up another's leads:
 * <ul>
 *   <li>at most {@code maxConcurrencyPerEndpoint} calls at a time;</li>
 *   <li>at most twice that many leads attempted here and not yet committed ("tokens": a lead takes one at its first
 *       attempt and gives it back once a commit covering its completion is acknowledged), which bounds what a crash
 *       makes the sink send again to this endpoint;</li>
 *   <li>a lead that finds no free slot may queue only while its expected wait (its place in the queue over the
 *       concurrency, times the endpoint's recent call duration) stays within the retry horizon, or, before any call
 *       has returned, within {@value #UNKNOWN_SPEED_ROUNDS} rounds; otherwise the endpoint is {@link Admission#BUSY}
 *       and the lead goes to a retry tier;</li>
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
        /** Queued for a slot; {@link #release} or {@link #tokenReturned} hands it back to be dispatched again. */
        QUEUED,
        /** The circuit refuses attempts: hold the lead back until {@link CircuitBreaker#nextAttemptTime()}. */
        CIRCUIT_OPEN,
        /** No slot, and waiting for one would take longer than the horizon: the lead waits in a retry tier. */
        BUSY
    }

    private static final double EWMA_WEIGHT = 0.2;
    /** How many rounds of calls may queue before any call of the endpoint has returned. */
    static final int UNKNOWN_SPEED_ROUNDS = 4;

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
    Admission admit(PendingLead p, boolean front, Duration horizon) {
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
                if (needsToken) {
                    tokens++;
                    p.tokenLane = this;
                }
                return Admission.START;
            }
            if (breaker.isRefusing()) {
                return Admission.CIRCUIT_OPEN;
            }
            if (!wouldWaitWithin(waiting.size(), horizon)) {
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
        if (callNanos < 0) {
            return ahead < UNKNOWN_SPEED_ROUNDS * concurrency; // no call has returned yet: a few rounds
        }
        long rounds = (ahead + concurrency) / concurrency;
        return rounds * callNanos <= horizon.toNanos();
    }

    /**
     * A call returned after {@code nanos}: frees its slot.
     *
     * @return queued leads to dispatch again now that a slot is free (they come back through {@link #admit})
     */
    List<PendingLead> release(long nanos) {
        lock.lock();
        try {
            inUse--;
            callNanos = callNanos < 0 ? nanos : (1 - EWMA_WEIGHT) * callNanos + EWMA_WEIGHT * nanos;
            return takeRunnable();
        } finally {
            lock.unlock();
        }
    }

    /** An attempt never started (the sink is closing): frees its slot without counting a call. */
    void releaseUnused() {
        lock.lock();
        try {
            inUse--;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A lead that held this lane's token is committed (or gone): gives the token back.
     *
     * @return queued leads to dispatch again
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

    /** Whether a free slot waits only for a token, i.e. for a commit that gives tokens back. */
    boolean waitsForCommit() {
        lock.lock();
        try {
            return tokens >= maxTokens && inUse < concurrency && !waiting.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** The endpoint's recent call duration, or null before any call returned. */
    Duration callDuration() {
        lock.lock();
        try {
            return callNanos < 0 ? null : Duration.ofNanos((long) callNanos);
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
