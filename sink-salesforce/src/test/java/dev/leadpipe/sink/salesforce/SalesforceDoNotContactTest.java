package dev.leadpipe.sink.salesforce;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.fakes.FakeLeadStore;
import dev.leadpipe.fakes.FakeSalesforce;
import dev.leadpipe.sink.runtime.DestinationClient;
import dev.leadpipe.sink.runtime.testing.DoNotContactContract;
import dev.leadpipe.sink.runtime.testing.MarketplaceLeads;
import org.junit.jupiter.api.Test;

import static dev.leadpipe.sink.salesforce.SalesforceLeads.CANARY_SECRET;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Do-not-contact leads through the real SinkRuntime, SalesforceDestinationClient (REST, client credentials) and
 * FakeSalesforce ({@link DoNotContactContract}): marked {@code HasOptedOutOfEmail}, {@code DoNotCall} (and
 * {@code HasOptedOutOfFax}) = true, or not sent when the destination is record-only.
 */
class SalesforceDoNotContactTest extends DoNotContactContract {
    static final String CLIENT = "3MVG9-dnc-cc";

    FakeSalesforce salesforce;

    @Override
    protected void startDestination() {
        salesforce = FakeSalesforce.start().addClientCredentialsApp(CLIENT, CANARY_SECRET);
    }

    @Override
    protected void stopDestination() {
        salesforce.close();
    }

    @Override
    protected DestinationClient client() {
        return new SalesforceDestinationClient(null, Duration.ofSeconds(5));
    }

    @Override
    protected LeadDestination destination(String offerId, Map<String, String> extra) {
        LeadDestination d = SalesforceLeads.clientCredentials(offerId, salesforce.url(), CLIENT, CANARY_SECRET);
        Map<String, String> settings = new LinkedHashMap<>(d.settings());
        settings.putAll(extra);
        return SalesforceLeads.destination(offerId, settings);
    }

    @Override
    protected Map<String, Object> stored(String leadId) {
        FakeLeadStore.LeadRecord record = salesforce.record(leadId);
        return record == null ? null : record.fields();
    }

    @Override
    protected int received() {
        return salesforce.upsertRequests();
    }

    @Override
    protected void assertMarked(Map<String, Object> fields) {
        assertThat(fields)
                .containsEntry("HasOptedOutOfEmail", true)
                .containsEntry("DoNotCall", true)
                .containsEntry("HasOptedOutOfFax", true);
    }

    @Override
    protected void assertNotMarked(Map<String, Object> fields) {
        assertThat(fields).doesNotContainKeys("HasOptedOutOfEmail", "DoNotCall", "HasOptedOutOfFax");
    }

    /** Web-to-Lead: the form fields Salesforce's own generated form names these checkboxes, checked ({@code 1}). */
    @Test
    void webToLeadMarksADncLeadWithTheFormsOptOutCheckboxes() throws Exception {
        try (SalesforceDestinationClient client = new SalesforceDestinationClient(null, Duration.ofSeconds(5))) {
            LeadDestination w2l =
                    SalesforceLeads.webToLead("contoso.dnc-w2l", salesforce.webToLeadUrl(), salesforce.orgId());
            client.deliver(
                    MarketplaceLeads.lead(
                            "lead-w2l-dnc", "contoso.dnc-w2l", "AppSource-DNC|contoso.widget-saas", "DNC"),
                    w2l);
            client.deliver(
                    MarketplaceLeads.lead(
                            "lead-w2l-plt", "contoso.dnc-w2l", "AppSource-PLT|contoso.widget-saas", "PLT"),
                    w2l);
        }
        Map<String, String> dnc = storedForm("lead lead-w2l-dnc");
        Map<String, String> plt = storedForm("lead lead-w2l-plt");
        assertThat(dnc)
                .containsEntry("emailOptOut", "1")
                .containsEntry("doNotCall", "1")
                .containsEntry("faxOptOut", "1");
        assertThat(plt).doesNotContainKeys("emailOptOut", "doNotCall", "faxOptOut");
    }

    private Map<String, String> storedForm(String description) {
        return salesforce.webToLeadStored().stream()
                .filter(f -> description.equals(f.get("description")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Web-to-Lead form stored with " + description));
    }
}
