package dev.leadpipe.sink.dynamics;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.fakes.FakeAzureAd;
import dev.leadpipe.fakes.FakeDataverse;
import dev.leadpipe.sink.dynamics.DataverseSchema.Problem;
import dev.leadpipe.sink.dynamics.DataverseSchema.Report;
import dev.leadpipe.sink.dynamics.DynamicsSchemaTool.SchemaToolException;
import dev.leadpipe.sink.runtime.DeliveryException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.leadpipe.sink.dynamics.DynamicsLeads.CANARY_SECRET;
import static dev.leadpipe.sink.dynamics.DynamicsLeads.TENANT;
import static dev.leadpipe.sink.dynamics.DynamicsLeads.aad;
import static dev.leadpipe.sink.runtime.testing.MarketplaceLeads.lead;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Dynamics onboarding against the Dataverse stand-in without leadpipe's columns and key: a delivery is
 * DYNAMICS_SCHEMA_MISSING naming exactly what is missing, the check reports it, the setup creates it through the
 * metadata endpoints and waits (on an injected clock) for the key to become Active, after which the same lead is
 * delivered; an application user without the customization privilege is told what to grant.
 */
class DynamicsSchemaTest {
    static final String APP = "5a1c2a9b-5d6e-4c7f-8a9b-0c1d2e3f4a77";
    static final String OFFER = "contoso.onboarding-saas";

    FakeAzureAd aadFake;
    FakeDataverse dataverse;
    DynamicsDestinationClient client;
    LeadDestination destination;

    /** A clock the setup's sleeper advances: no real waiting. */
    static final class StepClock extends Clock {
        Instant now = Instant.parse("2026-12-02T10:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @BeforeEach
    void start() {
        aadFake = FakeAzureAd.start().addApp(TENANT, APP, CANARY_SECRET);
        dataverse = FakeDataverse.start(aadFake).withoutLeadpipeSchema();
        client = new DynamicsDestinationClient(
                aadFake.authorityHost(),
                MsalHttp.via(aadFake.baseUrl(), HttpClient.newHttpClient(), Duration.ofSeconds(30)),
                null,
                Duration.ofSeconds(5));
        destination = aad(OFFER, dataverse.url(), TENANT, APP, CANARY_SECRET);
    }

    @AfterEach
    void stop() {
        client.close();
        dataverse.close();
        aadFake.close();
    }

    @Test
    void aDeliveryBeforeSetupIsSchemaMissingNamingTheKeyAndBothColumns() {
        DeliveryException e = catchThrowableOfType(
                DeliveryException.class, () -> client.deliver(lead("lead-schema-1", OFFER), destination));

        assertThat(e.failure().errorClass()).isEqualTo(ErrorClass.DYNAMICS_SCHEMA_MISSING);
        assertThat(e.failure().isTransient()).isFalse();
        assertThat(e.failure().httpStatus()).isEqualTo(400);
        assertThat(e.failure().detail())
                .contains("the column leadpipe_leadid is missing")
                .contains("the column leadpipe_leadsource is missing")
                .contains("the alternate key on leadpipe_leadid is missing")
                .contains("leadctl destinations setup OFFER")
                .contains("Power Apps > Tables > Lead")
                .doesNotContain(CANARY_SECRET);
        assertThat(ErrorClass.DYNAMICS_SCHEMA_MISSING.remediation())
                .contains("leadctl destinations setup OFFER")
                .contains("leadpipe_leadid")
                .contains("leadpipe_leadsource");
        assertThat(dataverse.record("lead-schema-1")).isNull();
    }

    @Test
    void anEnvironmentWithTheSchemaChecksOkAndDelivers() throws Exception {
        FakeDataverse ready = FakeDataverse.start(aadFake);
        try {
            LeadDestination other = aad(OFFER, ready.url(), TENANT, APP, CANARY_SECRET);
            Report r = new DynamicsSchemaTool(client).check(other);
            assertThat(r.ok()).isTrue();
            assertThat(r.summary()).contains("an active alternate key on leadpipe_leadid");
            assertThat(client.deliver(lead("lead-schema-ok", OFFER), other)).isNotBlank();
        } finally {
            ready.close();
        }
    }

    @Test
    void theCheckReportsEachFindingWithItsFix() throws Exception {
        Report r = new DynamicsSchemaTool(client).check(destination);

        assertThat(r.ok()).isFalse();
        assertThat(r.findings())
                .extracting(DataverseSchema.Finding::problem)
                .containsExactly(Problem.COLUMN_MISSING, Problem.COLUMN_MISSING, Problem.KEY_MISSING);
        assertThat(r.summary()).contains("leadpipe_leadid", "leadpipe_leadsource", "maximum length 128");
        assertThat(dataverse.schemaCreations()).isZero();
    }

    @Test
    void setupCreatesTheColumnsAndKeyAndWaitsUntilActiveThenTheLeadIsDelivered() throws Exception {
        dataverse.keyActivatesAfterPolls(3);
        StepClock clock = new StepClock();
        List<String> progress = new ArrayList<>();

        DynamicsSchemaTool.SetupResult result = new DynamicsSchemaTool(client)
                .setup(
                        destination,
                        clock,
                        d -> clock.now = clock.now.plus(d),
                        Duration.ofSeconds(5),
                        Duration.ofMinutes(2),
                        progress::add);

        assertThat(result.created())
                .containsExactly(
                        "column leadpipe_leadid",
                        "column leadpipe_leadsource",
                        "alternate key leadpipe_leadidkey on leadpipe_leadid");
        assertThat(result.after().ok()).isTrue();
        assertThat(dataverse.hasColumn("leadpipe_leadid")).isTrue();
        assertThat(dataverse.hasColumn("leadpipe_leadsource")).isTrue();
        assertThat(dataverse.keyStatus("leadpipe_leadid")).isEqualTo("Active");
        assertThat(progress)
                .contains("creating the column leadpipe_leadid", "creating the alternate key on leadpipe_leadid")
                .anyMatch(p -> p.contains("EntityKeyIndexStatus Pending, 5 s"))
                .last()
                .isEqualTo("the alternate key on leadpipe_leadid is Active");

        String id = client.deliver(lead("lead-schema-1", OFFER), destination);
        assertThat(id).matches("[0-9a-f-]{36}");
        assertThat(dataverse.record("lead-schema-1").fields()).containsKey("leadpipe_leadsource");

        int created = dataverse.schemaCreations();
        new DynamicsSchemaTool(client)
                .setup(destination, clock, d -> {}, Duration.ofSeconds(5), Duration.ofMinutes(2), m -> {});
        assertThat(dataverse.schemaCreations())
                .as("a second setup creates nothing")
                .isEqualTo(created);
    }

    @Test
    void aKeyThatStaysPendingEndsTheSetupAtTheTimeoutOnTheInjectedClock() throws Exception {
        dataverse.keyActivatesAfterPolls(1_000);
        StepClock clock = new StepClock();

        SchemaToolException e = catchThrowableOfType(
                SchemaToolException.class,
                () -> new DynamicsSchemaTool(client)
                        .setup(
                                destination,
                                clock,
                                d -> clock.now = clock.now.plus(d),
                                Duration.ofSeconds(10),
                                Duration.ofSeconds(60),
                                m -> {}));

        assertThat(e.getMessage()).contains("still Pending after 60 s").contains("run the check again later");
        assertThat(clock.now).isEqualTo(Instant.parse("2026-12-02T10:01:00Z"));
        DeliveryException pending = catchThrowableOfType(
                DeliveryException.class, () -> client.deliver(lead("lead-pending", OFFER), destination));
        assertThat(pending.failure().errorClass()).isEqualTo(ErrorClass.DYNAMICS_SCHEMA_MISSING);
        assertThat(pending.failure().detail()).contains("is not active yet").contains("EntityKeyIndexStatus Pending");
    }

    @Test
    void withoutTheCustomizationPrivilegeTheSetupSaysWhatToGrantAndWhatToDoByHand() {
        dataverse.denyCustomization(true);

        SchemaToolException e = catchThrowableOfType(
                SchemaToolException.class,
                () -> new DynamicsSchemaTool(client)
                        .setup(
                                destination,
                                new StepClock(),
                                d -> {},
                                Duration.ofSeconds(1),
                                Duration.ofMinutes(1),
                                m -> {}));

        assertThat(e.errorClass()).isEqualTo(ErrorClass.DYNAMICS_MISSING_LEAD_WRITER_ROLE);
        assertThat(e.getMessage())
                .contains("lacks the privilege prvCreateAttribute")
                .contains("System Customizer")
                .contains("by hand")
                .contains("Power Apps > Tables > Lead > Keys")
                .doesNotContain("\n");
        assertThat(dataverse.schemaCreations()).isZero();
    }
}
