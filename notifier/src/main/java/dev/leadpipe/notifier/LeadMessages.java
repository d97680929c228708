package dev.leadpipe.notifier;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import dev.leadpipe.core.destination.DestinationSpecs;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.lead.LeadSource;
import dev.leadpipe.core.lead.MarketplaceAction;
import dev.leadpipe.core.lead.MarketplaceSource;
import dev.leadpipe.core.lead.RoutedLead;

/**
 * Writes the subject and plain-text body of the notification e-mails. Its only inputs are what the router recorded
 * of a lead ({@link RoutedLead}: ids, offer, offer title, source, action, time, whether the customer's e-mail is .edu,
 * and where it went) and the lookup page: a customer's name, e-mail address, phone, company or title never reach it,
 * so no mail it writes can contain them.
 */
final class LeadMessages {
    private static final DateTimeFormatter UTC =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    static final String EDU_NOTE = "The customer's e-mail domain is .edu, so, for privacy, no personal data about this"
            + " customer was kept or passed on: only the lead id, offer, action and time are known.";

    private LeadMessages() {}

    static String actionLabel(String code) {
        return MarketplaceAction.labelOf(code);
    }

    static String actionWords(String code) {
        if (code == null || code.isBlank()) {
            return "did something the marketplace did not name";
        }
        return MarketplaceAction.fromCode(code).map(MarketplaceAction::words).orElse("action " + code);
    }

    static String time(Instant at) {
        return at == null ? "unknown" : UTC.format(at);
    }

    /** Where the publisher finds a lead delivered to a destination of this type. */
    static String whereToFind(DestinationType type) {
        return DestinationSpecs.of(type == null ? DestinationType.NONE : type).whereToFind();
    }

    /** Where a routed lead went: its destination type when routed, else null (held: not delivered). */
    static DestinationType deliveryType(RoutedLead lead) {
        if (lead.result() != RoutedLead.Result.ROUTED) {
            return null;
        }
        return DestinationType.fromWireName(lead.destinationType())
                .filter(DestinationType::isDeliverable)
                .orElse(null);
    }

    static String subject(RoutedLead lead) {
        return "New " + (lead.test() ? "test lead" : "lead") + " for " + oneLine(lead.offerId()) + " ("
                + oneLine(actionLabel(lead.actionCode())) + ")";
    }

    static String body(RoutedLead lead, Instant handledAt, String lookupUrl) {
        DestinationType type = deliveryType(lead);
        StringBuilder b = new StringBuilder();
        b.append(lead.test() ? "A test lead" : "A new lead").append(" arrived for your marketplace offer.\n\n");
        b.append("Offer:       ").append(lead.offerId()).append('\n');
        if (lead.offerTitle() != null && !lead.offerTitle().isBlank()) {
            b.append("Offer title: ").append(oneLine(lead.offerTitle())).append('\n');
        }
        String code = lead.actionCode();
        b.append("Action:      the customer ").append(actionWords(code)).append('\n');
        b.append("Received:    ")
                .append(time(lead.receivedAt() != null ? lead.receivedAt() : handledAt))
                .append('\n');
        b.append("Lead id:     ").append(lead.leadId()).append('\n');
        if (lead.leadSource() != null && !lead.leadSource().isBlank()) {
            b.append("Lead source: ").append(oneLine(lead.leadSource())).append('\n');
            String source = LeadSource.parse(lead.leadSource()).source();
            if (source != null) {
                b.append("Storefront:  ")
                        .append(oneLine(MarketplaceSource.labelOf(source)))
                        .append('\n');
            }
        }
        if (lead.test()) {
            b.append(
                    "\nThis is a test lead (the marketplace's, or one sent by validating the lead configuration), not a real customer.\n");
        }
        if (lead.edu()) {
            b.append('\n').append(EDU_NOTE).append('\n');
            b.append(
                    "\nWhere to find the lead: nowhere; a .edu lead is counted but not delivered to your lead destination.\n");
            b.append("\nThis e-mail holds no customer personal data.\n");
            return b.toString();
        }
        b.append("\nWhere to find the lead: ").append(whereToFind(type)).append('\n');
        lookup(b, lookupUrl);
        b.append("\nThis e-mail holds no customer personal data; the lead itself is in your lead destination.\n");
        return b.toString();
    }

    /** A day's (one interval's) summary of one offer's leads. */
    static String digestSubject(String offerId, int leads) {
        return "Lead digest for " + oneLine(offerId) + ": " + leads + (leads == 1 ? " new lead" : " new leads");
    }

    static String digestBody(
            String offerId,
            String offerTitle,
            Map<String, Integer> byAction,
            int edu,
            int test,
            Instant first,
            Instant last,
            int count,
            List<String> leadIds,
            DestinationType type,
            String lookupUrl) {
        StringBuilder b = new StringBuilder();
        b.append("Your marketplace offer received ")
                .append(count)
                .append(count == 1 ? " new lead" : " new leads")
                .append(" in this period.\n\n");
        b.append("Offer:       ").append(offerId).append('\n');
        if (offerTitle != null && !offerTitle.isBlank()) {
            b.append("Offer title: ").append(oneLine(offerTitle)).append('\n');
        }
        b.append("First lead:  ").append(time(first)).append('\n');
        b.append("Last lead:   ").append(time(last)).append('\n');
        b.append("\nLeads by action:\n");
        byAction.forEach((code, n) -> b.append("  ")
                .append(n)
                .append(" x the customer ")
                .append(actionWords(code))
                .append('\n'));
        if (test > 0) {
            b.append("\n")
                    .append(test)
                    .append(test == 1 ? " of them is a test lead" : " of them are test leads")
                    .append(" (the marketplace's, or sent by validating the lead configuration).\n");
        }
        if (edu > 0) {
            b.append('\n')
                    .append(edu)
                    .append(edu == 1 ? " lead comes" : " leads come")
                    .append(" from a customer whose e-mail domain is .edu, so, for privacy, no personal data about")
                    .append(edu == 1 ? " that customer" : " those customers")
                    .append(" was kept or passed on: only the lead id, offer, action and time are known.\n");
        }
        b.append("\nLead ids:\n");
        leadIds.forEach(id -> b.append("  ").append(id).append('\n'));
        b.append("\nWhere to find the leads: ").append(whereToFind(type)).append('\n');
        lookup(b, lookupUrl);
        b.append("\nThis e-mail holds no customer personal data; the leads themselves are in your lead destination.\n");
        return b.toString();
    }

    private static void lookup(StringBuilder b, String lookupUrl) {
        if (lookupUrl != null) {
            b.append("You can also look a lead up by its id at ")
                    .append(lookupUrl)
                    .append('\n');
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\r\\n\\t]+", " ").strip();
    }
}
