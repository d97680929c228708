package dev.leadpipe.notifier;

import java.time.Duration;
import java.time.Instant;

import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.notice.DestinationNotice;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.retry.WaitingLead;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which records say a destination broke or works again, and when a notice is owed: the publisher hears of a broken
 * destination once a day at most, of its recovery once, and never of the router's or a test lead's troubles.
 */
class DestinationNoticeRulesTest {
    private static final String OFFER = "contoso.crm-offer";
    private static final Instant T = Instant.parse("2026-12-01T09:00:00Z");
    private static final Duration HOUR = Duration.ofHours(1);

    private static Outcome deadLettered(ErrorClass c, Instant at, boolean test, String type) {
        return Outcome.deadLettered("lead-1", OFFER, type, c, 1, test, 0, at, null);
    }

    private static Outcome delivered(Instant at) {
        return Outcome.delivered("lead-2", OFFER, "dynamics", "rec-1", 1, 10, false, 0, at);
    }

    private static WaitingLead waiting(WaitingLead.Reason reason, ErrorClass c, Instant since, Instant at) {
        return new WaitingLead("lead-3", OFFER, "dynamics", reason, since, at.plusSeconds(60), 3, c, 503, at);
    }

    private static DestinationNotice fail(DestinationNotice n, ErrorClass c, Instant at) {
        return DestinationNoticeRules.onFailure(
                n, DestinationNoticeRules.failure(deadLettered(c, at, false, "dynamics")));
    }

    @Test
    void aSinksPermanentDestinationClassIsAFailure() {
        assertThat(DestinationNoticeRules.failure(
                        deadLettered(ErrorClass.AAD_INVALID_CLIENT_SECRET, T, false, "dynamics")))
                .isEqualTo(
                        new DestinationNoticeRules.Failure(OFFER, "dynamics", ErrorClass.AAD_INVALID_CLIENT_SECRET, T));
        for (ErrorClass c : new ErrorClass[] {
            ErrorClass.SALESFORCE_AUTH_FAILED,
            ErrorClass.TABLE_AUTH_FAILED,
            ErrorClass.DYNAMICS_MISSING_LEAD_WRITER_ROLE,
            ErrorClass.DESTINATION_ADDRESS_REFUSED,
            ErrorClass.DYNAMICS_TIMEOUT // transient, dead-lettered: its retry budget was spent
        }) {
            assertThat(DestinationNoticeRules.failure(deadLettered(c, T, false, "dynamics")))
                    .as(c.code())
                    .isNotNull();
        }
    }

    @Test
    void theRoutersClassesTestLeadsAndOneLeadsHttpErrorAreNot() {
        for (ErrorClass c : new ErrorClass[] {
            ErrorClass.NO_DESTINATION_CONFIGURED,
            ErrorClass.DESTINATION_UNSUPPORTED,
            ErrorClass.LEAD_ID_REUSED,
            ErrorClass.MALFORMED_RECORD,
            ErrorClass.SECRET_UNREADABLE,
            ErrorClass.DESTINATION_HTTP_ERROR
        }) {
            assertThat(DestinationNoticeRules.failure(deadLettered(c, T, false, "dynamics")))
                    .as(c.code())
                    .isNull();
        }
        assertThat(DestinationNoticeRules.failure(
                        deadLettered(ErrorClass.AAD_INVALID_CLIENT_SECRET, T, true, "dynamics")))
                .as("a test lead: validate answers it")
                .isNull();
        assertThat(DestinationNoticeRules.failure(deadLettered(ErrorClass.AAD_INVALID_CLIENT_SECRET, T, false, null)))
                .as("no destination type: the router wrote it")
                .isNull();
        assertThat(DestinationNoticeRules.failure(Outcome.suppressed("l", OFFER, false, 0, T)))
                .isNull();
    }

    @Test
    void aWaitingLeadIsAFailureOnlyOnceItFailedForLongEnough() {
        Duration after = HOUR;
        assertThat(DestinationNoticeRules.failure(
                        waiting(WaitingLead.Reason.RETRY, ErrorClass.DYNAMICS_TIMEOUT, T.minus(HOUR), T), after))
                .isEqualTo(new DestinationNoticeRules.Failure(OFFER, "dynamics", ErrorClass.DYNAMICS_TIMEOUT, T));
        assertThat(DestinationNoticeRules.failure(
                        waiting(WaitingLead.Reason.CIRCUIT_OPEN, ErrorClass.DESTINATION_HTTP_ERROR, T.minus(HOUR), T),
                        after))
                .as("a 503 for an hour, circuit open")
                .isNotNull();
        assertThat(DestinationNoticeRules.failure(
                        waiting(WaitingLead.Reason.RETRY, ErrorClass.DYNAMICS_TIMEOUT, T.minusSeconds(3599), T), after))
                .isNull();
        assertThat(DestinationNoticeRules.failure(
                        waiting(WaitingLead.Reason.BUSY, null, T.minus(Duration.ofHours(5)), T), after))
                .as("waiting for capacity is not failing")
                .isNull();
    }

    @Test
    void oneFailureNoticePerDayHoweverManyLeadsFail() {
        DestinationNotice n = fail(null, ErrorClass.AAD_INVALID_CLIENT_SECRET, T);
        assertThat(DestinationNoticeRules.failureNoticeDue(n, T)).isTrue();
        n = DestinationNoticeRules.failureNoticed(n, T);
        for (int i = 1; i <= 200; i++) {
            n = fail(n, ErrorClass.AAD_INVALID_CLIENT_SECRET, T.plusSeconds(i * 60L));
            assertThat(DestinationNoticeRules.failureNoticeDue(n, T.plusSeconds(i * 60L)))
                    .isFalse();
        }
        assertThat(DestinationNoticeRules.failureNoticeDue(n, T.plus(Duration.ofHours(30))))
                .as("the day is over, but nothing failed after it")
                .isFalse();
        Instant nextDay = T.plus(Duration.ofHours(25));
        n = fail(n, ErrorClass.AAD_INVALID_CLIENT_SECRET, nextDay);
        assertThat(DestinationNoticeRules.failureNoticeDue(n, nextDay))
                .as("failures on the next day")
                .isTrue();
        assertThat(n.brokenSince()).isEqualTo(T);
    }

    @Test
    void oneRecoveryNoticeAfterAFailureNoticeAndStaleRecordsChangeNothing() {
        DestinationNotice n =
                DestinationNoticeRules.failureNoticed(fail(null, ErrorClass.AAD_INVALID_CLIENT_SECRET, T), T);
        assertThat(DestinationNoticeRules.onWorking(n, T.minusSeconds(5)))
                .as("a delivery before the failure, read late")
                .isEqualTo(n);
        n = DestinationNoticeRules.onWorking(n, T.plus(HOUR));
        assertThat(n.state()).isEqualTo(DestinationNotice.State.WORKING);
        assertThat(DestinationNoticeRules.recoveryNoticeDue(n)).isTrue();
        n = DestinationNoticeRules.recoveryNoticed(n, T.plus(HOUR));
        assertThat(DestinationNoticeRules.recoveryNoticeDue(n)).isFalse();
        assertThat(fail(n, ErrorClass.AAD_INVALID_CLIENT_SECRET, T.plus(Duration.ofMinutes(30))))
                .as("a failure older than the delivery, read late")
                .isEqualTo(n);
        assertThat(DestinationNoticeRules.onWorking(null, T))
                .as("a healthy offer is not tracked")
                .isNull();
    }

    @Test
    void aNewSpellTheSameDayIsToldOnceTheDayIsOverIfStillBroken() {
        DestinationNotice n =
                DestinationNoticeRules.failureNoticed(fail(null, ErrorClass.AAD_INVALID_CLIENT_SECRET, T), T);
        n = DestinationNoticeRules.recoveryNoticed(DestinationNoticeRules.onWorking(n, T.plus(HOUR)), T.plus(HOUR));
        n = fail(n, ErrorClass.DYNAMICS_MISSING_LEAD_WRITER_ROLE, T.plus(Duration.ofHours(2)));
        assertThat(n.brokenSince()).isEqualTo(T.plus(Duration.ofHours(2)));
        assertThat(DestinationNoticeRules.failureNoticeDue(n, T.plus(Duration.ofHours(3))))
                .isFalse();
        assertThat(DestinationNoticeRules.failureNoticeDue(n, T.plus(Duration.ofHours(24))))
                .isTrue();
        assertThat(DestinationNoticeRules.worthStoring(null, n)).isTrue();
    }
}
