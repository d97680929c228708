package dev.leadpipe.status;

import java.time.Instant;

import dev.leadpipe.core.circuit.CircuitReport;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.outcome.OutcomeType;

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
 */
public record OfferEvent(Kind kind, String leadId, Instant at, boolean test, OutcomeType outcome,
                         String destinationType, ErrorClass errorClass, String detail, int delta,
                         CircuitReport circuit) {

    /** The kinds of fact. */
    public enum Kind { LEAD, OUTCOME, OPEN_DELTA, CIRCUIT }

    static OfferEvent lead(String leadId, Instant receivedAt, boolean test) {
        return new OfferEvent(Kind.LEAD, leadId, receivedAt, test, null, null, null, null, 0, null);
    }

    static OfferEvent outcome(String leadId, Instant at, boolean test, OutcomeType outcome, String destinationType,
                              ErrorClass errorClass, String detail) {
        return new OfferEvent(Kind.OUTCOME, leadId, at, test, outcome, destinationType, errorClass, detail, 0, null);
    }

    static OfferEvent openDelta(ErrorClass errorClass, int delta, Instant at, String destinationType) {
        return new OfferEvent(Kind.OPEN_DELTA, null, at, false, null, destinationType, errorClass, null, delta, null);
    }

    static OfferEvent circuit(CircuitReport report) {
        return new OfferEvent(Kind.CIRCUIT, null, report == null ? null : report.since(), false, null,
                report == null ? null : report.destinationType(), null, null, 0, report);
    }
}
