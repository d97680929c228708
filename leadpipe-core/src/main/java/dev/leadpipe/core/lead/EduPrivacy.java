package dev.leadpipe.core.lead;

import java.util.Locale;
import java.util.Map;

/**
 * Withholds the personal data of a .edu customer as early as possible, so it never reaches a topic: the lead keeps
 * its ids, offer, source, action and title, and its {@code UserDetails} shrink to an address at the customer's
 * domain ({@code withheld@cs.mit.edu}) so every later stage still sees that it is a .edu lead. Name, phone,
 * company, title, description and unknown fields are dropped.
 */
public final class EduPrivacy {
    /** The local part that replaces a .edu customer's own. */
    public static final String WITHHELD_LOCAL_PART = "withheld";

    private EduPrivacy() {}

    /** The lead unchanged when it is not a .edu lead, else the lead without personal data. */
    public static Lead withhold(Lead lead) {
        String email = lead.userDetails().email();
        if (!EduEmail.isEdu(email)) {
            return lead;
        }
        String domain = email.substring(Math.max(email.lastIndexOf('@'), email.lastIndexOf('\uFF20')) + 1)
                .replace(">", "")
                .strip()
                .toLowerCase(Locale.ROOT);
        UserDetails withheld =
                new UserDetails(null, null, WITHHELD_LOCAL_PART + "@" + domain, null, null, null, null, Map.of());
        return new Lead(
                lead.leadId(),
                lead.offerId(),
                lead.receivedAt(),
                lead.test(),
                withheld,
                lead.leadSource(),
                lead.actionCode(),
                lead.offerTitle(),
                null,
                Map.of());
    }
}
