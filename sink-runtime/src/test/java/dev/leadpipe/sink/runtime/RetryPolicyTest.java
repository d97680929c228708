package dev.leadpipe.sink.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.sink.runtime.RetryPolicy.GiveUp;
import dev.leadpipe.sink.runtime.RetryPolicy.Reason;
import dev.leadpipe.sink.runtime.RetryPolicy.Retry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The retry decision on a hand-moved clock and a scripted random source: nothing here sleeps. */
class RetryPolicyTest {
    private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");
    private static final DeliveryFailure UNAVAILABLE = failure(ErrorClass.TABLE_UNAVAILABLE, 503, null);

    private final MutableClock clock = new MutableClock(T0);
    private final AtomicReference<Double> random = new AtomicReference<>(0.5); // 0.5 = no jitter

    /** 8 attempts, 10 min, 1 s doubling to 60 s, ±20 %. */
    private RetryPolicy policy() {
        return RetryPolicy.of(
                SinkConfig.of("b:1")
                        .withRetryBudget(8, Duration.ofMinutes(10))
                        .withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(60), 0.2),
                clock,
                random::get);
    }

    private static DeliveryFailure failure(ErrorClass c, int status, Duration retryAfter) {
        return new DeliveryFailure(c, status, retryAfter, "detail");
    }

    @Test
    void backoffGrowsExponentiallyUpToTheCap() {
        RetryPolicy policy = policy();
        assertThat(policy.backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.backoff(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.backoff(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.backoff(6)).isEqualTo(Duration.ofSeconds(32));
        assertThat(policy.backoff(7)).isEqualTo(Duration.ofSeconds(60)); // 64 s capped
        assertThat(policy.backoff(1_000)).isEqualTo(Duration.ofSeconds(60)); // no overflow
    }

    @Test
    void jitterStaysWithinItsBoundsAndNeverExceedsTheCap() {
        RetryPolicy policy = policy();
        random.set(0.0);
        assertThat(policy.backoff(3)).isEqualTo(Duration.ofMillis(3_200)); // 4 s - 20 %
        random.set(0.999_999);
        assertThat(policy.backoff(3)).isBetween(Duration.ofMillis(4_799), Duration.ofMillis(4_800));
        for (double r = 0; r < 1; r += 0.01) {
            random.set(r);
            assertThat(policy.backoff(2)).isBetween(Duration.ofMillis(1_600), Duration.ofMillis(2_400));
            assertThat(policy.backoff(10)).isBetween(Duration.ofSeconds(48), Duration.ofSeconds(60));
        }
    }

    @Test
    void aTransientFailureIsRetriedAfterTheBackoff() {
        assertThat(policy().decide(UNAVAILABLE, 1, T0)).isEqualTo(new Retry(T0.plusSeconds(1)));
        clock.advance(Duration.ofSeconds(3));
        assertThat(policy().decide(UNAVAILABLE, 3, T0)).isEqualTo(new Retry(T0.plusSeconds(3 + 4)));
    }

    @Test
    void aPermanentFailureGivesUpAtOnce() {
        assertThat(policy().decide(failure(ErrorClass.AAD_INVALID_CLIENT_SECRET, 401, null), 1, T0))
                .isEqualTo(new GiveUp(Reason.PERMANENT));
        assertThat(policy().decide(failure(ErrorClass.DESTINATION_HTTP_ERROR, 400, null), 1, T0))
                .isEqualTo(new GiveUp(Reason.PERMANENT));
        assertThat(policy().decide(failure(ErrorClass.DESTINATION_HTTP_ERROR, 503, null), 1, T0))
                .isInstanceOf(Retry.class);
        assertThat(policy().decide(failure(ErrorClass.DESTINATION_HTTP_ERROR, 429, null), 1, T0))
                .isInstanceOf(Retry.class);
    }

    @Test
    void theAttemptBudgetIsCounted() {
        assertThat(policy().decide(UNAVAILABLE, 7, T0)).isInstanceOf(Retry.class);
        assertThat(policy().decide(UNAVAILABLE, 8, T0)).isEqualTo(new GiveUp(Reason.ATTEMPTS_EXHAUSTED));
    }

    @Test
    void theTimeBudgetRunsFromTheFirstFailure() {
        RetryPolicy policy = policy();
        clock.advance(Duration.ofMinutes(9).plusSeconds(59));
        // the 60 s wait would end after the budget: one last attempt at the budget's end
        assertThat(policy.decide(UNAVAILABLE, 7, T0)).isEqualTo(new Retry(T0.plus(Duration.ofMinutes(10))));
        assertThat(policy.timeBudgetSpent(T0)).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(policy.timeBudgetSpent(T0)).isTrue();
        assertThat(policy.decide(UNAVAILABLE, 2, T0)).isEqualTo(new GiveUp(Reason.TIME_EXHAUSTED));
        assertThat(policy.deadline(T0)).isEqualTo(T0.plus(Duration.ofMinutes(10)));
    }

    @Test
    void retryAfterIsHonouredAndNeverShortened() {
        RetryPolicy policy = policy();
        assertThat(policy.decide(failure(ErrorClass.DYNAMICS_THROTTLED, 429, Duration.ofSeconds(30)), 1, T0))
                .isEqualTo(new Retry(T0.plusSeconds(30)));
        // a Retry-After shorter than the backoff does not shorten it
        assertThat(policy.decide(failure(ErrorClass.DYNAMICS_THROTTLED, 429, Duration.ofMillis(100)), 3, T0))
                .isEqualTo(new Retry(T0.plusSeconds(4)));
        // jitter at its lowest still never goes below Retry-After
        random.set(0.0);
        assertThat(policy.decide(failure(ErrorClass.DYNAMICS_THROTTLED, 429, Duration.ofSeconds(4)), 3, T0))
                .isEqualTo(new Retry(T0.plusSeconds(4)));
    }

    @Test
    void aRetryAfterBeyondTheBudgetDeadLettersNow() {
        clock.advance(Duration.ofMinutes(9));
        assertThat(policy().decide(failure(ErrorClass.DYNAMICS_THROTTLED, 429, Duration.ofSeconds(61)), 2, T0))
                .isEqualTo(new GiveUp(Reason.RETRY_AFTER_BEYOND_BUDGET));
        assertThat(policy().decide(failure(ErrorClass.DYNAMICS_THROTTLED, 429, Duration.ofSeconds(60)), 2, T0))
                .isEqualTo(new Retry(T0.plus(Duration.ofMinutes(10))));
    }

    @Test
    void smallTestBudgetsWork() {
        SinkConfig config = SinkConfig.of("b:1")
                .withBackoff(Duration.ofMillis(50), Duration.ofMillis(200), 0)
                .withRetryBudget(3, Duration.ofSeconds(2));
        RetryPolicy policy = RetryPolicy.of(config, clock, () -> 0.3);
        assertThat(policy.decide(UNAVAILABLE, 1, T0)).isEqualTo(new Retry(T0.plusMillis(50)));
        assertThat(policy.decide(UNAVAILABLE, 2, T0)).isEqualTo(new Retry(T0.plusMillis(100)));
        assertThat(policy.decide(UNAVAILABLE, 3, T0)).isEqualTo(new GiveUp(Reason.ATTEMPTS_EXHAUSTED));
    }

    @Test
    void aLeadHeldBackByAnOpenCircuitLooksAgainLaterEachTimeButNotBeforeTheTrial() {
        RetryPolicy policy = policy();
        Duration open = Duration.ofSeconds(30);
        Instant trial = T0.plusSeconds(20);
        assertThat(policy.hold(open, 1, trial, T0)).isEqualTo(new Retry(T0.plusSeconds(30)));
        assertThat(policy.hold(open, 2, trial, T0)).isEqualTo(new Retry(T0.plusSeconds(60)));
        assertThat(policy.hold(open, 3, trial, T0))
                .as("capped at the max backoff")
                .isEqualTo(new Retry(T0.plusSeconds(60)));
        assertThat(policy.hold(open, 1, T0.plusSeconds(45), T0))
                .as("not before the circuit's trial")
                .isEqualTo(new Retry(T0.plusSeconds(45)));
        random.set(0.0);
        assertThat(policy.hold(open, 2, null, T0))
                .as("jitter, never below the first wait")
                .isEqualTo(new Retry(T0.plusSeconds(48)));
    }

    @Test
    void aHeldLeadGivesUpOnceItsTimeBudgetIsSpentAndNeverWaitsPastIt() {
        RetryPolicy policy = policy();
        Instant budgetStart = T0.minus(Duration.ofMinutes(9).plusSeconds(40));
        assertThat(policy.hold(Duration.ofSeconds(30), 1, null, budgetStart))
                .as("moved to the budget's end")
                .isEqualTo(new Retry(T0.plusSeconds(20)));
        clock.advance(Duration.ofSeconds(20));
        assertThat(policy.hold(Duration.ofSeconds(30), 2, null, budgetStart))
                .isEqualTo(new GiveUp(Reason.TIME_EXHAUSTED));
    }

    @Test
    void aLeadWaitingOnlyForCapacityHasNoBudget() {
        RetryPolicy policy = policy();
        clock.advance(Duration.ofDays(30));
        assertThat(policy.hold(Duration.ofSeconds(10), 1, null, null))
                .isEqualTo(new Retry(T0.plus(Duration.ofDays(30)).plusSeconds(10)));
    }
}
