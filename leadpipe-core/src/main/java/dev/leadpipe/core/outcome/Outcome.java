package dev.leadpipe.core.outcome;

import java.time.Instant;

import dev.leadpipe.core.error.ErrorClass;

/**
 * The terminal outcome of one lead, written to the outcomes topic keyed by leadId. Holds no personal data:
 * ids, the destination, the error class and counters only. A replay adds a further outcome for the same leadId.
 *
 * @param destinationRecordId the destination's own id of the record (DELIVERED only)
 * @param errorClass          why the lead was suppressed or dead-lettered
 * @param attempts            delivery attempts made (sinks); null where no delivery was attempted
 * @param detail              DEAD_LETTERED by a sink: the destination's own words (which field, which code), with
 *                            secrets, e-mail addresses and the lead's personal fields removed; SENT_UNCONFIRMED: why
 *                            the destination cannot confirm it kept the lead and how to check; otherwise null
 */
public record Outcome(
        String leadId,
        String offerId,
        OutcomeType outcome,
        String destinationType,
        String destinationRecordId,
        ErrorClass errorClass,
        Integer attempts,
        Long latencyMs,
        boolean test,
        int replayCount,
        Instant at,
        String detail) {

    public static Outcome suppressed(String leadId, String offerId, boolean test, int replayCount, Instant at) {
        return new Outcome(
                leadId,
                offerId,
                OutcomeType.SUPPRESSED,
                null,
                null,
                ErrorClass.EDU_PRIVACY_SUPPRESSED,
                null,
                null,
                test,
                replayCount,
                at,
                null);
    }

    /**
     * A lead a sink chose not to send ({@code errorClass} says why, e.g. {@link ErrorClass#DO_NOT_CONTACT_NOT_DELIVERED}):
     * {@code SUPPRESSED}, with the destination type and no attempt.
     */
    public static Outcome notSent(
            String leadId,
            String offerId,
            String destinationType,
            ErrorClass errorClass,
            boolean test,
            int replayCount,
            Instant at) {
        return new Outcome(
                leadId,
                offerId,
                OutcomeType.SUPPRESSED,
                destinationType,
                null,
                errorClass,
                null,
                null,
                test,
                replayCount,
                at,
                null);
    }

    /** A dead letter, with the redacted upstream detail (null when no destination was called: the router's). */
    public static Outcome deadLettered(
            String leadId,
            String offerId,
            String destinationType,
            ErrorClass errorClass,
            Integer attempts,
            boolean test,
            int replayCount,
            Instant at,
            String detail) {
        return new Outcome(
                leadId,
                offerId,
                OutcomeType.DEAD_LETTERED,
                destinationType,
                null,
                errorClass,
                attempts,
                null,
                test,
                replayCount,
                at,
                detail);
    }

    public static Outcome delivered(
            String leadId,
            String offerId,
            String destinationType,
            String destinationRecordId,
            int attempts,
            long latencyMs,
            boolean test,
            int replayCount,
            Instant at) {
        return new Outcome(
                leadId,
                offerId,
                OutcomeType.DELIVERED,
                destinationType,
                destinationRecordId,
                null,
                attempts,
                latencyMs,
                test,
                replayCount,
                at,
                null);
    }

    /**
     * Sent to a destination that cannot confirm it kept the lead (Salesforce Web-to-Lead): no record id, {@code detail}
     * saying why and how the publisher checks. Never counted as delivered.
     */
    public static Outcome sentUnconfirmed(
            String leadId,
            String offerId,
            String destinationType,
            int attempts,
            long latencyMs,
            boolean test,
            int replayCount,
            Instant at,
            String detail) {
        return new Outcome(
                leadId,
                offerId,
                OutcomeType.SENT_UNCONFIRMED,
                destinationType,
                null,
                null,
                attempts,
                latencyMs,
                test,
                replayCount,
                at,
                detail);
    }
}
