package dev.leadpipe.core.notice;

import java.time.Instant;

import dev.leadpipe.core.error.ErrorClass;

/**
 * What the notifier knows and has told about one offer's destination: whether it is failing (and since when, with
 * which error class), and when it last e-mailed the offer's contacts that it broke or recovered. Written by the
 * notifier to {@code destination-notices} (compacted, keyed by offer id) whenever this changes, and read back when it
 * starts, so a restart neither repeats nor forgets a notice. Holds no contact address, setting, secret or customer data.
 *
 * @param offerId          the offer
 * @param destinationType  the destination type's wire name, as the failing sink named it
 * @param state            whether the destination is failing now, as far as the notifier has seen
 * @param brokenSince      the first failure of the current (or last) failing spell
 * @param errorClass       the class of the latest failure
 * @param lastFailureAt    when the latest failure was seen (its outcome's or waiting record's time)
 * @param lastWorkingAt    when the latest delivery after a failure was seen; null before any
 * @param failureNoticeAt  when the last failure notice was sent; null when none ever was
 * @param noticedSince     the {@code brokenSince} that notice was about
 * @param noticedClass     the error class that notice named
 * @param recoveryNoticeAt when the last recovery notice was sent; null when none ever was
 * @param at               when this record was written
 */
public record DestinationNotice(
        String offerId,
        String destinationType,
        State state,
        Instant brokenSince,
        ErrorClass errorClass,
        Instant lastFailureAt,
        Instant lastWorkingAt,
        Instant failureNoticeAt,
        Instant noticedSince,
        ErrorClass noticedClass,
        Instant recoveryNoticeAt,
        Instant at) {

    /** Whether the destination is failing. */
    public enum State {
        BROKEN,
        WORKING
    }
}
