package dev.leadpipe.core.lead;

import java.util.Locale;
import java.util.Optional;

/**
 * What the customer did on the marketplace, as its lead-source format and "customer leads" documentation define the
 * action codes. Every place that names an action to a publisher (notifications, the Dynamics subject, the Table
 * columns, status, docs) reads it from here.
 *
 * <p>{@link #DNC} is a heads-up, not a request: the customer was cross-listed on the publisher's app page and must
 * not be contacted. {@link #doNotContact()} is true only for it.
 */
public enum MarketplaceAction {
    INS("INS", "Get it now", "installed the offer (\"Get it now\")", false),
    PLT("PLT", "Contact me", "asked to be contacted (\"Contact me\": a partner-led trial)", false),
    DNC(
            "DNC",
            "Do not contact",
            "was cross-listed on the offer's page; this is a heads-up only: the customer did not ask to be contacted"
                    + " and must not be contacted",
            true),
    CREATE("Create", "Purchase", "purchased the offer in the Azure portal (\"Create\")", false),
    START_TEST_DRIVE("StartTestDrive", "Test drive", "started a test drive", false);

    private final String code;
    private final String label;
    private final String words;
    private final boolean doNotContact;

    MarketplaceAction(String code, String label, String words, boolean doNotContact) {
        this.code = code;
        this.label = label;
        this.words = words;
        this.doNotContact = doNotContact;
    }

    /** The code as the marketplace writes it ({@code INS}, {@code PLT}, {@code DNC}, {@code Create}, ...). */
    public String code() {
        return code;
    }

    /** A short name for a subject line or a table column ("Contact me"). */
    public String label() {
        return label;
    }

    /** What the customer did, as the rest of a sentence starting "The customer ..." . */
    public String words() {
        return words;
    }

    /** True when the customer must not be contacted (DNC). */
    public boolean doNotContact() {
        return doNotContact;
    }

    /** The action a code names, matched ignoring case and surrounding blanks; empty for null or an unknown code. */
    public static Optional<MarketplaceAction> fromCode(String code) {
        if (code == null || code.isBlank()) {
            return Optional.empty();
        }
        String wanted = code.strip().toLowerCase(Locale.ROOT);
        for (MarketplaceAction a : values()) {
            if (a.code.toLowerCase(Locale.ROOT).equals(wanted)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** The lead's action code as it came: its ActionCode, else the action part of its LeadSource, else null. */
    public static String codeOf(Lead lead) {
        String code = lead.actionCode();
        if (code == null || code.isBlank()) {
            code = lead.parsedLeadSource().action();
        }
        return code == null || code.isBlank() ? null : code.strip();
    }

    /** The lead's action, when its code is one the marketplace defines. */
    public static Optional<MarketplaceAction> of(Lead lead) {
        return fromCode(codeOf(lead));
    }

    /** The label of a code ("Contact me"); an unknown code is shown as it came; null as "unknown action". */
    public static String labelOf(String code) {
        if (code == null || code.isBlank()) {
            return "unknown action";
        }
        return fromCode(code).map(MarketplaceAction::label).orElse(code.strip());
    }
}
