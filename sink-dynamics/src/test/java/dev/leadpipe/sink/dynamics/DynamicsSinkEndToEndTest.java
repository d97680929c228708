package dev.leadpipe.sink.dynamics;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.fakes.FakeAzureAd;
import dev.leadpipe.fakes.FakeDataverse;
import dev.leadpipe.sink.runtime.DestinationClient;
import dev.leadpipe.sink.runtime.SinkConfig;
import dev.leadpipe.sink.runtime.testing.SinkEndToEndContract;
import org.junit.jupiter.api.Test;

import static dev.leadpipe.sink.dynamics.DynamicsLeads.CANARY_PASSWORD;
import static dev.leadpipe.sink.dynamics.DynamicsLeads.CANARY_SECRET;
import static dev.leadpipe.sink.dynamics.DynamicsLeads.TENANT;
import static dev.leadpipe.sink.dynamics.DynamicsLeads.USER;
import static dev.leadpipe.sink.dynamics.DynamicsLeads.aad;
import static dev.leadpipe.sink.dynamics.DynamicsLeads.office;
import static dev.leadpipe.sink.runtime.testing.MarketplaceLeads.lead;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every Dynamics / Azure AD row of the error catalogue, end to end ({@link SinkEndToEndContract}): the real
 * SinkRuntime on an embedded broker delivering through DynamicsDestinationClient (real msal4j) to FakeAzureAd and
 * FakeDataverse. One lead per row; each must end in leads-dlq with the row's class, kind, remediation and attempts
 * (1 when permanent, the whole small budget of 3 when transient). A good destination's lead is delivered in the same
 * run. Canary secrets and passwords must appear in no log line, DLQ header, outcome or upstream detail.
 */
class DynamicsSinkEndToEndTest extends SinkEndToEndContract<DynamicsSinkEndToEndTest.Row> {
    static final String APP_OK = "0a0a0a0a-1111-4111-8111-000000000001";
    static final String APP_EXPIRED = "0a0a0a0a-1111-4111-8111-000000000002";
    static final String APP_NO_ROLES = "0a0a0a0a-1111-4111-8111-000000000003";
    static final String APP_NO_WRITER = "0a0a0a0a-1111-4111-8111-000000000004";
    static final String APP_THROTTLED = "0a0a0a0a-1111-4111-8111-000000000005";
    static final String APP_NOT_USER = "0a0a0a0a-1111-4111-8111-000000000006";
    static final String WRONG_SECRET = "CANARY-wrong-secret-55aa";
    static final String WRONG_PASSWORD = "CANARY-wrong-password-66bb";

    record Row(String name, ErrorClass expected, boolean transientKind, Function<Urls, LeadDestination> destination)
            implements CatalogueRow {
        @Override
        public String toString() {
            return name + " -> " + expected;
        }
    }

    record Urls(String dataverse, String slowDataverse, String bareDataverse) {}

    FakeAzureAd aadFake;
    FakeDataverse dataverse;
    FakeDataverse slowDataverse;
    /** A lead table without leadpipe's columns and alternate key (only the marketplace's solution installed). */
    FakeDataverse bareDataverse;

    @Override
    protected Stream<Row> rows() {
        return Stream.of(
                new Row(
                        "tenant-not-found",
                        ErrorClass.AAD_TENANT_NOT_FOUND,
                        false,
                        u -> aad("x", u.dataverse(), "0f0f0f0f-0000-4000-8000-00000000dead", APP_OK, CANARY_SECRET)),
                new Row(
                        "tenant-format",
                        ErrorClass.AAD_TENANT_ID_INVALID_FORMAT,
                        false,
                        u -> aad("x", u.dataverse(), "contoso", APP_OK, CANARY_SECRET)),
                new Row(
                        "app-not-found",
                        ErrorClass.AAD_APP_NOT_FOUND,
                        false,
                        u -> aad("x", u.dataverse(), TENANT, "0a0a0a0a-1111-4111-8111-0000000000ff", CANARY_SECRET)),
                new Row(
                        "invalid-secret",
                        ErrorClass.AAD_INVALID_CLIENT_SECRET,
                        false,
                        u -> aad("x", u.dataverse(), TENANT, APP_OK, WRONG_SECRET)),
                new Row(
                        "expired-secret",
                        ErrorClass.AAD_INVALID_CLIENT_SECRET,
                        false,
                        u -> aad("x", u.dataverse(), TENANT, APP_EXPIRED, CANARY_SECRET)),
                new Row(
                        "bad-password",
                        ErrorClass.DYNAMICS_LOGIN_FAILED,
                        false,
                        u -> office("x", u.dataverse(), USER, WRONG_PASSWORD)),
                new Row(
                        "unknown-user",
                        ErrorClass.DYNAMICS_LOGIN_FAILED,
                        false,
                        u -> office("x", u.dataverse(), "nobody@contoso.example", CANARY_PASSWORD)),
                new Row(
                        "not-a-user-of-the-environment",
                        ErrorClass.DYNAMICS_LOGIN_FAILED,
                        false,
                        u -> aad("x", u.dataverse(), TENANT, APP_NOT_USER, CANARY_SECRET)),
                new Row(
                        "no-roles",
                        ErrorClass.DYNAMICS_NO_ROLES_ASSIGNED,
                        false,
                        u -> aad("x", u.dataverse(), TENANT, APP_NO_ROLES, CANARY_SECRET)),
                new Row(
                        "no-lead-writer",
                        ErrorClass.DYNAMICS_MISSING_LEAD_WRITER_ROLE,
                        false,
                        u -> aad("x", u.dataverse(), TENANT, APP_NO_WRITER, CANARY_SECRET)),
                new Row(
                        "timeout",
                        ErrorClass.DYNAMICS_TIMEOUT,
                        true,
                        u -> aad("x", u.slowDataverse(), TENANT, APP_OK, CANARY_SECRET)),
                new Row(
                        "not-dataverse",
                        ErrorClass.DYNAMICS_INVALID_INSTANCE_URL,
                        false,
                        u -> aad("x", u.dataverse() + "/not-dataverse", TENANT, APP_OK, CANARY_SECRET)),
                new Row(
                        "not-https",
                        ErrorClass.DESTINATION_ADDRESS_REFUSED,
                        false,
                        u -> aad("x", "http://contoso.crm.dynamics.com", TENANT, APP_OK, CANARY_SECRET)),
                new Row(
                        "schema-missing",
                        ErrorClass.DYNAMICS_SCHEMA_MISSING,
                        false,
                        u -> aad("x", u.bareDataverse(), TENANT, APP_OK, CANARY_SECRET)),
                new Row(
                        "throttled",
                        ErrorClass.DYNAMICS_THROTTLED,
                        true,
                        u -> aad("x", u.dataverse(), TENANT, APP_THROTTLED, CANARY_SECRET)));
    }

    @Override
    protected void startDestinations() {
        aadFake = FakeAzureAd.start()
                .addApp(TENANT, APP_OK, CANARY_SECRET)
                .addApp(TENANT, APP_EXPIRED, CANARY_SECRET)
                .expireSecret(APP_EXPIRED)
                .addApp(TENANT, APP_NO_ROLES, CANARY_SECRET)
                .addApp(TENANT, APP_NO_WRITER, CANARY_SECRET)
                .addApp(TENANT, APP_THROTTLED, CANARY_SECRET)
                .addApp(TENANT, APP_NOT_USER, CANARY_SECRET)
                .addUser(USER, CANARY_PASSWORD);
        dataverse = FakeDataverse.start(aadFake)
                .retryAfter(Duration.ofSeconds(1))
                .failFor(APP_NO_ROLES, FakeDataverse.Failure.NO_ROLES_ASSIGNED)
                .failFor(APP_NO_WRITER, FakeDataverse.Failure.MISSING_LEAD_WRITER_ROLE)
                .failFor(APP_THROTTLED, FakeDataverse.Failure.THROTTLED)
                .failFor(APP_NOT_USER, FakeDataverse.Failure.NOT_A_USER_OF_THIS_ENVIRONMENT);
        slowDataverse = FakeDataverse.start(aadFake).delay(Duration.ofSeconds(10));
        bareDataverse = FakeDataverse.start(aadFake).withoutLeadpipeSchema();
    }

    @Override
    protected void stopDestinations() {
        bareDataverse.close();
        slowDataverse.close();
        dataverse.close();
        aadFake.close();
    }

    @Override
    protected LeadDestination destination(Row row) {
        return row.destination().apply(new Urls(dataverse.url(), slowDataverse.url(), bareDataverse.url()));
    }

    @Override
    protected List<LeadDestination> moreDestinations() {
        return List.of(
                aad("contoso.good-aad", dataverse.url(), TENANT, APP_OK, CANARY_SECRET),
                office("contoso.good-office", dataverse.url(), USER, CANARY_PASSWORD));
    }

    @Override
    protected List<Lead> moreLeads() {
        return List.of(lead("lead-good-aad", "contoso.good-aad"), lead("lead-good-office", "contoso.good-office"));
    }

    @Override
    protected DestinationClient client() {
        return new DynamicsDestinationClient(
                aadFake.authorityHost(),
                MsalHttp.via(aadFake.baseUrl(), HttpClient.newHttpClient(), Duration.ofSeconds(30)),
                null,
                Duration.ofSeconds(3));
    }

    @Override
    protected SinkConfig config(SinkConfig contract) {
        return contract.withMaxConcurrencyPerEndpoint(DynamicsSinkApp.DATAVERSE_CONCURRENCY_LIMIT);
    }

    @Override
    protected List<String> canaries() {
        return List.of(CANARY_SECRET, CANARY_PASSWORD, WRONG_SECRET, WRONG_PASSWORD, "CANARY");
    }

    @Test
    void goodDestinationsAreDeliveredAlongside() {
        assertThat(outcomeOf("lead-good-aad").outcome()).isEqualTo(OutcomeType.DELIVERED);
        assertThat(outcomeOf("lead-good-office").outcome()).isEqualTo(OutcomeType.DELIVERED);
        assertThat(outcomeOf("lead-good-aad").destinationRecordId())
                .isEqualTo(dataverse.record("lead-good-aad").id());
        assertThat(dataverse.record("lead-good-office").fields()).containsEntry("companyname", "Contoso");
    }

    @Test
    void aDeliveryBeforeSetupIsHeldNamingTheMissingKeyAndColumns() {
        Row row = rows().filter(r -> r.name().equals("schema-missing"))
                .findFirst()
                .orElseThrow();
        assertThat(detail(row))
                .contains("the column leadpipe_leadid is missing")
                .contains("the column leadpipe_leadsource is missing")
                .contains("the alternate key on leadpipe_leadid is missing")
                .contains("leadctl destinations setup OFFER");
    }

    @Test
    void a401IsRetriedWithOneFreshTokenThenLoginFailed() {
        assertThat(aadFake.tokenRequests(APP_NOT_USER)).isEqualTo(2);
    }
}
