package dev.leadpipe.status;

import java.time.Instant;

import dev.leadpipe.core.circuit.CircuitReport;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.retry.WaitingLead;

/**
 * One fact about an offer, keyed by offer id on the status service's repartition topic ({@code <applicationId>-
 * offer-events-repartition}), folded into the offer's {@link OfferState}. Holds ids, times, classes and counts only:
 * never a lead's personal fields.
 *
 * @param kind            what happened
 * @param leadId          the lead (LEAD, OUTCOME)
 * @param at              when: a lead's receivedAt, an outcome's time, a dead letter's time (OPEN_DELTA)
 * @param test            whether the lead is a test lead
 * @param outcome         OUTCOME only
 * @param destinationType the destination type's wire name, when known
 * @param errorClass      OUTCOME (suppressed, dead-lettered) and OPEN_DELTA
 * @param detail          OUTCOME dead-lettered by a sink: the redacted upstream words
 * @param delta           OPEN_DELTA: +1 a lead's dead letter opened in {@code errorClass}, -1 it closed there
 * @param circuit         CIRCUIT: the latest report, null when the record was deleted
 * @param waiting         WAITING: the lead's latest {@link WaitingLead} (it starts or keeps waiting); WAIT_ENDED: the
 *                        wait that ended (its offer, leadId and {@code since} name the entry to remove), {@code at}
 *                        being when it ended
 *
 * <p>DESTINATION: the offer has a destination in {@code lead-destinations} ({@code destinationType}, {@code at} its
 * {@code updatedAt}); DESTINATION_REMOVED: its record there was deleted (a tombstone) or is unreadable, which the router
 * also reads as no destination. Only the type and the time are taken from a destination: never its settings or
 * contacts.
 */
public record OfferEvent(
        Kind kind,
        String leadId,
        Instant at,
        boolean test,
        OutcomeType outcome,
        String destinationType,
        ErrorClass errorClass,
        String detail,
        int delta,
        CircuitReport circuit,
        WaitingLead waiting) {

    /**
     * The kinds of fact. WAITING and WAIT_ENDED come from {@code lead-waiting} (and, for WAIT_ENDED, from a terminal
     * outcome of a waiting lead) through {@link TrackWaiting}.
     */
    public enum Kind {
        LEAD,
        OUTCOME,
        OPEN_DELTA,
        CIRCUIT,
        WAITING,
        WAIT_ENDED,
        DESTINATION,
        DESTINATION_REMOVED
    }

    static OfferEvent lead(String leadId, Instant receivedAt, boolean test) {
        return new OfferEvent(Kind.LEAD, leadId, receivedAt, test, null, null, null, null, 0, null, null);
    }

    /** An outcome's fact: its type, test flag, destination type, class and detail, for the given lead and time. */
    static OfferEvent outcome(Outcome o, String leadId, Instant at) {
        return new OfferEvent(
                Kind.OUTCOME,
                leadId,
                at,
                o.test(),
                o.outcome(),
                o.destinationType(),
                o.errorClass(),
                o.detail(),
                0,
                null,
                null);
    }

    static OfferEvent openDelta(ErrorClass errorClass, int delta, Instant at, String destinationType) {
        return new OfferEvent(
                Kind.OPEN_DELTA, null, at, false, null, destinationType, errorClass, null, delta, null, null);
    }

    static OfferEvent circuit(CircuitReport report) {
        return new OfferEvent(
                Kind.CIRCUIT,
                null,
                report == null ? null : report.since(),
                false,
                null,
                report == null ? null : report.destinationType(),
                null,
                null,
                0,
                report,
                null);
    }

    static OfferEvent destination(String destinationType, Instant updatedAt) {
        return new OfferEvent(
                Kind.DESTINATION, null, updatedAt, false, null, destinationType, null, null, 0, null, null);
    }

    static OfferEvent destinationRemoved(Instant at) {
        return new OfferEvent(Kind.DESTINATION_REMOVED, null, at, false, null, null, null, null, 0, null, null);
    }

    static OfferEvent waiting(WaitingLead w) {
        return new OfferEvent(
                Kind.WAITING, w.leadId(), w.at(), false, null, w.destinationType(), w.errorClass(), null, 0, null, w);
    }

    static OfferEvent waitEnded(WaitingLead w, Instant endedAt) {
        return new OfferEvent(
                Kind.WAIT_ENDED, w.leadId(), endedAt, false, null, w.destinationType(), null, null, 0, null, w);
    }
}
