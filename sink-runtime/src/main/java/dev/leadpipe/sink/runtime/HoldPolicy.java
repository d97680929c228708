package dev.leadpipe.sink.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import dev.leadpipe.core.retry.WaitingLead;

/**
 * When a lead its {@link EndpointLane} held back without an attempt (its circuit open, or the endpoint busy) looks
 * again, or that its retry budget is spent: counts the hold on the lead and asks {@link RetryPolicy#hold}. A lead held
 * back by an open circuit starts its budget then (if no failure started it before) and keeps the breaker's last failure
 * as what holds it back. Decides only: the {@link Dispatcher} writes the lead to a retry tier or dead-letters it.
 * Called for one lead by one thread at a time, as {@link PendingLead} requires.
 */
record HoldPolicy(SinkConfig config, RetryPolicy policy, Clock clock) {
    /** Holds of a lead at a fast but saturated endpoint before its look-again time starts to grow. */
    static final int BUSY_HOLDS_BEFORE_BACKOFF = 3;

    /** Counts a hold of {@code p} at {@code lane} for {@code reason} and decides when it looks again. */
    RetryPolicy.Decision hold(PendingLead p, EndpointLane lane, WaitingLead.Reason reason) {
        Instant now = clock.instant();
        p.holds++;
        if (reason != WaitingLead.Reason.CIRCUIT_OPEN) {
            return busy(p, lane);
        }
        if (p.budgetStart == null) {
            p.budgetStart = now;
        }
        if (p.lastFailure == null) {
            p.lastFailure = lane.breaker.lastFailure(); // what holds it back, for its waiting record
        }
        return policy.hold(config.breakerOpenDuration(), p.holds, lane.breaker.nextAttemptTime(), p.budgetStart);
    }

    /**
     * When a lead its busy endpoint had no room for looks again. A fast endpoint that is merely saturated drains its
     * queue within the horizon: the lead looks again after the horizon, backing off only after
     * {@value #BUSY_HOLDS_BEFORE_BACKOFF} such holds (a sustained overload). A slow endpoint (one call longer than the
     * horizon) is looked at again after one call's duration, doubling with every hold; once it has held back more
     * leads within one call's duration than it has slots (its backlog would take longer than any backoff to clear),
     * after the longest backoff (between 80 and 100 % of {@link SinkConfig#maxBackoff()}), so its backlog waits in
     * Kafka without being read over and over.
     */
    private RetryPolicy.Decision busy(PendingLead p, EndpointLane lane) {
        Duration horizon = config.retryHorizon();
        Duration call = lane.callDuration();
        if (call == null || call.compareTo(horizon) <= 0) {
            return policy.hold(horizon, Math.max(1, p.holds - BUSY_HOLDS_BEFORE_BACKOFF), null, p.budgetStart);
        }
        if (lane.heldBusy(call) > config.maxConcurrencyPerEndpoint()) {
            return policy.hold(config.maxBackoff().dividedBy(2), 2, null, p.budgetStart);
        }
        return policy.hold(call, p.holds, null, p.budgetStart);
    }
}
