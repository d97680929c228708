package dev.leadpipe.sink.salesforce;

import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;

import dev.leadpipe.core.destination.types.SalesforceSpec;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.fakes.FakeSalesforce;
import dev.leadpipe.sink.runtime.DeliveryException;
import dev.leadpipe.sink.runtime.DeliveryResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.leadpipe.sink.runtime.testing.MarketplaceLeads.lead;
import static dev.leadpipe.sink.salesforce.SalesforceLeads.CANARY_SECRET;
import static dev.leadpipe.sink.salesforce.SalesforceLeads.USER;
import static dev.leadpipe.sink.salesforce.SalesforceLeads.clientCredentials;
import static dev.leadpipe.sink.salesforce.SalesforceLeads.jwt;
import static dev.leadpipe.sink.salesforce.SalesforceLeads.webToLead;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The client against FakeSalesforce without Kafka: token reuse and refresh, JWT variants, settings checks. */
class SalesforceDestinationClientTest {
    static final String CC = "3MVG9-unit-cc";
    static final String JWT = "3MVG9-unit-jwt";
    static final KeyPair KEYS = SalesforceLeads.rsa();
    static FakeSalesforce salesforce;
    static SalesforceDestinationClient client;

    @BeforeAll
    static void start() {
        salesforce = FakeSalesforce.start()
                .addClientCredentialsApp(CC, CANARY_SECRET)
                .addJwtApp(JWT, USER, KEYS.getPublic());
        client = new SalesforceDestinationClient(null, Duration.ofSeconds(5));
    }

    @AfterAll
    static void stop() {
        client.close();
        salesforce.close();
    }

    @Test
    void anExpiredTokenIsRefreshedOnceAndTheUpsertRetried() throws Exception {
        var d = clientCredentials("contoso.unit", salesforce.url(), CC, CANARY_SECRET);
        String first = client.deliver(lead("lead-unit-refresh", "contoso.unit"), d);
        client.deliver(lead("lead-unit-other", "contoso.unit"), d);
        assertThat(salesforce.tokenRequests(CC)).isEqualTo(1);
        salesforce.expireTokens();
        String second = client.deliver(lead("lead-unit-refresh", "contoso.unit"), d);
        assertThat(second).isEqualTo(first);
        assertThat(salesforce.tokenRequests(CC)).isEqualTo(2);
        assertThat(salesforce.record("lead-unit-refresh").writes()).isEqualTo(2);
    }

    @Test
    void jwtBearerVariants() throws Exception {
        String pem = SalesforceLeads.pem(KEYS);
        assertThat(client.deliver(
                        lead("lead-unit-jwt", "contoso.unit"), jwt("contoso.unit", salesforce.url(), JWT, USER, pem)))
                .startsWith("00Q");
        DeliveryException otherUser = catchThrowableOfType(
                DeliveryException.class,
                () -> client.deliver(
                        lead("lead-unit-jwt2", "contoso.unit"),
                        jwt("contoso.unit", salesforce.url(), JWT, "someone.else@contoso.example", pem)));
        assertThat(otherUser.failure().errorClass()).isEqualTo(ErrorClass.SALESFORCE_AUTH_FAILED);
        assertThat(otherUser.failure().detail())
                .contains("user hasn't approved this consumer")
                .doesNotContain("@");
        DeliveryException badKey = catchThrowableOfType(
                DeliveryException.class,
                () -> client.deliver(
                        lead("lead-unit-jwt3", "contoso.unit"),
                        jwt(
                                "contoso.unit",
                                salesforce.url(),
                                JWT,
                                USER,
                                "-----BEGIN PRIVATE KEY-----\nnot-a-key\n-----END PRIVATE KEY-----")));
        assertThat(badKey.failure().errorClass()).isEqualTo(ErrorClass.SALESFORCE_AUTH_FAILED);
        assertThat(badKey.failure().detail()).doesNotContain("not-a-key");
    }

    @Test
    void settingsAreCheckedBeforeSending() {
        DeliveryException notHttps = catchThrowableOfType(
                DeliveryException.class,
                () -> client.deliver(
                        lead("lead-unit-http", "contoso.unit"),
                        clientCredentials("contoso.unit", "http://login.salesforce.com", CC, CANARY_SECRET)));
        assertThat(notHttps.failure().isTransient()).isFalse();
        assertThat(notHttps.failure().detail()).contains("loginUrl");
        DeliveryException noCredential = catchThrowableOfType(
                DeliveryException.class,
                () -> client.deliver(
                        lead("lead-unit-nocred", "contoso.unit"),
                        SalesforceLeads.destination(
                                "contoso.unit",
                                Map.of(SalesforceSpec.LOGIN_URL, salesforce.url(), SalesforceSpec.CLIENT_ID, CC))));
        assertThat(noCredential.failure().errorClass()).isEqualTo(ErrorClass.SALESFORCE_AUTH_FAILED);
        int received = salesforce.webToLeadReceived().size();
        DeliveryException badOrg = catchThrowableOfType(
                DeliveryException.class,
                () -> client.deliver(
                        lead("lead-unit-org", "contoso.unit"),
                        webToLead("contoso.unit", salesforce.webToLeadUrl(), "00X000000000000")));
        assertThat(badOrg.failure().errorClass()).isEqualTo(ErrorClass.SALESFORCE_INVALID_ORG_ID);
        assertThat(salesforce.webToLeadReceived()).hasSize(received);
    }

    @Test
    void endpointsCarryNoSecret() {
        assertThat(client.endpoint(clientCredentials("o", "https://contoso.my.salesforce.com/", CC, CANARY_SECRET)))
                .isEqualTo("https://contoso.my.salesforce.com client " + CC);
        assertThat(client.endpoint(
                        SalesforceLeads.destination("o", Map.of(SalesforceSpec.ORGANIZATION_ID, "00D5g000004XyZa"))))
                .isEqualTo("https://webto.salesforce.com org 00D5g000004XyZa");
    }

    @Test
    void absentLastNameAndCompanyGetThePlaceholder() throws Exception {
        var lead = lead("lead-unit-empty", "contoso.unit");
        var empty = new dev.leadpipe.core.lead.Lead(
                lead.leadId(), lead.offerId(), lead.receivedAt(), false, null, null, null, null, null, null);
        client.deliver(empty, clientCredentials("contoso.unit", salesforce.url(), CC, CANARY_SECRET));
        assertThat(salesforce.record("lead-unit-empty").fields())
                .containsEntry("LastName", SalesforceDestinationClient.PLACEHOLDER)
                .containsEntry("Company", SalesforceDestinationClient.PLACEHOLDER)
                .containsEntry("LeadSource", SalesforceDestinationClient.DEFAULT_LEAD_SOURCE);
    }

    @Test
    void bothRoutesSendTheSameFieldsCutToSalesforcesLengths() throws Exception {
        var base = lead("lead-unit-mapping", "contoso.unit");
        String longName = "M".repeat(60);
        var lead = new dev.leadpipe.core.lead.Lead(
                base.leadId(),
                base.offerId(),
                base.receivedAt(),
                false,
                new dev.leadpipe.core.lead.UserDetails(
                        longName,
                        "Lin",
                        "mei.lin@contoso.example",
                        "+886 2 1234 5678",
                        "TW",
                        "Contoso",
                        "CTO",
                        Map.of()),
                base.leadSource(),
                base.actionCode(),
                base.offerTitle(),
                null,
                Map.of());
        client.deliver(lead, clientCredentials("contoso.unit", salesforce.url(), CC, CANARY_SECRET));
        assertThat(salesforce.record("lead-unit-mapping").fields())
                .containsEntry("FirstName", "M".repeat(40))
                .containsEntry("LastName", "Lin")
                .containsEntry("Email", "mei.lin@contoso.example")
                .containsEntry("Phone", "+886 2 1234 5678")
                .containsEntry("Company", "Contoso")
                .containsEntry("Title", "CTO")
                .containsEntry("Country", "TW")
                .containsEntry("Description", "Contoso Widget SaaS (Get it now) via Azure Marketplace")
                .containsEntry("LeadSource", "AzureMarketplace");

        client.deliver(lead, webToLead("contoso.unit", salesforce.webToLeadUrl(), salesforce.orgId()));
        Map<String, String> form =
                salesforce.webToLeadStored().get(salesforce.webToLeadStored().size() - 1);
        assertThat(form)
                .containsEntry("oid", salesforce.orgId())
                .containsEntry("first_name", "M".repeat(40))
                .containsEntry("last_name", "Lin")
                .containsEntry("email", "mei.lin@contoso.example")
                .containsEntry("phone", "+886 2 1234 5678")
                .containsEntry("company", "Contoso")
                .containsEntry("title", "CTO")
                .containsEntry("country", "TW")
                .containsEntry("lead_source", "AzureMarketplace-INS|contoso.widget-saas")
                .containsEntry("encoding", "UTF-8")
                .doesNotContainKey("description");
    }

    @Test
    void webToLeadIsSentNotConfirmedWithTheAdviceOfTheSeed() throws Exception {
        var w2l = webToLead("contoso.unit", salesforce.webToLeadUrl(), salesforce.orgId());
        DeliveryResult real = client.send(lead("lead-unit-w2l", "contoso.unit"), w2l);
        assertThat(real.confirmed()).isFalse();
        assertThat(real.recordId()).isNull();
        assertThat(real.detail())
                .startsWith("sent, not confirmed")
                .contains("no picklist is required on the Web-to-Lead form")
                .contains("REST route")
                .doesNotContain("MSFT_TEST");
        var base = lead("lead-unit-w2l", "contoso.unit");
        var test = new dev.leadpipe.core.lead.Lead(
                "MSFT_TEST_638000000000000000",
                base.offerId(),
                base.receivedAt(),
                true,
                base.userDetails(),
                base.leadSource(),
                base.actionCode(),
                base.offerTitle(),
                base.description(),
                Map.of());
        assertThat(client.send(test, w2l).detail()).contains("Search MSFT_TEST in Salesforce's Leads");
        DeliveryResult rest = client.send(base, clientCredentials("contoso.unit", salesforce.url(), CC, CANARY_SECRET));
        assertThat(rest.confirmed()).isTrue();
        assertThat(rest.recordId()).isEqualTo(salesforce.record("lead-unit-w2l").id());
    }

    @Test
    void aLeadSourceLongerThanTheFieldKeepsSourceAndActionAndTheWholeValueInTheDescription() throws Exception {
        var base = lead("lead-unit-long-source", "contoso.unit");
        String whole = "AzureMarketplace-StartTestDrive|contoso-holdings.widget-saas-enterprise-edition";
        var lead = new dev.leadpipe.core.lead.Lead(
                base.leadId(),
                base.offerId(),
                base.receivedAt(),
                false,
                base.userDetails(),
                whole,
                base.actionCode(),
                base.offerTitle(),
                "Install of the widget",
                Map.of());
        client.deliver(lead, webToLead("contoso.unit", salesforce.webToLeadUrl(), salesforce.orgId()));
        Map<String, String> form =
                salesforce.webToLeadStored().get(salesforce.webToLeadStored().size() - 1);
        assertThat(form)
                .containsEntry("lead_source", "AzureMarketplace-StartTestDrive")
                .containsEntry("description", "Install of the widget\nLeadSource: " + whole);
        client.deliver(lead, clientCredentials("contoso.unit", salesforce.url(), CC, CANARY_SECRET));
        assertThat(salesforce.record("lead-unit-long-source").fields())
                .containsEntry("LeadSource", "AzureMarketplace")
                .containsEntry("Description", "Install of the widget");
    }
}
