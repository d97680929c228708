package dev.leadpipe.local;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.azurite.testing.AzuriteExtension;
import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.fakes.FakeAzureAd;
import dev.leadpipe.fakes.FakeDataverse;
import dev.leadpipe.fakes.FakeSalesforce;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.leadctl.Leadctl;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.sink.dynamics.DynamicsDestinationClient;
import dev.leadpipe.sink.dynamics.MsalHttp;
import dev.leadpipe.sink.runtime.SinkConfig;
import dev.leadpipe.sink.runtime.SinkRuntime;
import dev.leadpipe.sink.salesforce.SalesforceDestinationClient;
import dev.leadpipe.sink.table.TableDestinationClient;
import dev.leadpipe.status.StatusConfig;
import dev.leadpipe.status.StatusService;
import dev.leadpipe.status.StatusViews;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A publisher's lead configuration, validated the marketplace's way, through the whole pipeline (ingest, router,
 * sink-table into Azurite, sink-dynamics against the Azure AD and Dataverse stand-ins, sink-salesforce against its
 * stand-in, where a Web-to-Lead test lead is answered "sent, not confirmed" with the seed's advice): the test lead's
 * outcome is the answer, over HTTP and through {@code leadctl destinations validate}. A canary client secret is stored only
 * encrypted, shown masked, and still signs the sink in.
 */
class LeadConfigurationSystemTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final AzuriteExtension AZURITE = AzuriteExtension.persistent();

    private static final String TENANT = "8d5c1a4e-0b7f-4f7e-9a57-3c2f5f0e1d11";
    private static final String APP = "0c0c0c0c-3333-4333-8333-000000000001";
    private static final String CANARY_SECRET = "CANARY-validation-secret-93kd";

    private static RunningPipeline pipeline;
    private static FakeAzureAd aad;
    private static FakeDataverse dataverse;
    private static SinkRuntime tableSink;
    private static SinkRuntime dynamicsSink;
    private static FakeSalesforce salesforce;
    private static SinkRuntime salesforceSink;
    private static Ops statusOps;
    private static StatusService status;

    @BeforeAll
    static void start() throws Exception {
        pipeline = RunningPipeline.start(KAFKA.bootstrapServers());
        aad = FakeAzureAd.start().addApp(TENANT, APP, CANARY_SECRET);
        dataverse = FakeDataverse.start(aad);
        tableSink = SinkRuntime.start(
                SinkConfig.of(KAFKA.bootstrapServers())
                        .withAllowedHosts(DestinationAddresses.LOCAL_STAND_INS)
                        .withRetryBudget(3, Duration.ofSeconds(10)),
                new TableDestinationClient(Duration.ofSeconds(5)));
        salesforce = FakeSalesforce.start()
                .addClientCredentialsApp("3MVG9picklist.app", "sf-secret-value")
                .requirePicklist("Industry__c", "Industry", "Software", "Retail");
        salesforceSink = SinkRuntime.start(
                SinkConfig.of(KAFKA.bootstrapServers())
                        .withAllowedHosts(DestinationAddresses.LOCAL_STAND_INS)
                        .withRetryBudget(3, Duration.ofSeconds(10)),
                new SalesforceDestinationClient(null, Duration.ofSeconds(10)));
        statusOps = Ops.forService("status");
        status = StatusService.start(
                StatusConfig.of(KAFKA.bootstrapServers())
                        .with(StatusConfig.PORT, 0)
                        .with(StatusConfig.STATE_DIR, java.nio.file.Files.createTempDirectory("status-")),
                statusOps);
        dynamicsSink = SinkRuntime.start(
                SinkConfig.of(KAFKA.bootstrapServers())
                        .withAllowedHosts(DestinationAddresses.LOCAL_STAND_INS)
                        .withRetryBudget(3, Duration.ofSeconds(10)),
                new DynamicsDestinationClient(
                        aad.authorityHost(),
                        MsalHttp.via(aad.baseUrl(), HttpClient.newHttpClient(), Duration.ofSeconds(30)),
                        null,
                        Duration.ofSeconds(10)));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {
            status, statusOps, salesforceSink, dynamicsSink, tableSink, pipeline, salesforce, dataverse, aad
        }) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // stopping anyway
            }
        }
    }

    private static JsonNode put(String offerId, String body) throws Exception {
        return pipeline.putDestination(offerId, body);
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return SystemTestSupport.HTTP.send(
                request.header("Authorization", "Bearer " + pipeline.key)
                        .timeout(Duration.ofSeconds(90))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + pipeline.ingestPort() + path);
    }

    private static String dynamics(String secret) {
        return """
                {"type": "dynamics", "settings": {"instanceUrl": "%s", "tenantId": "%s", "applicationId": "%s",
                 "clientSecret": "%s"}, "contactEmails": ["crm@contoso.example"]}
                """.formatted(dataverse.url(), TENANT, APP, secret);
    }

    private static SystemTestSupport.CliResult leadctl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Leadctl.commandLine(
                SystemTestSupport.leadctlWithKey(KAFKA.bootstrapServers()),
                new PrintWriter(out, true),
                new PrintWriter(err, true));
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, 2);
        all[2] = "--api-url";
        all[3] = "http://127.0.0.1:" + pipeline.ingestPort();
        System.arraycopy(args, 2, all, 4, args.length - 2);
        return new SystemTestSupport.CliResult(cli.execute(all), out.toString(), err.toString());
    }

    @Test
    void validatingAWorkingTableDestinationAnswersDeliveredWithTheEntityKeys() throws Exception {
        String offer = "contoso.validate-table";
        put(
                offer,
                "{\"type\": \"table\", \"settings\": {\"connectionString\": "
                        + Json.MAPPER.writeValueAsString(AZURITE.connectionString()) + "}}");

        HttpResponse<String> r = post("/v1/offers/" + offer + "/lead-destination/validate", "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = Json.MAPPER.readTree(r.body());
        assertThat(answer.path("outcome").asText()).isEqualTo("delivered");
        String leadId = answer.path("leadId").asText();
        assertThat(leadId).matches("MSFT_TEST_\\d{18}");
        assertThat(answer.path("destinationRecordId").asText()).isEqualTo("MarketplaceLeads/" + offer + "/" + leadId);
        assertThat(SystemTestSupport.entityCount(AZURITE.connectionString(), offer))
                .isEqualTo(1);

        SystemTestSupport.CliResult cli = leadctl("destinations", "validate", offer);
        assertThat(cli.exitCode()).as(cli.err()).isZero();
        assertThat(cli.out())
                .startsWith("delivered: test lead MSFT_TEST_")
                .contains("MarketplaceLeads/" + offer + "/MSFT_TEST_");

        HttpResponse<String> publish =
                post("/v1/offers/" + offer + "/publish", "{\"offerType\": \"consulting-service\"}");
        assertThat(publish.statusCode()).as(publish.body()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(publish.body()).path("published").asBoolean())
                .isTrue();
        assertThat(SystemTestSupport.entityCount(AZURITE.connectionString(), offer))
                .isEqualTo(3);
    }

    @Test
    void validatingADynamicsDestinationWithABadSecretAnswersTheClassAndItsFix() throws Exception {
        String offer = "litware.validate-bad-secret";
        put(offer, dynamics("not-the-secret-anymore"));

        HttpResponse<String> r = post("/v1/offers/" + offer + "/lead-destination/validate", "");
        assertThat(r.statusCode())
                .as("answered within the configured timeout: " + r.body())
                .isEqualTo(200);
        JsonNode answer = Json.MAPPER.readTree(r.body());
        assertThat(answer.path("outcome").asText()).isEqualTo("dead_lettered");
        assertThat(answer.path("errorClass").asText()).isEqualTo(ErrorClass.AAD_INVALID_CLIENT_SECRET.code());
        assertThat(answer.path("remediation").asText()).isEqualTo(ErrorClass.AAD_INVALID_CLIENT_SECRET.remediation());
        assertThat(r.body()).doesNotContain("not-the-secret-anymore");

        SystemTestSupport.CliResult cli = leadctl("destinations", "validate", offer);
        assertThat(cli.exitCode()).isEqualTo(1);
        assertThat(cli.out()).contains("AAD_INVALID_CLIENT_SECRET").contains("Certificates & secrets");

        HttpResponse<String> publish = post(
                "/v1/offers/" + offer + "/publish", "{\"offerType\": \"saas\", \"listingOption\": \"contact-me\"}");
        assertThat(publish.statusCode()).isEqualTo(422);
        assertThat(Json.MAPPER
                        .readTree(publish.body())
                        .path("testLead")
                        .path("errorClass")
                        .asText())
                .isEqualTo(ErrorClass.AAD_INVALID_CLIENT_SECRET.code());
    }

    @Test
    void validatingASalesforceOrgWithARequiredPicklistNamesTheFieldBeforeAnyLeadIsSent() throws Exception {
        String offer = "fabrikam.validate-picklist";
        put(
                offer,
                "{\"type\": \"salesforce\", \"settings\": {\"loginUrl\": \"" + salesforce.url()
                        + "\", \"clientId\": \"3MVG9picklist.app\", \"clientSecret\": \"sf-secret-value\"}}");

        HttpResponse<String> r = post("/v1/offers/" + offer + "/lead-destination/validate", "");
        JsonNode answer = Json.MAPPER.readTree(r.body());
        assertThat(answer.path("outcome").asText()).as(r.body()).isEqualTo("dead_lettered");
        assertThat(answer.path("errorClass").asText()).isEqualTo(ErrorClass.SALESFORCE_REQUIRED_PICKLIST.code());
        assertThat(answer.path("detail").asText()).contains("Industry__c");
        assertThat(salesforce.upsertRequests()).as("no lead was sent").isZero();
    }

    @Test
    void validatingWebToLeadAnswersSentNotConfirmedWithThePicklistAdvice() throws Exception {
        String offer = "fabrikam.validate-w2l";
        put(
                offer,
                "{\"type\": \"salesforce\", \"settings\": {\"webToLeadUrl\": \"" + salesforce.webToLeadUrl()
                        + "\", \"organizationId\": \"" + salesforce.orgId() + "\"}}");
        int sentBefore = salesforce.webToLeadReceived().size();
        StatusViews.OfferStatus configured = awaitStatus(offer, o -> true);
        assertThat(configured.verdict()).isEqualTo(StatusViews.Verdict.AWAITING_LEADS);
        assertThat(configured.explanation()).startsWith("configured, waiting for leads: the salesforce destination");

        HttpResponse<String> r = post("/v1/offers/" + offer + "/lead-destination/validate", "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = Json.MAPPER.readTree(r.body());
        assertThat(answer.path("outcome").asText()).isEqualTo("sent_unconfirmed");
        assertThat(answer.path("confirmed").asBoolean(true)).isFalse();
        assertThat(answer.has("destinationRecordId")).isFalse();
        assertThat(answer.path("message").asText()).contains("sent, not confirmed");
        assertThat(answer.path("detail").asText())
                .contains("Search MSFT_TEST in Salesforce's Leads")
                .contains("no picklist is required on the Web-to-Lead form")
                .contains("Recommended: the REST route");
        // the org requires a picklist the form does not fill: Salesforce answered 200 and kept nothing
        assertThat(salesforce.webToLeadReceived()).hasSize(sentBefore + 1);
        assertThat(salesforce.webToLeadStored()).isEmpty();

        // the real sink's SENT_UNCONFIRMED reaches the status, counted apart from delivered
        String leadId = answer.path("leadId").asText();
        StatusViews.OfferStatus sent = awaitStatus(offer, o -> o.lastSentUnconfirmed() != null);
        assertThat(sent.lastSentUnconfirmed().leadId()).isEqualTo(leadId);
        assertThat(sent.last24h().sentUnconfirmed()).isEqualTo(1);
        assertThat(sent.last24h().delivered()).isZero();
        assertThat(sent.lastDelivered()).isNull();
        assertThat(sent.verdict()).isEqualTo(StatusViews.Verdict.HEALTHY);
        assertThat(sent.explanation()).startsWith("1 sent, not confirmed (");

        SystemTestSupport.CliResult cli = leadctl("destinations", "validate", offer);
        assertThat(cli.exitCode()).as(cli.err()).isZero();
        assertThat(cli.out())
                .startsWith("sent, not confirmed: test lead MSFT_TEST_")
                .contains("Search MSFT_TEST")
                .contains("no picklist is required")
                .contains("REST route")
                .doesNotContain("delivered:");

        HttpResponse<String> publish =
                post("/v1/offers/" + offer + "/publish", "{\"offerType\": \"consulting-service\"}");
        assertThat(publish.statusCode()).as(publish.body()).isEqualTo(200);
        JsonNode published = Json.MAPPER.readTree(publish.body());
        assertThat(published.path("confirmed").asBoolean(true)).isFalse();
        assertThat(published.path("testLead").path("outcome").asText()).isEqualTo("sent_unconfirmed");
    }

    @Test
    void aConfiguredOfferWithNoLeadIsWaitingForLeadsAndGoneOnceItsDestinationIsDeleted() throws Exception {
        String offer = "tailspin.configured-only";
        put(
                offer,
                "{\"type\": \"salesforce\", \"settings\": {\"webToLeadUrl\": \"" + salesforce.webToLeadUrl()
                        + "\", \"organizationId\": \"" + salesforce.orgId() + "\"}}");
        StatusViews.OfferStatus waiting = awaitStatus(offer, o -> true);
        assertThat(waiting.verdict()).isEqualTo(StatusViews.Verdict.AWAITING_LEADS);
        assertThat(waiting.configured()).isTrue();
        assertThat(waiting.destinationType()).isEqualTo("salesforce");

        SystemTestSupport.CliResult deleted = leadctl("destinations", "delete", offer);
        assertThat(deleted.exitCode()).as(deleted.err()).isZero();
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (status.offer(offer).orElseThrow().isPresent() && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        assertThat(status.offer(offer).orElseThrow()).as("no ghost offer").isEmpty();
    }

    /** The offer's status once the status service has it and {@code done} holds (it folds asynchronously). */
    private static StatusViews.OfferStatus awaitStatus(
            String offer, java.util.function.Predicate<StatusViews.OfferStatus> done) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        StatusViews.OfferStatus last = null;
        while (System.nanoTime() < end) {
            last = status.offer(offer).flatMap(o -> o).orElse(null);
            if (last != null && done.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the status of " + offer + " never as expected; last: " + last);
    }

    @Test
    void aMaskedSecretCannotBeRedirectedToAnotherLoginUrl() throws Exception {
        String offer = "fabrikam.exfiltration";
        String settings = "{\"type\": \"salesforce\", \"settings\": {\"loginUrl\": \"%s\", "
                + "\"clientId\": \"3MVG9picklist.app\", \"clientSecret\": \"%s\"}}";
        put(offer, settings.formatted(salesforce.url(), "sf-secret-value"));

        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger connections = new AtomicInteger();
            Thread.ofVirtual().start(() -> {
                while (!listener.isClosed()) {
                    try (Socket ignored = listener.accept()) {
                        connections.incrementAndGet();
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            String elsewhere = "http://127.0.0.1:" + listener.getLocalPort();

            HttpResponse<String> edit = send(HttpRequest.newBuilder(uri("/v1/offers/" + offer + "/lead-destination"))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(settings.formatted(elsewhere, LeadDestination.MASK))));
            assertThat(edit.statusCode()).as(edit.body()).isEqualTo(422);
            assertThat(Json.MAPPER.readTree(edit.body()).path("errors").findValuesAsText("pointer"))
                    .contains("/settings/clientSecret");

            HttpResponse<String> r = post("/v1/offers/" + offer + "/lead-destination/validate", "");
            JsonNode answer = Json.MAPPER.readTree(r.body());
            assertThat(answer.path("errorClass").asText())
                    .as("the stored destination answered: " + r.body())
                    .isEqualTo(ErrorClass.SALESFORCE_REQUIRED_PICKLIST.code());
            assertThat(connections.get())
                    .as("connections to the other login URL")
                    .isZero();
        }
    }

    @Test
    void anEncryptedSecretIsMaskedNeverStoredInClearAndStillSignsTheSinkIn() throws Exception {
        String offer = "contoso.validate-encrypted";
        JsonNode stored = put(offer, dynamics(CANARY_SECRET));
        assertThat(stored.path("settings").path("clientSecret").asText()).isEqualTo(LeadDestination.MASK);
        assertThat(send(HttpRequest.newBuilder(uri("/v1/offers/" + offer + "/lead-destination"))
                                .GET())
                        .body())
                .contains(LeadDestination.MASK)
                .doesNotContain(CANARY_SECRET);

        HttpResponse<String> r = post("/v1/offers/" + offer + "/lead-destination/validate", "");
        JsonNode answer = Json.MAPPER.readTree(r.body());
        assertThat(answer.path("outcome").asText()).as(r.body()).isEqualTo("delivered");
        assertThat(dataverse.record(answer.path("leadId").asText())).isNotNull();
        assertThat(answer.path("destinationRecordId").asText())
                .isEqualTo(dataverse.record(answer.path("leadId").asText()).id());

        assertThat(SystemTestSupport.rawText(KAFKA.bootstrapServers(), Topics.LEAD_DESTINATIONS))
                .contains(offer)
                .doesNotContain(CANARY_SECRET);
        SystemTestSupport.CliResult get = leadctl("destinations", "get", offer);
        assertThat(get.exitCode()).isZero();
        assertThat(get.out()).contains(LeadDestination.MASK).doesNotContain(CANARY_SECRET);
    }

    @Test
    void leadctlReportsEveryBadFieldInOneLine() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("bad-destination", ".json");
        java.nio.file.Files.writeString(
                file,
                "{\"type\": \"dynamics\", \"settings\": {\"instanceUrl\": \"http://x.example\", \"tenantId\": \"?\"}}");
        SystemTestSupport.CliResult cli = leadctl("destinations", "apply", "contoso.cli-bad", "-f", file.toString());
        assertThat(cli.exitCode()).isEqualTo(1);
        assertThat(cli.err().lines().count()).isEqualTo(1);
        assertThat(cli.err())
                .contains("/settings/instanceUrl")
                .contains("/settings/tenantId")
                .contains("/settings ");
    }
}
