package dev.leadpipe.notifier;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.error.ErrorKind;
import dev.leadpipe.core.notice.DestinationNotice;
import dev.leadpipe.core.notice.DestinationNotice.State;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.retry.WaitingLead;

/**
 * When an offer's destination counts as broken or working again, and when its contacts are owed a notice: pure
 * functions of the records read and the offer's {@link DestinationNotice}, on times given by the caller.
 *
 * <p>A failure is:
 * <ul>
 *   <li>a sink's {@code DEAD_LETTERED} outcome (it names a destination type) of a non-test lead whose class is about
 *       the destination: a {@link ErrorKind#PERMANENT permanent} class other than those in {@link #NOT_THE_DESTINATION}
 *       (the router's classes, {@code SECRET_UNREADABLE}), or a {@link ErrorKind#TRANSIENT transient} class (its retry
 *       budget was spent). {@code DESTINATION_HTTP_ERROR} outcomes are not: a 4xx can be one lead's fault;</li>
 *   <li>a {@code lead-waiting} record of a lead waiting after failures ({@code RETRY} or {@code CIRCUIT_OPEN}, with a
 *       class) whose {@code since} is at least {@code brokenAfter} before the record was written. A lead that only
 *       waits for capacity ({@code BUSY}) is not failing.</li>
 * </ul>
 * A {@code DELIVERED} or {@code SENT_UNCONFIRMED} outcome (test leads and replays included: the destination took a
 * lead) is the destination working. Records are judged by their own time, so one read out of order (another partition)
 * never undoes a newer one: a failure older than the latest delivery, or a delivery older than the latest failure,
 * changes nothing. Records older than {@link #NEWS} before now are history, not news, and are ignored.
 *
 * <p>A failure notice is owed while the destination is broken and either none was ever sent, or the last one is at
 * least {@link #NOTICE_INTERVAL} old and since then the failures went on past that day, a new failing spell began, or
 * the class changed. A recovery notice is owed once the destination works again after a failure notice that no
 * recovery notice followed yet.
 */
final class DestinationNoticeRules {
    /** At most one failure notice per offer per this long. */
    static final Duration NOTICE_INTERVAL = Duration.ofDays(1);
    /** Records older than this before now are not acted on (a first start reads days of history). */
    static final Duration NEWS = Duration.ofDays(1);

    /** Classes that are not about the publisher's destination: the router's, the sink's own key problem, .edu. */
    static final Set<ErrorClass> NOT_THE_DESTINATION = EnumSet.of(
            ErrorClass.NO_DESTINATION_CONFIGURED,
            ErrorClass.DESTINATION_UNSUPPORTED,
            ErrorClass.LEAD_ID_REUSED,
            ErrorClass.MALFORMED_RECORD,
            ErrorClass.SECRET_UNREADABLE,
            ErrorClass.EDU_PRIVACY_SUPPRESSED,
            ErrorClass.DESTINATION_HTTP_ERROR);

    private DestinationNoticeRules() {}

    /** A failure seen for an offer: its class, the destination type and when. */
    record Failure(String offerId, String destinationType, ErrorClass errorClass, Instant at) {}

    /** Whether the class, in a sink's dead-letter outcome, says the destination is broken. */
    static boolean aboutTheDestination(ErrorClass c) {
        return c != null
                && !NOT_THE_DESTINATION.contains(c)
                && (c.kind() == ErrorKind.PERMANENT || c.kind() == ErrorKind.TRANSIENT);
    }

    /** The failure an outcome reports, or null when it reports none the publisher should hear of. */
    static Failure failure(Outcome o) {
        if (o == null
                || o.outcome() != OutcomeType.DEAD_LETTERED
                || o.test()
                || o.offerId() == null
                || o.destinationType() == null
                || o.at() == null
                || !aboutTheDestination(o.errorClass())) {
            return null;
        }
        return new Failure(o.offerId(), o.destinationType(), o.errorClass(), o.at());
    }

    /** The failure a waiting lead reports once it has failed for {@code brokenAfter}, or null. */
    static Failure failure(WaitingLead w, Duration brokenAfter) {
        if (w == null
                || w.offerId() == null
                || w.errorClass() == null
                || w.since() == null
                || w.at() == null
                || w.reason() == WaitingLead.Reason.BUSY
                || Duration.between(w.since(), w.at()).compareTo(brokenAfter) < 0) {
            return null;
        }
        return new Failure(w.offerId(), w.destinationType(), w.errorClass(), w.at());
    }

    /** Whether the outcome shows the destination took a lead. */
    static boolean working(Outcome o) {
        return o != null
                && o.offerId() != null
                && o.at() != null
                && (o.outcome() == OutcomeType.DELIVERED || o.outcome() == OutcomeType.SENT_UNCONFIRMED);
    }

    /** Whether a record of time {@code at} is still news at {@code now}. */
    static boolean isNews(Instant at, Instant now) {
        return !at.isBefore(now.minus(NEWS));
    }

    /** The offer's state after a failure; {@code current} may be null (never seen failing). */
    static DestinationNotice onFailure(DestinationNotice current, Failure f) {
        if (current == null) {
            return new DestinationNotice(
                    f.offerId(),
                    f.destinationType(),
                    State.BROKEN,
                    f.at(),
                    f.errorClass(),
                    f.at(),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null);
        }
        if (current.lastWorkingAt() != null && !f.at().isAfter(current.lastWorkingAt())) {
            return current; // older than the latest delivery: stale
        }
        boolean latest = current.lastFailureAt() == null || !f.at().isBefore(current.lastFailureAt());
        Instant since = current.state() == State.BROKEN ? earliest(current.brokenSince(), f.at()) : f.at();
        return new DestinationNotice(
                current.offerId(),
                latest ? f.destinationType() : current.destinationType(),
                State.BROKEN,
                since,
                latest ? f.errorClass() : current.errorClass(),
                latest ? f.at() : current.lastFailureAt(),
                current.lastWorkingAt(),
                current.failureNoticeAt(),
                current.noticedSince(),
                current.noticedClass(),
                current.recoveryNoticeAt(),
                current.at());
    }

    /** The offer's state after a delivery at {@code at}; null stays null (nothing to track for a healthy offer). */
    static DestinationNotice onWorking(DestinationNotice current, Instant at) {
        if (current == null
                || (current.lastFailureAt() != null && !at.isAfter(current.lastFailureAt()))
                || (current.lastWorkingAt() != null && !at.isAfter(current.lastWorkingAt()))) {
            return current;
        }
        return new DestinationNotice(
                current.offerId(),
                current.destinationType(),
                State.WORKING,
                current.brokenSince(),
                current.errorClass(),
                current.lastFailureAt(),
                at,
                current.failureNoticeAt(),
                current.noticedSince(),
                current.noticedClass(),
                current.recoveryNoticeAt(),
                current.at());
    }

    /** Whether a failure notice is owed and may be sent at {@code now}. */
    static boolean failureNoticeDue(DestinationNotice n, Instant now) {
        if (n == null || n.state() != State.BROKEN) {
            return false;
        }
        if (n.failureNoticeAt() == null) {
            return true;
        }
        Instant nextAllowed = n.failureNoticeAt().plus(NOTICE_INTERVAL);
        if (now.isBefore(nextAllowed)) {
            return false;
        }
        return !n.lastFailureAt().isBefore(nextAllowed)
                || !n.brokenSince().equals(n.noticedSince())
                || n.errorClass() != n.noticedClass();
    }

    /** Whether a recovery notice is owed (sent at once: no daily limit, it follows one failure notice). */
    static boolean recoveryNoticeDue(DestinationNotice n) {
        return n != null
                && n.state() == State.WORKING
                && n.failureNoticeAt() != null
                && (n.recoveryNoticeAt() == null || n.recoveryNoticeAt().isBefore(n.failureNoticeAt()));
    }

    /** The state once a failure notice was sent at {@code now}. */
    static DestinationNotice failureNoticed(DestinationNotice n, Instant now) {
        return new DestinationNotice(
                n.offerId(),
                n.destinationType(),
                n.state(),
                n.brokenSince(),
                n.errorClass(),
                n.lastFailureAt(),
                n.lastWorkingAt(),
                now,
                n.brokenSince(),
                n.errorClass(),
                n.recoveryNoticeAt(),
                n.at());
    }

    /** The state once a recovery notice was sent at {@code now}. */
    static DestinationNotice recoveryNoticed(DestinationNotice n, Instant now) {
        return new DestinationNotice(
                n.offerId(),
                n.destinationType(),
                n.state(),
                n.brokenSince(),
                n.errorClass(),
                n.lastFailureAt(),
                n.lastWorkingAt(),
                n.failureNoticeAt(),
                n.noticedSince(),
                n.noticedClass(),
                now,
                n.at());
    }

    /**
     * Whether {@code next} must be written to {@code destination-notices} given {@code stored}: it changed in more than
     * the times of the latest failure and delivery (a new spell or class, which may owe a notice, is such a change; so
     * a restart does not forget it).
     */
    static boolean worthStoring(DestinationNotice stored, DestinationNotice next) {
        if (next == null || next.equals(stored)) {
            return false;
        }
        if (stored == null) {
            return true;
        }
        return stored.state() != next.state()
                || !Objects.equals(stored.brokenSince(), next.brokenSince())
                || stored.errorClass() != next.errorClass()
                || !Objects.equals(stored.failureNoticeAt(), next.failureNoticeAt())
                || !Objects.equals(stored.recoveryNoticeAt(), next.recoveryNoticeAt());
    }

    /** {@code n} stamped as written at {@code now}. */
    static DestinationNotice writtenAt(DestinationNotice n, Instant now) {
        return new DestinationNotice(
                n.offerId(),
                n.destinationType(),
                n.state(),
                n.brokenSince(),
                n.errorClass(),
                n.lastFailureAt(),
                n.lastWorkingAt(),
                n.failureNoticeAt(),
                n.noticedSince(),
                n.noticedClass(),
                n.recoveryNoticeAt(),
                now);
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }
}
