package dev.leadpipe.sink.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * The one place that decides whether a failed lead is tried again, and when: capped exponential backoff with jitter
 * that honours {@code Retry-After}, within a per-destination budget of attempts and of time. Pure and thread-safe:
 * time comes from the injected {@link Clock} and randomness from the injected source, so tests never sleep.
 *
 * <p>{@link #decide} rules, in order:
 * <ol>
 *   <li>a permanent failure ({@link DeliveryFailure#isTransient()} false) gives up at once;</li>
 *   <li>{@code attempts >= maxAttempts} gives up (the attempt budget);</li>
 *   <li>at or after {@code firstFailure + maxRetryTime} gives up (the time budget);</li>
 *   <li>a {@code Retry-After} that ends after the time budget gives up now: the upstream told us not to come back
 *       sooner, and waiting only to dead-letter later holds the lead for nothing;</li>
 *   <li>otherwise retry at {@code now + max(backoff(attempts), Retry-After)}, where
 *       {@code backoff(n) = min(maxBackoff, initialBackoff * 2^(n-1))} spread by {@code ±jitter} and never above
 *       {@code maxBackoff}; a retry time past the time budget is moved to the budget's end (a last attempt), which
 *       is never sooner than the Retry-After.</li>
 * </ol>
 *
 * <p>{@link #hold} decides for a lead held back without an attempt (its endpoint's circuit is open, or the endpoint is
 * busy): when to look again, {@code base * 2^(holds-1)} spread by the jitter, capped at {@code maxBackoff}, never before
 * {@code notBefore} (the circuit's trial time); with a running time budget, past the budget's end it gives up, and a
 * look-again time beyond it is moved to the end.
 */
public final class RetryPolicy {
    private final int maxAttempts;
    private final Duration maxRetryTime;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final double jitter;
    private final Clock clock;
    private final DoubleSupplier random;

    /** Why {@link #decide} gave up. */
    public enum Reason {
        /** The failure is permanent: retrying cannot help. */
        PERMANENT,
        /** The attempt budget ({@code maxAttempts}) is spent. */
        ATTEMPTS_EXHAUSTED,
        /** The time budget ({@code maxRetryTime} since the first failure) is spent. */
        TIME_EXHAUSTED,
        /** The upstream's Retry-After ends after the time budget. */
        RETRY_AFTER_BEYOND_BUDGET
    }

    /** What to do with a failed lead. */
    public sealed interface Decision permits Retry, GiveUp {}

    /** Attempt again, not before {@code at}. */
    public record Retry(Instant at) implements Decision {}

    /** Dead-letter the lead with the class of the failure just seen. */
    public record GiveUp(Reason reason) implements Decision {}

    /**
     * @param random a source of uniformly distributed values in [0, 1), e.g. {@code ThreadLocalRandom.current()::nextDouble}
     */
    public RetryPolicy(
            int maxAttempts,
            Duration maxRetryTime,
            Duration initialBackoff,
            Duration maxBackoff,
            double jitter,
            Clock clock,
            DoubleSupplier random) {
        if (maxAttempts < 1
                || maxRetryTime.isNegative()
                || initialBackoff.isNegative()
                || maxBackoff.compareTo(initialBackoff) < 0
                || jitter < 0
                || jitter >= 1) {
            throw new IllegalArgumentException("invalid retry policy");
        }
        this.maxAttempts = maxAttempts;
        this.maxRetryTime = maxRetryTime;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.jitter = jitter;
        this.clock = Objects.requireNonNull(clock);
        this.random = Objects.requireNonNull(random);
    }

    /** The policy of a sink's settings, on the system clock with thread-local randomness. */
    public static RetryPolicy of(SinkConfig config) {
        return of(config, Clock.systemUTC(), () -> ThreadLocalRandom.current().nextDouble());
    }

    public static RetryPolicy of(SinkConfig config, Clock clock, DoubleSupplier random) {
        return new RetryPolicy(
                config.maxAttempts(),
                config.maxRetryTime(),
                config.initialBackoff(),
                config.maxBackoff(),
                config.jitter(),
                clock,
                random);
    }

    /**
     * Decides what follows a failed attempt.
     *
     * @param failure      the failure of the attempt just made
     * @param attempts     attempts made so far, that one included (1 after the first)
     * @param firstFailure when this lead's retry budget started: its first failure (or the first time an open
     *                     circuit held it back)
     */
    public Decision decide(DeliveryFailure failure, int attempts, Instant firstFailure) {
        if (!failure.isTransient()) {
            return new GiveUp(Reason.PERMANENT);
        }
        if (attempts >= maxAttempts) {
            return new GiveUp(Reason.ATTEMPTS_EXHAUSTED);
        }
        Instant now = clock.instant();
        Instant deadline = deadline(firstFailure);
        if (!now.isBefore(deadline)) {
            return new GiveUp(Reason.TIME_EXHAUSTED);
        }
        Duration wait = backoff(attempts);
        Duration retryAfter = failure.retryAfter();
        if (retryAfter != null && retryAfter.isPositive()) {
            if (now.plus(retryAfter).isAfter(deadline)) {
                return new GiveUp(Reason.RETRY_AFTER_BEYOND_BUDGET);
            }
            if (retryAfter.compareTo(wait) > 0) {
                wait = retryAfter;
            }
        }
        Instant at = now.plus(wait);
        return new Retry(at.isAfter(deadline) ? deadline : at);
    }

    /**
     * Decides what follows a hold: a lead that was not attempted because its endpoint's circuit is open or the
     * endpoint has no room for it.
     *
     * @param base        the first hold's wait (the circuit's open duration, or the shortest retry tier)
     * @param holds       holds so far, this one included (1 for the first)
     * @param notBefore   the earliest time worth looking again (the circuit's trial time), or null
     * @param budgetStart when the lead's time budget started, or null when it has none running (a lead that only
     *                    waits for capacity has not failed)
     */
    public Decision hold(Duration base, int holds, Instant notBefore, Instant budgetStart) {
        Instant now = clock.instant();
        if (budgetStart != null && !now.isBefore(deadline(budgetStart))) {
            return new GiveUp(Reason.TIME_EXHAUSTED);
        }
        double capNanos = maxBackoff.toNanos();
        double grown = Math.min(capNanos, base.toNanos() * Math.pow(2, Math.min(62, Math.max(0, holds - 1))));
        double factor = 1 + jitter * (2 * random.getAsDouble() - 1);
        Instant at = now.plusNanos((long) Math.min(capNanos, Math.max(base.toNanos(), grown * factor)));
        if (notBefore != null && notBefore.isAfter(at)) {
            at = notBefore;
        }
        if (budgetStart != null && at.isAfter(deadline(budgetStart))) {
            at = deadline(budgetStart);
        }
        return new Retry(at);
    }

    /**
     * The jittered wait after the {@code attempts}-th failure: {@code min(maxBackoff, initialBackoff * 2^(attempts-1))}
     * times a factor drawn from {@code [1 - jitter, 1 + jitter)}, never above {@code maxBackoff}.
     */
    public Duration backoff(int attempts) {
        double capNanos = maxBackoff.toNanos();
        double base = Math.min(capNanos, initialBackoff.toNanos() * Math.pow(2, Math.max(0, attempts - 1)));
        double factor = 1 + jitter * (2 * random.getAsDouble() - 1);
        return Duration.ofNanos((long) Math.min(capNanos, base * factor));
    }

    /** When the time budget of a lead whose budget started at {@code firstFailure} ends. */
    public Instant deadline(Instant firstFailure) {
        return firstFailure.plus(maxRetryTime);
    }

    /** Whether the time budget of a lead whose budget started at {@code firstFailure} is spent. */
    public boolean timeBudgetSpent(Instant firstFailure) {
        return !clock.instant().isBefore(deadline(firstFailure));
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration maxRetryTime() {
        return maxRetryTime;
    }
}
