package dev.leadpipe.core.destination;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.MarketplaceAction;

/**
 * What a destination does with a do-not-contact lead (action {@code DNC}: the customer was cross-listed on the offer's
 * page, did not ask to be contacted and must not be): the destination setting {@value #SETTING}, declared once here
 * ({@link #SETTING_SPEC}) and listed by every delivering type's spec.
 * <ul>
 *   <li>{@link #DELIVER_MARKED} (the default): the lead is delivered with the destination's own do-not-contact fields
 *       set (Dataverse {@code donotemail}, {@code donotphone}, {@code donotbulkemail}; Salesforce
 *       {@code HasOptedOutOfEmail}, {@code DoNotCall}; the Table's {@code DoNotContact} column);</li>
 *   <li>{@link #RECORD_ONLY}: the lead is not sent; the sink records it as {@code SUPPRESSED} with
 *       {@code DO_NOT_CONTACT_NOT_DELIVERED}.</li>
 * </ul>
 * Leads of any other action are delivered whatever the setting.
 */
public enum DoNotContactLeads {
    DELIVER_MARKED("deliver-marked"),
    RECORD_ONLY("record-only");

    /** The destination setting's name. */
    public static final String SETTING = "doNotContactLeads";

    /** The one declaration of the setting, shared by the specs of Dynamics 365, Salesforce, Azure Table and HTTPS. */
    public static final SettingSpec SETTING_SPEC = SettingSpec.of(
                    SETTING,
                    "what to do with a do-not-contact (DNC) lead: deliver-marked (default: delivered with the"
                            + " destination's do-not-contact fields set) or record-only (not sent; its outcome is"
                            + " SUPPRESSED, DO_NOT_CONTACT_NOT_DELIVERED)")
            .checked(value -> parse(value).isPresent() ? Optional.empty() : Optional.of("must be one of " + allowed()));

    private final String value;

    DoNotContactLeads(String value) {
        this.value = value;
    }

    /** The setting's value as a configuration writes it ({@code deliver-marked}, {@code record-only}). */
    public String value() {
        return value;
    }

    /** The choice a destination's settings make; {@link #DELIVER_MARKED} when the setting is absent or unreadable. */
    public static DoNotContactLeads of(Map<String, String> settings) {
        return settings == null ? DELIVER_MARKED : parse(settings.get(SETTING)).orElse(DELIVER_MARKED);
    }

    /** The choice a value names, ignoring case and surrounding blanks; empty for null or another value. */
    public static Optional<DoNotContactLeads> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String wanted = value.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(c -> c.value.equals(wanted)).findFirst();
    }

    /** Whether the lead's action is one whose customer must not be contacted (DNC). */
    public static boolean applies(Lead lead) {
        return lead != null
                && MarketplaceAction.of(lead)
                        .map(MarketplaceAction::doNotContact)
                        .orElse(false);
    }

    /** Whether this choice keeps the lead from being sent: record-only and a do-not-contact lead. */
    public boolean withholds(Lead lead) {
        return this == RECORD_ONLY && applies(lead);
    }

    private static String allowed() {
        return Arrays.stream(values()).map(DoNotContactLeads::value).collect(Collectors.joining(", "));
    }
}
