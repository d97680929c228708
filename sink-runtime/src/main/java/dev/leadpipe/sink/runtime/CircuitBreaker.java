package dev.leadpipe.sink.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The circuit breaker of one endpoint. {@code CLOSED}: every attempt goes through; {@code failureThreshold}
 * consecutive transient failures open it. {@code OPEN}: no attempt goes through until {@code openDuration} has
 * passed; then the next {@link #tryAcquire()} moves it to {@code HALF_OPEN} and lets that one attempt (the trial)
 * through. {@code HALF_OPEN}: no other attempt goes through; the trial's success (or a permanent failure, which proves
 * the endpoint answers) closes it, its transient failure opens it again for another {@code openDuration}.
 *
 * <p>The runtime parks the leads it refuses (they are neither attempted nor counted as attempts) until
 * {@link #nextAttemptTime()}; their retry time budget keeps running. Thread-safe; time comes from the injected
 * {@link Clock}.
 */
public final class CircuitBreaker {
    /** While half-open with the trial under way, refused leads look again this often (at most). */
    static final Duration HALF_OPEN_RECHECK = Duration.ofMillis(500);

    public enum State {
        CLOSED,
        OPEN,
        HALF_OPEN
    }

    /**
     * The breaker's state at one moment: {@code generation} counts its transitions (0: never left CLOSED), so two
     * snapshots with the same generation saw no transition in between; {@code since} is when it entered the state.
     */
    public record Snapshot(State state, Instant since, long generation, DeliveryFailure lastFailure) {}

    private final int failureThreshold;
    private final Duration openDuration;
    private final Clock clock;

    private State state = State.CLOSED;
    private int consecutiveFailures;
    private Instant openedAt;
    private boolean trialInFlight;
    private DeliveryFailure lastFailure;
    private Instant lastFailureAt;
    private long generation;
    private Instant since;

    public CircuitBreaker(int failureThreshold, Duration openDuration, Clock clock) {
        if (failureThreshold < 1 || openDuration.isNegative()) {
            throw new IllegalArgumentException("invalid circuit breaker settings");
        }
        this.failureThreshold = failureThreshold;
        this.openDuration = openDuration;
        this.clock = Objects.requireNonNull(clock);
        this.since = clock.instant();
    }

    /**
     * Whether an attempt may start now. Moves an open circuit whose open duration has passed to half-open, admitting
     * the caller as its one trial. A caller refused here makes no attempt and should look again at
     * {@link #nextAttemptTime()}.
     */
    public synchronized boolean tryAcquire() {
        switch (state) {
            case CLOSED:
                return true;
            case OPEN:
                if (clock.instant().isBefore(openedAt.plus(openDuration))) {
                    return false;
                }
                state = State.HALF_OPEN;
                trialInFlight = true;
                transitioned();
                return true;
            default: // HALF_OPEN
                if (trialInFlight) {
                    return false;
                }
                trialInFlight = true;
                return true;
        }
    }

    /**
     * Whether an attempt asking now would be refused: open and its open duration not over, or half-open with the
     * trial under way. Changes nothing (unlike {@link #tryAcquire()}).
     */
    public synchronized boolean isRefusing() {
        return switch (state) {
            case CLOSED -> false;
            case OPEN -> clock.instant().isBefore(openedAt.plus(openDuration));
            case HALF_OPEN -> trialInFlight;
        };
    }

    /** When a refused attempt should look again: the end of the open period, or shortly while a trial is under way. */
    public synchronized Instant nextAttemptTime() {
        Instant now = clock.instant();
        return switch (state) {
            case CLOSED -> now;
            case OPEN -> {
                Instant reopen = openedAt.plus(openDuration);
                yield reopen.isAfter(now) ? reopen : now;
            }
            case HALF_OPEN ->
                now.plus(openDuration.compareTo(HALF_OPEN_RECHECK) < 0 ? openDuration : HALF_OPEN_RECHECK);
        };
    }

    /**
     * An attempt succeeded: the circuit closes and the failure count restarts.
     *
     * @return true when this closed a circuit that was open or half-open
     */
    public synchronized boolean onSuccess() {
        return close();
    }

    /**
     * An attempt failed permanently: the endpoint answered, so this counts as a sign of health, not of an outage.
     *
     * @return true when this closed a circuit that was open or half-open
     */
    public synchronized boolean onPermanentFailure() {
        return close();
    }

    /**
     * An attempt failed transiently: counts towards the threshold when closed, opens the circuit again when it was
     * the half-open trial, and is ignored while open (a late result of an attempt started before it opened).
     *
     * @return true when this failure opened a closed circuit (not when a failed trial opens it again)
     */
    public synchronized boolean onTransientFailure(DeliveryFailure failure) {
        lastFailure = failure;
        lastFailureAt = clock.instant();
        switch (state) {
            case CLOSED:
                consecutiveFailures++;
                if (consecutiveFailures >= failureThreshold) {
                    open();
                    return true;
                }
                return false;
            case HALF_OPEN:
                open();
                return false;
            default: // OPEN: a late result of an attempt started before it opened; the open period stands
                return false;
        }
    }

    private void open() {
        state = State.OPEN;
        openedAt = clock.instant();
        trialInFlight = false;
        transitioned();
    }

    private boolean close() {
        boolean wasOpen = state != State.CLOSED;
        state = State.CLOSED;
        consecutiveFailures = 0;
        trialInFlight = false;
        openedAt = null;
        if (wasOpen) {
            transitioned();
        }
        return wasOpen;
    }

    private void transitioned() {
        generation++;
        since = clock.instant();
    }

    /** The state, when it was entered, the number of transitions so far and the last transient failure, at once. */
    public synchronized Snapshot snapshot() {
        return new Snapshot(state, since, generation, lastFailure);
    }

    public synchronized State state() {
        return state;
    }

    public synchronized int consecutiveFailures() {
        return consecutiveFailures;
    }

    /** The last transient failure seen at this endpoint, or null: the class a held-back lead is dead-lettered with. */
    public synchronized DeliveryFailure lastFailure() {
        return lastFailure;
    }

    public synchronized Instant lastFailureAt() {
        return lastFailureAt;
    }
}
