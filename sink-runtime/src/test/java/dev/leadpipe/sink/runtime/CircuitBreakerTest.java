package dev.leadpipe.sink.runtime;

import java.time.Duration;
import java.time.Instant;

import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.sink.runtime.CircuitBreaker.State;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The breaker's states on a hand-moved clock. */
class CircuitBreakerTest {
    private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");
    private static final DeliveryFailure TIMEOUT = new DeliveryFailure(ErrorClass.DYNAMICS_TIMEOUT, 0, null, "timeout");

    private final MutableClock clock = new MutableClock(T0);
    private final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(30), clock);

    @Test
    void opensAfterTheThresholdOfConsecutiveTransientFailures() {
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.onTransientFailure(TIMEOUT)).isFalse();
        assertThat(breaker.onTransientFailure(TIMEOUT)).isFalse();
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.onTransientFailure(TIMEOUT)).isTrue();
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.lastFailure()).isEqualTo(TIMEOUT);
        assertThat(breaker.lastFailureAt()).isEqualTo(T0);
    }

    @Test
    void aSuccessOrAPermanentFailureBreaksTheChain() {
        breaker.onTransientFailure(TIMEOUT);
        breaker.onTransientFailure(TIMEOUT);
        breaker.onSuccess();
        breaker.onTransientFailure(TIMEOUT);
        breaker.onTransientFailure(TIMEOUT);
        breaker.onPermanentFailure(); // the endpoint answered
        breaker.onTransientFailure(TIMEOUT);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.consecutiveFailures()).isEqualTo(1);
    }

    @Test
    void refusesWhileOpenThenLetsOneTrialThroughWhenHalfOpen() {
        open();
        assertThat(breaker.tryAcquire()).isFalse();
        assertThat(breaker.nextAttemptTime()).isEqualTo(T0.plusSeconds(30));
        clock.advance(Duration.ofSeconds(29));
        assertThat(breaker.tryAcquire()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(breaker.tryAcquire()).isTrue(); // the trial
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        assertThat(breaker.tryAcquire()).isFalse(); // only one
        assertThat(breaker.nextAttemptTime()).isEqualTo(clock.instant().plus(CircuitBreaker.HALF_OPEN_RECHECK));
    }

    @Test
    void aSuccessfulTrialClosesIt() {
        open();
        clock.advance(Duration.ofSeconds(30));
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.onSuccess()).as("closed it").isTrue();
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.onSuccess()).as("already closed").isFalse();
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.nextAttemptTime()).isEqualTo(clock.instant());
    }

    @Test
    void aFailedTrialOpensItForAnotherPeriod() {
        open();
        clock.advance(Duration.ofSeconds(30));
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.onTransientFailure(TIMEOUT))
                .as("opened again, not newly")
                .isFalse();
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.tryAcquire()).isFalse();
        assertThat(breaker.nextAttemptTime()).isEqualTo(T0.plusSeconds(60));
    }

    @Test
    void aLateFailureWhileOpenDoesNotExtendTheOpenPeriod() {
        open();
        clock.advance(Duration.ofSeconds(10));
        assertThat(breaker.onTransientFailure(TIMEOUT)).isFalse();
        assertThat(breaker.nextAttemptTime()).isEqualTo(T0.plusSeconds(30));
    }

    @Test
    void aSnapshotCountsEveryTransitionAndTellsWhenTheStateWasEntered() {
        assertThat(breaker.snapshot()).isEqualTo(new CircuitBreaker.Snapshot(State.CLOSED, T0, 0, null));
        breaker.onTransientFailure(TIMEOUT);
        assertThat(breaker.snapshot().generation()).as("no transition yet").isZero();
        open();
        assertThat(breaker.snapshot()).isEqualTo(new CircuitBreaker.Snapshot(State.OPEN, T0, 1, TIMEOUT));
        clock.advance(Duration.ofSeconds(30));
        breaker.tryAcquire(); // the trial: half-open
        assertThat(breaker.snapshot().state()).isEqualTo(State.HALF_OPEN);
        assertThat(breaker.snapshot().since()).isEqualTo(T0.plusSeconds(30));
        assertThat(breaker.snapshot().generation()).isEqualTo(2);
        breaker.onTransientFailure(TIMEOUT); // the trial failed: open again
        assertThat(breaker.snapshot().state()).isEqualTo(State.OPEN);
        assertThat(breaker.snapshot().generation()).isEqualTo(3);
        clock.advance(Duration.ofSeconds(30));
        breaker.tryAcquire();
        clock.advance(Duration.ofSeconds(1));
        breaker.onSuccess();
        assertThat(breaker.snapshot().state()).isEqualTo(State.CLOSED);
        assertThat(breaker.snapshot().since()).isEqualTo(T0.plusSeconds(61));
        assertThat(breaker.snapshot().generation()).isEqualTo(5);
        breaker.onSuccess();
        assertThat(breaker.snapshot().generation())
                .as("closing a closed circuit is no transition")
                .isEqualTo(5);
    }

    private void open() {
        for (int i = 0; i < 3; i++) {
            breaker.onTransientFailure(TIMEOUT);
        }
        assertThat(breaker.state()).isEqualTo(State.OPEN);
    }
}
