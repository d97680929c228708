package dev.leadpipe.sink.dynamics;

import java.net.http.HttpClient;
import java.time.Duration;

import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.fakes.FakeAzureAd;
import dev.leadpipe.fakes.FakeDataverse;
import dev.leadpipe.sink.runtime.DeliveryException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static dev.leadpipe.sink.dynamics.DynamicsLeads.CANARY_PASSWORD;
import static dev.leadpipe.sink.dynamics.DynamicsLeads.CANARY_SECRET;
import static dev.leadpipe.sink.dynamics.DynamicsLeads.TENANT;
import static dev.leadpipe.sink.dynamics.DynamicsLeads.USER;
import static dev.leadpipe.sink.dynamics.DynamicsLeads.aad;
import static dev.leadpipe.sink.dynamics.DynamicsLeads.office;
import static dev.leadpipe.sink.runtime.testing.MarketplaceLeads.lead;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** DynamicsDestinationClient against FakeAzureAd and FakeDataverse, without Kafka: sign-in, upsert, mapping, cache. */
class DynamicsDestinationClientTest {
    private static final Logger LOG = LoggerFactory.getLogger(DynamicsDestinationClientTest.class);
    static final String APP = "3f1c2a9b-5d6e-4c7f-8a9b-0c1d2e3f4a5b";

    static FakeAzureAd aadFake;
    static FakeDataverse dataverse;
    static DynamicsDestinationClient client;

    @BeforeAll
    static void start() {
        aadFake = FakeAzureAd.start().addApp(TENANT, APP, CANARY_SECRET).addUser(USER, CANARY_PASSWORD);
        dataverse = FakeDataverse.start(aadFake);
        client = new DynamicsDestinationClient(
                aadFake.authorityHost(),
                MsalHttp.via(aadFake.baseUrl(), HttpClient.newHttpClient(), Duration.ofSeconds(30)),
                null,
                Duration.ofSeconds(2));
    }

    @AfterAll
    static void stop() {
        client.close();
        dataverse.close();
        aadFake.close();
    }

    @Test
    void upsertsWithTheMappingAndTheTokenCache() throws Exception {
        var dest = aad("contoso.widget-saas", dataverse.url(), TENANT, APP, CANARY_SECRET);
        int before = aadFake.tokenRequests(APP);
        String id1 = client.deliver(lead("lead-c-1", "contoso.widget-saas"), dest);
        String id2 = client.deliver(lead("lead-c-1", "contoso.widget-saas"), dest);
        client.deliver(lead("lead-c-2:x.y", "contoso.widget-saas"), dest);
        LOG.info("msal4j requests (client credentials): {}", aadFake.requestLog());

        assertThat(id1).isEqualTo(id2).matches("[0-9a-f-]{36}");
        assertThat(aadFake.tokenRequests(APP) - before).isEqualTo(1);
        var record = dataverse.record("lead-c-1");
        assertThat(record.writes()).isEqualTo(2);
        assertThat(record.fields())
                .containsEntry("firstname", "Mei")
                .containsEntry("lastname", "Lin")
                .containsEntry("emailaddress1", "mei.lin@contoso.example")
                .containsEntry("telephone1", "+886 2 1234 5678")
                .containsEntry("companyname", "Contoso")
                .containsEntry("jobtitle", "CTO")
                .containsEntry("address1_country", "TW")
                .containsEntry("description", "Install of the widget")
                .containsEntry("subject", "Contoso Widget SaaS (Get it now) via Azure Marketplace")
                .containsEntry("leadsourcecode", 8)
                .containsEntry("leadpipe_leadsource", "AzureMarketplace-INS|contoso.widget-saas");
        assertThat(dataverse.record("lead-c-2:x.y")).isNotNull();
    }

    @Test
    void officeUserRoute() throws Exception {
        var dest = office("contoso.office", dataverse.url(), USER, CANARY_PASSWORD);
        try {
            client.deliver(lead("lead-o-1", "contoso.office"), dest);
        } finally {
            LOG.info("msal4j requests (password): {}", aadFake.requestLog());
        }
        client.deliver(lead("lead-o-2", "contoso.office"), dest);
        assertThat(aadFake.tokenRequests(USER)).isEqualTo(1);
        assertThat(dataverse.record("lead-o-2").writes()).isEqualTo(1);
    }

    @Test
    void aRejectedTokenIsRefreshedExactlyOnce() throws Exception {
        String app = "aaaaaaaa-1111-2222-3333-444444444444";
        aadFake.addApp(TENANT, app, CANARY_SECRET + "-2");
        var dest = aad("contoso.refresh", dataverse.url(), TENANT, app, CANARY_SECRET + "-2");
        client.deliver(lead("lead-r-1", "contoso.refresh"), dest);
        assertThat(aadFake.tokenRequests(app)).isEqualTo(1);
        aadFake.revokeAllTokens();
        client.deliver(lead("lead-r-2", "contoso.refresh"), dest);
        assertThat(aadFake.tokenRequests(app)).isEqualTo(2);
        client.deliver(lead("lead-r-3", "contoso.refresh"), dest);
        assertThat(aadFake.tokenRequests(app)).isEqualTo(2);
    }

    @Test
    void concurrentDeliveriesShareOneSignInAndOneRefresh() throws Exception {
        String app = "bbbbbbbb-1111-2222-3333-444444444444";
        aadFake.addApp(TENANT, app, CANARY_SECRET + "-3");
        var dest = aad("contoso.concurrent", dataverse.url(), TENANT, app, CANARY_SECRET + "-3");
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            var calls = new java.util.ArrayList<java.util.concurrent.Future<String>>();
            for (int i = 0; i < 30; i++) {
                String id = "lead-k-" + i;
                calls.add(pool.submit(() -> client.deliver(lead(id, "contoso.concurrent"), dest)));
            }
            for (var c : calls) {
                c.get();
            }
            assertThat(aadFake.tokenRequests(app)).isEqualTo(1);
            aadFake.revokeAllTokens();
            calls.clear();
            for (int i = 0; i < 30; i++) {
                String id = "lead-k2-" + i;
                calls.add(pool.submit(() -> client.deliver(lead(id, "contoso.concurrent"), dest)));
            }
            for (var c : calls) {
                c.get();
            }
        }
        assertThat(aadFake.tokenRequests(app)).isEqualTo(2);
    }

    @Test
    void classifiesWithoutLeakingSecrets() {
        var wrongSecret = aad("contoso.o", dataverse.url(), TENANT, APP, "CANARY-wrong-secret-991");
        DeliveryException e = catchThrowableOfType(
                DeliveryException.class, () -> client.deliver(lead("lead-x-1", "contoso.o"), wrongSecret));
        assertThat(e.failure().errorClass()).isEqualTo(ErrorClass.AAD_INVALID_CLIENT_SECRET);
        assertThat(e.getMessage()).contains("AADSTS7000215").doesNotContain("CANARY", "@");

        var badPassword = office("contoso.o", dataverse.url(), USER, "CANARY-wrong-password-1");
        e = catchThrowableOfType(
                DeliveryException.class, () -> client.deliver(lead("lead-x-2", "contoso.o"), badPassword));
        assertThat(e.failure().errorClass()).isEqualTo(ErrorClass.DYNAMICS_LOGIN_FAILED);
        assertThat(e.getMessage()).contains("AADSTS50126").doesNotContain("CANARY", "@");

        var plainHttp = aad("contoso.o", "http://contoso.crm.dynamics.com", TENANT, APP, CANARY_SECRET);
        e = catchThrowableOfType(
                DeliveryException.class, () -> client.deliver(lead("lead-x-3", "contoso.o"), plainHttp));
        assertThat(e.failure().errorClass()).isEqualTo(ErrorClass.DYNAMICS_INVALID_INSTANCE_URL);

        var unresolvable = aad("contoso.o", "https://no-such-org.invalid", TENANT, APP, CANARY_SECRET);
        e = catchThrowableOfType(
                DeliveryException.class, () -> client.deliver(lead("lead-x-4", "contoso.o"), unresolvable));
        assertThat(e.failure().errorClass()).isEqualTo(ErrorClass.DYNAMICS_INVALID_INSTANCE_URL);
    }

    @Test
    void endpointIsPerUserWithoutSecrets() {
        var a = aad("contoso.o", "https://ORG.crm.dynamics.com/", TENANT, APP, CANARY_SECRET);
        var o = office("contoso.o", "https://org.crm.dynamics.com", USER, CANARY_PASSWORD);
        assertThat(client.endpoint(a)).isEqualTo("https://org.crm.dynamics.com#" + APP);
        assertThat(client.endpoint(o))
                .startsWith("https://org.crm.dynamics.com#user-")
                .doesNotContain("CANARY", "@");
    }
}
