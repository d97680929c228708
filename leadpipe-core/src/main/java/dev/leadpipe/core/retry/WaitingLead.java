package dev.leadpipe.core.retry;

import java.time.Instant;

import dev.leadpipe.core.error.ErrorClass;

/**
 * A lead that a sink holds back for a later attempt: its retry waits in Kafka (a retry tier of its delivery topic), or
 * in the sink's memory for at most a few seconds. Written by the sink runtime to {@code lead-waiting}, keyed by leadId,
 * each time a lead starts or keeps waiting; a tombstone (null value) follows once the lead has its outcome. So the
 * latest record of a leadId says whether, why and since when it waits. Holds no personal data, setting or secret.
 *
 * @param leadId          the lead
 * @param offerId         its offer
 * @param destinationType the destination type's wire name
 * @param reason          why it waits
 * @param since           when it started waiting: its first failure, or the first time it was held back
 * @param nextAttemptAt   when it is due for its next attempt
 * @param attempts        delivery attempts made so far (0 when it has only been held back)
 * @param errorClass      the class of its last failure (for {@link Reason#CIRCUIT_OPEN} the endpoint's); null when
 *                        it only waits for capacity
 * @param httpStatus      the upstream HTTP status of that failure, 0 when none
 * @param at              when this record was written
 */
public record WaitingLead(
        String leadId,
        String offerId,
        String destinationType,
        Reason reason,
        Instant since,
        Instant nextAttemptAt,
        int attempts,
        ErrorClass errorClass,
        int httpStatus,
        Instant at) {

    /** Why a lead waits. */
    public enum Reason {
        /** Its last attempt failed transiently; the retry policy set its next attempt. */
        RETRY,
        /** Its endpoint's circuit breaker is open after repeated transient failures: no attempt until it recovers. */
        CIRCUIT_OPEN,
        /** Its endpoint is answering but slowly, and already has its share of the sink's capacity. */
        BUSY
    }
}
