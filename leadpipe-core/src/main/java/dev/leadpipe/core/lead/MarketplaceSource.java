package dev.leadpipe.core.lead;

import java.util.Locale;
import java.util.Optional;

/**
 * Where on the marketplace a lead came from: the source part of its LeadSource. Besides the documented
 * {@code AzureMarketplace}, {@code AzurePortal} and {@code AppSource}, real feeds carry {@code SPZA} (AppSource's
 * older name) and {@code TestDrive}; every place that names a source to a publisher reads it from here.
 */
public enum MarketplaceSource {
    AZURE_MARKETPLACE("AzureMarketplace", "Azure Marketplace"),
    AZURE_PORTAL("AzurePortal", "Azure portal"),
    APP_SOURCE("AppSource", "AppSource"),
    SPZA("SPZA", "AppSource"),
    TEST_DRIVE("TestDrive", "Test drive");

    private final String code;
    private final String label;

    MarketplaceSource(String code, String label) {
        this.code = code;
        this.label = label;
    }

    /** The source as the marketplace writes it. */
    public String code() {
        return code;
    }

    /** The storefront's name for a publisher ({@code SPZA} is "AppSource"). */
    public String label() {
        return label;
    }

    /** The source a code names, matched ignoring case and surrounding blanks; empty for null or an unknown one. */
    public static Optional<MarketplaceSource> fromCode(String code) {
        if (code == null || code.isBlank()) {
            return Optional.empty();
        }
        String wanted = code.strip().toLowerCase(Locale.ROOT);
        for (MarketplaceSource s : values()) {
            if (s.code.toLowerCase(Locale.ROOT).equals(wanted)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The label of a source code; an unknown code is shown as it came; null as "unknown source". */
    public static String labelOf(String code) {
        if (code == null || code.isBlank()) {
            return "unknown source";
        }
        return fromCode(code).map(MarketplaceSource::label).orElse(code.strip());
    }
}
