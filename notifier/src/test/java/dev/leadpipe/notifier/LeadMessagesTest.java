package dev.leadpipe.notifier;

import java.time.Instant;

import dev.leadpipe.core.lead.RoutedLead;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** What a publisher reads in a lead notification for each marketplace action code and source. */
class LeadMessagesTest {
    private static final Instant AT = Instant.parse("2026-11-24T08:15:30Z");

    private static RoutedLead lead(String leadSource, String actionCode) {
        return new RoutedLead(
                "lead-1",
                "contoso.widget",
                "Contoso Widget",
                leadSource,
                actionCode,
                AT,
                false,
                false,
                "dynamics",
                RoutedLead.Result.ROUTED,
                null,
                0,
                AT);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '#',
            value = {
                "INS# Get it now# installed the offer (\"Get it now\")",
                "PLT# Contact me# asked to be contacted (\"Contact me\": a partner-led trial)",
                "DNC# Do not contact# was cross-listed on the offer's page; this is a heads-up only: the customer did not"
                        + " ask to be contacted and must not be contacted",
                "Create# Purchase# purchased the offer in the Azure portal (\"Create\")",
                "StartTestDrive# Test drive# started a test drive",
                "Teleport# Teleport# action Teleport",
            })
    void eachActionCodeIsNamedAsTheMarketplaceDefinesIt(String code, String label, String words) {
        RoutedLead lead = lead("AzureMarketplace-" + code + "|contoso.widget", code);
        assertThat(LeadMessages.subject(lead)).isEqualTo("New lead for contoso.widget (" + label + ")");
        assertThat(LeadMessages.body(lead, AT, null)).contains("Action:      the customer " + words + "\n");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {
                "AzureMarketplace-INS|contoso.widget; Azure Marketplace",
                "AzurePortal-Create|contoso.widget; Azure portal",
                "AppSource-PLT|contoso.widget; AppSource",
                "SPZA-PLT|contoso.widget; AppSource",
                "TestDrive-StartTestDrive|contoso.widget; Test drive",
                "NewStore-INS|contoso.widget; NewStore",
            })
    void eachSourceIsNamedAsTheStorefront(String leadSource, String storefront) {
        String body = LeadMessages.body(lead(leadSource, "INS"), AT, null);
        assertThat(body)
                .contains("Lead source: " + leadSource + "\n")
                .contains("Storefront:  " + storefront + "\n")
                .doesNotContain("unknown source");
    }
}
