package dev.leadpipe.local;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.fakes.FakeAzureAd;
import dev.leadpipe.fakes.FakeDataverse;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.leadctl.Leadctl;
import dev.leadpipe.sink.dynamics.DynamicsDestinationClient;
import dev.leadpipe.sink.dynamics.MsalHttp;
import dev.leadpipe.sink.runtime.SinkConfig;
import dev.leadpipe.sink.runtime.SinkRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dynamics onboarding through the whole pipeline (ingest, router, sink-dynamics) against the Azure AD stand-in and a
 * Dataverse stand-in whose lead table has neither leadpipe's columns nor its alternate key: {@code validate} answers
 * DYNAMICS_SCHEMA_MISSING naming the missing key and columns and the fix; {@code leadctl destinations setup} (reading
 * the destination from Kafka and decrypting its secret with the keys the ingest service encrypted it with) creates
 * them; the next {@code validate} is delivered.
 */
class DynamicsOnboardingSystemTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final String TENANT = "8d5c1a4e-0b7f-4f7e-9a57-3c2f5f0e1d11";
    private static final String APP = "0c0c0c0c-3333-4333-8333-0000000000dd";
    private static final String CANARY_SECRET = "CANARY-onboarding-secret-61a0";
    private static final String OFFER = "contoso.dataverse-onboarding";

    private static RunningPipeline pipeline;
    private static FakeAzureAd aad;
    private static FakeDataverse dataverse;
    private static SinkRuntime dynamicsSink;

    @BeforeAll
    static void start() throws Exception {
        pipeline = RunningPipeline.start(KAFKA.bootstrapServers());
        aad = FakeAzureAd.start().addApp(TENANT, APP, CANARY_SECRET);
        dataverse = FakeDataverse.start(aad).withoutLeadpipeSchema().keyActivatesAfterPolls(2);
        dynamicsSink = SinkRuntime.start(
                SinkConfig.of(KAFKA.bootstrapServers())
                        .withAllowedHosts(DestinationAddresses.LOCAL_STAND_INS)
                        .withRetryBudget(3, Duration.ofSeconds(10)),
                client());
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {dynamicsSink, pipeline, dataverse, aad}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // stopping anyway
            }
        }
    }

    private static DynamicsDestinationClient client() {
        return new DynamicsDestinationClient(
                aad.authorityHost(),
                MsalHttp.via(aad.baseUrl(), HttpClient.newHttpClient(), Duration.ofSeconds(30)),
                null,
                Duration.ofSeconds(10));
    }

    private static JsonNode validate() throws Exception {
        HttpResponse<String> r = SystemTestSupport.HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.ingestPort() + "/v1/offers/" + OFFER
                                + "/lead-destination/validate"))
                        .header("Authorization", "Bearer " + pipeline.key)
                        .timeout(Duration.ofSeconds(90))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).doesNotContain(CANARY_SECRET);
        return Json.MAPPER.readTree(r.body());
    }

    private static SystemTestSupport.CliResult leadctl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // the working directory of this JVM is where the ingest service's development key lives (.leadpipe/)
        Leadctl leadctl = new Leadctl(Map.of(), Path.of(System.getProperty("user.dir", ".")))
                .withDynamicsClient(DynamicsOnboardingSystemTest::client);
        CommandLine cli = Leadctl.commandLine(leadctl, new PrintWriter(out, true), new PrintWriter(err, true));
        String[] all = new String[args.length + 2];
        all[0] = "--bootstrap-servers";
        all[1] = KAFKA.bootstrapServers();
        System.arraycopy(args, 0, all, 2, args.length);
        return new SystemTestSupport.CliResult(cli.execute(all), out.toString(), err.toString());
    }

    @Test
    void validateNamesTheMissingKeyAndColumnsSetupCreatesThemAndTheNextTestLeadIsDelivered() throws Exception {
        pipeline.putDestination(OFFER, """
                {"type": "dynamics", "settings": {"instanceUrl": "%s", "tenantId": "%s", "applicationId": "%s",
                 "clientSecret": "%s"}, "contactEmails": ["crm@contoso.example"]}
                """.formatted(dataverse.url(), TENANT, APP, CANARY_SECRET));

        JsonNode before = validate();
        assertThat(before.path("outcome").asText()).isEqualTo("dead_lettered");
        assertThat(before.path("errorClass").asText()).isEqualTo(ErrorClass.DYNAMICS_SCHEMA_MISSING.code());
        assertThat(before.path("remediation").asText())
                .isEqualTo(ErrorClass.DYNAMICS_SCHEMA_MISSING.remediation())
                .contains("leadctl destinations setup OFFER");
        assertThat(before.path("detail").asText())
                .contains("the alternate key on leadpipe_leadid is missing")
                .contains("the column leadpipe_leadid is missing")
                .contains("the column leadpipe_leadsource is missing")
                .contains("Power Apps > Tables > Lead");

        SystemTestSupport.CliResult check = leadctl("destinations", "check", OFFER);
        assertThat(check.exitCode()).as(check.err()).isEqualTo(1);
        assertThat(check.out()).contains("leadctl destinations setup " + OFFER);

        SystemTestSupport.CliResult setup =
                leadctl("destinations", "setup", OFFER, "--poll-interval", "1s", "--timeout", "60s");
        assertThat(setup.exitCode()).as(setup.out() + setup.err()).isZero();
        assertThat(setup.out()).contains("created column leadpipe_leadid, column leadpipe_leadsource, alternate key");
        assertThat(setup.out() + setup.err()).doesNotContain(CANARY_SECRET);
        assertThat(dataverse.keyStatus("leadpipe_leadid")).isEqualTo("Active");

        JsonNode after = validate();
        assertThat(after.path("outcome").asText()).as(after.toString()).isEqualTo("delivered");
        assertThat(dataverse.record(after.path("leadId").asText())).isNotNull();
    }
}
