package dev.leadpipe.sink.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.LeadSource;
import dev.leadpipe.core.lead.MarketplaceAction;
import dev.leadpipe.core.lead.MarketplaceSource;

/**
 * The field-mapping helpers the destination clients share: a lead's subject line, values cut to a field's length,
 * and a row written as JSON.
 */
public final class LeadFields {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LeadFields() {}

    /**
     * {@code "OfferTitle (Action) via Source"}, both named as the marketplace's storefront does
     * ({@link MarketplaceAction#labelOf}, {@link MarketplaceSource#labelOf}): "Contoso Widget (Contact me) via
     * AppSource". The action is the ActionCode, else the LeadSource's action part; the source is the LeadSource's
     * source part, else the raw LeadSource. An unknown code is shown as it came; an absent one is left out; no title
     * (nor offer id) gives "Marketplace lead".
     */
    public static String subject(Lead lead) {
        LeadSource source = lead.parsedLeadSource();
        String title = lead.offerTitle() != null ? lead.offerTitle() : lead.offerId();
        String action = MarketplaceAction.codeOf(lead);
        String from = source.source() != null ? source.source() : lead.leadSource();
        return (title == null ? "Marketplace lead" : title)
                + (action == null ? "" : " (" + MarketplaceAction.labelOf(action) + ")")
                + (from == null || from.isBlank() ? "" : " via " + MarketplaceSource.labelOf(from));
    }

    /** A new empty JSON row. */
    public static ObjectNode row() {
        return JSON.createObjectNode();
    }

    /** Puts the value cut to {@code max} characters; an absent or blank value is not put. */
    public static void put(ObjectNode row, String field, String value, int max) {
        if (value != null && !value.isBlank()) {
            row.put(field, cut(value, max));
        }
    }

    /** The value, at most {@code max} characters. */
    public static String cut(String value, int max) {
        return value.length() > max ? value.substring(0, max) : value;
    }

    /** The row as UTF-8 JSON. */
    public static byte[] bytes(Object row) {
        try {
            return JSON.writeValueAsBytes(row);
        } catch (Exception e) {
            throw new IllegalStateException("cannot write the lead as JSON", e);
        }
    }
}
