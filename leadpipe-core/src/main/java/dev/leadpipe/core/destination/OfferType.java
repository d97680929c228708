package dev.leadpipe.core.destination;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The marketplace offer types, as far as lead management cares: whether an offer of the type can be published
 * without a lead destination. SaaS and Dynamics 365 Customer Engagement offers need one when listed as
 * "Contact me"; Dynamics 365 Finance and Operations, Business Central and Consulting services always do.
 */
public enum OfferType {
    SAAS,
    DYNAMICS_365_CUSTOMER_ENGAGEMENT,
    DYNAMICS_365_FINANCE_AND_OPERATIONS,
    DYNAMICS_365_BUSINESS_CENTRAL,
    CONSULTING_SERVICE,
    AZURE_APPLICATION,
    AZURE_VIRTUAL_MACHINE,
    AZURE_CONTAINER,
    IOT_EDGE_MODULE,
    POWER_BI_APP;

    /** The listing option that makes SaaS and Customer Engagement offers collect leads. */
    public static final String CONTACT_ME = "contact-me";

    /** {@code saas}, {@code consulting-service}, ... */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether an offer of this type, with this listing option (may be null), needs a lead destination to publish. */
    public boolean requiresLeadDestination(String listingOption) {
        return switch (this) {
            case DYNAMICS_365_FINANCE_AND_OPERATIONS, DYNAMICS_365_BUSINESS_CENTRAL, CONSULTING_SERVICE -> true;
            case SAAS, DYNAMICS_365_CUSTOMER_ENGAGEMENT ->
                CONTACT_ME.equalsIgnoreCase(listingOption == null ? "" : listingOption.strip());
            default -> false;
        };
    }

    public static Optional<OfferType> fromWireName(String name) {
        return Arrays.stream(values())
                .filter(t -> name != null && t.wireName().equals(name.strip().toLowerCase(Locale.ROOT)))
                .findFirst();
    }

    /** Every wire name, comma-separated, for error messages. */
    public static String wireNames() {
        return Arrays.stream(values()).map(OfferType::wireName).collect(Collectors.joining(", "));
    }
}
