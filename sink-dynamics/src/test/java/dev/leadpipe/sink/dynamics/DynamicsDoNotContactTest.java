package dev.leadpipe.sink.dynamics;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.fakes.FakeAzureAd;
import dev.leadpipe.fakes.FakeDataverse;
import dev.leadpipe.fakes.FakeLeadStore;
import dev.leadpipe.sink.runtime.DestinationClient;
import dev.leadpipe.sink.runtime.testing.DoNotContactContract;

import static dev.leadpipe.sink.dynamics.DynamicsLeads.CANARY_SECRET;
import static dev.leadpipe.sink.dynamics.DynamicsLeads.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Do-not-contact leads through the real SinkRuntime, DynamicsDestinationClient (real msal4j) and FakeDataverse
 * ({@link DoNotContactContract}): marked {@code donotemail}, {@code donotphone}, {@code donotbulkemail} (and
 * {@code donotfax}, {@code donotpostalmail}) = true, or not sent when the destination is record-only.
 */
class DynamicsDoNotContactTest extends DoNotContactContract {
    static final String APP = "0d0d0d0d-1111-4111-8111-000000000001";

    FakeAzureAd aadFake;
    FakeDataverse dataverse;

    @Override
    protected void startDestination() {
        aadFake = FakeAzureAd.start().addApp(TENANT, APP, CANARY_SECRET);
        dataverse = FakeDataverse.start(aadFake);
    }

    @Override
    protected void stopDestination() {
        dataverse.close();
        aadFake.close();
    }

    @Override
    protected DestinationClient client() {
        return new DynamicsDestinationClient(
                aadFake.authorityHost(),
                MsalHttp.via(aadFake.baseUrl(), HttpClient.newHttpClient(), Duration.ofSeconds(30)),
                null,
                Duration.ofSeconds(5));
    }

    @Override
    protected LeadDestination destination(String offerId, Map<String, String> extra) {
        LeadDestination d = DynamicsLeads.aad(offerId, dataverse.url(), TENANT, APP, CANARY_SECRET);
        Map<String, String> settings = new LinkedHashMap<>(d.settings());
        settings.putAll(extra);
        return new LeadDestination(offerId, d.type(), settings, d.contactEmails(), 1, d.updatedAt());
    }

    @Override
    protected Map<String, Object> stored(String leadId) {
        FakeLeadStore.LeadRecord record = dataverse.record(leadId);
        return record == null ? null : record.fields();
    }

    @Override
    protected int received() {
        return dataverse.upsertRequests();
    }

    @Override
    protected void assertMarked(Map<String, Object> fields) {
        assertThat(fields)
                .containsEntry("donotemail", true)
                .containsEntry("donotphone", true)
                .containsEntry("donotbulkemail", true)
                .containsEntry("donotfax", true)
                .containsEntry("donotpostalmail", true);
        assertThat((String) fields.get("subject")).endsWith("(Do not contact) via " + viaOf(fields));
    }

    @Override
    protected void assertNotMarked(Map<String, Object> fields) {
        assertThat(fields)
                .doesNotContainKeys("donotemail", "donotphone", "donotbulkemail", "donotfax", "donotpostalmail");
    }

    /** The storefront a stored lead's subject names: SPZA is AppSource, AzureMarketplace is Azure Marketplace. */
    private static String viaOf(Map<String, Object> fields) {
        return String.valueOf(fields.get("leadpipe_leadsource")).startsWith("SPZA") ? "AppSource" : "Azure Marketplace";
    }
}
