package dev.leadpipe.sink.runtime;

import dev.leadpipe.sink.runtime.testing.MarketplaceLeads;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The subject line a CRM shows (Dynamics' {@code subject}, Salesforce's Description when the lead has none): every
 * action code and source named as the marketplace's storefront names it, unknown ones as they came.
 */
class LeadFieldsTest {

    @ParameterizedTest(name = "{0} / {1} -> {2}")
    @CsvSource(
            delimiter = ';',
            nullValues = "-",
            value = {
                // every action code, by ActionCode
                "AppSource-INS|contoso.widget; INS; Contoso Widget (Get it now) via AppSource",
                "AppSource-PLT|contoso.widget; PLT; Contoso Widget (Contact me) via AppSource",
                "AppSource-DNC|contoso.widget; DNC; Contoso Widget (Do not contact) via AppSource",
                "AzurePortal-Create|contoso.widget; Create; Contoso Widget (Purchase) via Azure portal",
                "TestDrive-StartTestDrive|contoso.widget; StartTestDrive; Contoso Widget (Test drive) via Test drive",
                "AppSource-XYZ|contoso.widget; XYZ; Contoso Widget (XYZ) via AppSource",
                // every source
                "AzureMarketplace-INS|contoso.widget; INS; Contoso Widget (Get it now) via Azure Marketplace",
                "SPZA-PLT|contoso.widget; PLT; Contoso Widget (Contact me) via AppSource",
                "Bing-INS|contoso.widget; INS; Contoso Widget (Get it now) via Bing",
                // the action only in the LeadSource, any case; none at all
                "SPZA-dnc|contoso.widget; -; Contoso Widget (Do not contact) via AppSource",
                "AzureMarketplace|contoso.widget; -; Contoso Widget via Azure Marketplace",
                "-; PLT; Contoso Widget (Contact me)",
                "-; -; Contoso Widget",
            })
    void namesTheActionAndTheSourceAsTheStorefrontDoes(String leadSource, String actionCode, String subject) {
        var lead = MarketplaceLeads.lead("lead-subject", "contoso.widget", leadSource, actionCode);
        var titled = new dev.leadpipe.core.lead.Lead(
                lead.leadId(),
                lead.offerId(),
                lead.receivedAt(),
                lead.test(),
                lead.userDetails(),
                lead.leadSource(),
                lead.actionCode(),
                "Contoso Widget",
                lead.description(),
                lead.otherFields());
        assertThat(LeadFields.subject(titled)).isEqualTo(subject);
    }
}
