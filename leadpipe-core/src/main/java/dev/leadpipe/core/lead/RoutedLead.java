package dev.leadpipe.core.lead;

import java.time.Instant;

import dev.leadpipe.core.error.ErrorClass;

/**
 * What the router did with one lead that passed its duplicate filter, written to {@code leads-routed} keyed by
 * leadId (see {@code Topics.LEADS_ROUTED}). It is what the notifier reads, so that a resubmitted duplicate, which the
 * router drops, is never notified twice. Holds no customer personal data: ids, the offer title, the marketplace lead
 * source and action, times and flags only (never a name, e-mail address, phone, company, title or description).
 *
 * @param leadId          the lead's id
 * @param offerId         {@code publisherId.offerId}
 * @param offerTitle      the marketplace's offer title, or null
 * @param leadSource      the marketplace lead source as it came ({@code Source-Action|publisher.offer}), or null
 * @param actionCode      the action code ({@link MarketplaceAction#codeOf}), or null when the lead names none
 * @param receivedAt      when ingest received the lead, or null
 * @param test            the marketplace's (or validate's) {@code MSFT_TEST_} test lead
 * @param edu             the customer's e-mail domain is .edu (the lead was suppressed, its personal data withheld)
 * @param destinationType the wire name of the offer's destination type when routed, else that of the destination
 *                        found (or null when none)
 * @param result          what the router did
 * @param errorClass      why the lead was held ({@link Result#HELD}), else null
 * @param replayCount     the lead's {@code leadpipe.replay.count} (0 for a first pass)
 * @param at              when the router handled it (the input record's timestamp)
 */
public record RoutedLead(
        String leadId,
        String offerId,
        String offerTitle,
        String leadSource,
        String actionCode,
        Instant receivedAt,
        boolean test,
        boolean edu,
        String destinationType,
        Result result,
        ErrorClass errorClass,
        int replayCount,
        Instant at) {

    /** What the router did with a lead. */
    public enum Result {
        /** Handed to its destination type's delivery topic. */
        ROUTED,
        /** The customer is .edu: counted, not delivered (a SUPPRESSED outcome). */
        SUPPRESSED,
        /**
         * Dead-lettered because its offer has no working destination ({@code NO_DESTINATION_CONFIGURED}: none or type
         * {@code none}; {@code DESTINATION_UNSUPPORTED}: {@code blob}); the lead is held and can be replayed.
         */
        HELD
    }

    /** The record for a lead, built from its ids, offer, source, action, time and flags only. */
    public static RoutedLead of(
            Lead lead, Result result, String destinationType, ErrorClass errorClass, int replayCount, Instant at) {
        return new RoutedLead(
                lead.leadId(),
                lead.offerId(),
                blankToNull(lead.offerTitle()),
                blankToNull(lead.leadSource()),
                MarketplaceAction.codeOf(lead),
                lead.receivedAt(),
                lead.test(),
                lead.userDetails() != null && lead.userDetails().isEdu(),
                destinationType,
                result,
                errorClass,
                replayCount,
                at);
    }

    /** Whether a record read from the topic holds what every reader relies on: a lead id, an offer and a result. */
    public boolean usable() {
        return leadId != null && !leadId.isBlank() && offerId != null && !offerId.isBlank() && result != null;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
