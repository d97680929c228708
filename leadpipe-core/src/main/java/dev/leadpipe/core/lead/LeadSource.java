package dev.leadpipe.core.lead;

/**
 * The marketplace's {@code LeadSource}, {@code Source-Action|publisher.offer}, taken apart.
 * Unknown sources and actions are kept as they came (with {@link #knownSource()} / {@link #knownAction()} false),
 * never rejected: the marketplace adds values over time. Known ones ({@link MarketplaceSource},
 * {@link MarketplaceAction}) are matched ignoring case. Any part may be null when absent.
 */
public record LeadSource(String raw, String source, String action, String publisherId, String offerName) {

    public static LeadSource parse(String raw) {
        if (raw == null || raw.isBlank()) {
            return new LeadSource(raw, null, null, null, null);
        }
        String sourceAndAction = raw;
        String offerPart = null;
        int bar = raw.indexOf('|');
        if (bar >= 0) {
            sourceAndAction = raw.substring(0, bar);
            offerPart = raw.substring(bar + 1).trim();
        }
        String source = sourceAndAction.trim();
        String action = null;
        int dash = source.indexOf('-');
        if (dash >= 0) {
            action = emptyToNull(source.substring(dash + 1).trim());
            source = source.substring(0, dash).trim();
        }
        String publisher = null;
        String offer = null;
        if (offerPart != null) {
            int dot = offerPart.indexOf('.');
            if (dot > 0 && dot < offerPart.length() - 1) {
                publisher = offerPart.substring(0, dot);
                offer = offerPart.substring(dot + 1);
            }
        }
        return new LeadSource(raw, emptyToNull(source), action, publisher, offer);
    }

    public boolean knownSource() {
        return MarketplaceSource.fromCode(source).isPresent();
    }

    public boolean knownAction() {
        return MarketplaceAction.fromCode(action).isPresent();
    }

    /** {@code publisher.offer} when the LeadSource names one, else null. */
    public String offerId() {
        return publisherId == null ? null : publisherId + "." + offerName;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
