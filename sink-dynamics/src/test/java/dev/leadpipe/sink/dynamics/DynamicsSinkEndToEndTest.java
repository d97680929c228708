package dev.leadpipe.sink.dynamics;

import static dev.leadpipe.sink.dynamics.DynamicsLeads.CANARY_PASSWORD;
import static dev.leadpipe.sink.dynamics.DynamicsLeads.CANARY_SECRET;
import static dev.leadpipe.sink.dynamics.DynamicsLeads.TENANT;
import static dev.leadpipe.sink.dynamics.DynamicsLeads.USER;
import static dev.leadpipe.sink.dynamics.DynamicsLeads.aad;
import static dev.leadpipe.sink.runtime.testing.MarketplaceLeads.lead;
import static dev.leadpipe.sink.dynamics.DynamicsLeads.office;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.fakes.FakeAzureAd;
import dev.leadpipe.fakes.FakeDataverse;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicReader;
import dev.leadpipe.sink.runtime.SinkConfig;
import dev.leadpipe.sink.runtime.SinkRuntime;

/**
 * Every Dynamics / Azure AD row of the error catalogue, end to end: the real SinkRuntime on an embedded broker
 * delivering through DynamicsDestinationClient (real msal4j) to FakeAzureAd and FakeDataverse. One lead per row;
 * each must end in leads-dlq with the row's class, kind, remediation and attempts (1 when permanent, the whole small
 * budget of 3 when transient). A good destination's lead is delivered in the same run. Canary secrets and passwords
 * must appear in no log line, DLQ header, outcome or upstream detail.
 */
class DynamicsSinkEndToEndTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static final String APP_OK = "0a0a0a0a-1111-4111-8111-000000000001";
    static final String APP_EXPIRED = "0a0a0a0a-1111-4111-8111-000000000002";
    static final String APP_NO_ROLES = "0a0a0a0a-1111-4111-8111-000000000003";
    static final String APP_NO_WRITER = "0a0a0a0a-1111-4111-8111-000000000004";
    static final String APP_THROTTLED = "0a0a0a0a-1111-4111-8111-000000000005";
    static final String APP_NOT_USER = "0a0a0a0a-1111-4111-8111-000000000006";
    static final String WRONG_SECRET = "CANARY-wrong-secret-55aa";
    static final String WRONG_PASSWORD = "CANARY-wrong-password-66bb";
    static final int BUDGET = 3;

    record Row(String name, ErrorClass expected, boolean transientKind, Function<Urls, LeadDestination> destination) {
        String offerId() {
            return "contoso.row-" + name;
        }

        @Override
        public String toString() {
            return name + " -> " + expected;
        }
    }

    record Urls(String dataverse, String slowDataverse) {
    }

    static Stream<Row> rows() {
        return Stream.of(
                new Row("tenant-not-found", ErrorClass.AAD_TENANT_NOT_FOUND, false,
                        u -> aad("x", u.dataverse(), "0f0f0f0f-0000-4000-8000-00000000dead", APP_OK, CANARY_SECRET)),
                new Row("tenant-format", ErrorClass.AAD_TENANT_ID_INVALID_FORMAT, false,
                        u -> aad("x", u.dataverse(), "contoso", APP_OK, CANARY_SECRET)),
                new Row("app-not-found", ErrorClass.AAD_APP_NOT_FOUND, false,
                        u -> aad("x", u.dataverse(), TENANT, "0a0a0a0a-1111-4111-8111-0000000000ff", CANARY_SECRET)),
                new Row("invalid-secret", ErrorClass.AAD_INVALID_CLIENT_SECRET, false,
                        u -> aad("x", u.dataverse(), TENANT, APP_OK, WRONG_SECRET)),
                new Row("expired-secret", ErrorClass.AAD_INVALID_CLIENT_SECRET, false,
                        u -> aad("x", u.dataverse(), TENANT, APP_EXPIRED, CANARY_SECRET)),
                new Row("bad-password", ErrorClass.DYNAMICS_LOGIN_FAILED, false,
                        u -> office("x", u.dataverse(), USER, WRONG_PASSWORD)),
                new Row("unknown-user", ErrorClass.DYNAMICS_LOGIN_FAILED, false,
                        u -> office("x", u.dataverse(), "nobody@contoso.example", CANARY_PASSWORD)),
                new Row("not-a-user-of-the-environment", ErrorClass.DYNAMICS_LOGIN_FAILED, false,
                        u -> aad("x", u.dataverse(), TENANT, APP_NOT_USER, CANARY_SECRET)),
                new Row("no-roles", ErrorClass.DYNAMICS_NO_ROLES_ASSIGNED, false,
                        u -> aad("x", u.dataverse(), TENANT, APP_NO_ROLES, CANARY_SECRET)),
                new Row("no-lead-writer", ErrorClass.DYNAMICS_MISSING_LEAD_WRITER_ROLE, false,
                        u -> aad("x", u.dataverse(), TENANT, APP_NO_WRITER, CANARY_SECRET)),
                new Row("timeout", ErrorClass.DYNAMICS_TIMEOUT, true,
                        u -> aad("x", u.slowDataverse(), TENANT, APP_OK, CANARY_SECRET)),
                new Row("not-dataverse", ErrorClass.DYNAMICS_INVALID_INSTANCE_URL, false,
                        u -> aad("x", u.dataverse() + "/not-dataverse", TENANT, APP_OK, CANARY_SECRET)),
                new Row("not-https", ErrorClass.DYNAMICS_INVALID_INSTANCE_URL, false,
                        u -> aad("x", "http://contoso.crm.dynamics.com", TENANT, APP_OK, CANARY_SECRET)),
                new Row("throttled", ErrorClass.DYNAMICS_THROTTLED, true,
                        u -> aad("x", u.dataverse(), TENANT, APP_THROTTLED, CANARY_SECRET)));
    }

    static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();
    static FakeAzureAd aadFake;
    static FakeDataverse dataverse;
    static FakeDataverse slowDataverse;
    static Map<String, ConsumerRecord<String, byte[]>> dlqByOffer;
    static List<ConsumerRecord<String, Outcome>> outcomes;

    @BeforeAll
    static void runTheSink() throws Exception {
        LOGS.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOGS);
        aadFake = FakeAzureAd.start()
                .addApp(TENANT, APP_OK, CANARY_SECRET).addApp(TENANT, APP_EXPIRED, CANARY_SECRET).expireSecret(APP_EXPIRED)
                .addApp(TENANT, APP_NO_ROLES, CANARY_SECRET).addApp(TENANT, APP_NO_WRITER, CANARY_SECRET)
                .addApp(TENANT, APP_THROTTLED, CANARY_SECRET).addApp(TENANT, APP_NOT_USER, CANARY_SECRET).addUser(USER, CANARY_PASSWORD);
        dataverse = FakeDataverse.start(aadFake).retryAfter(Duration.ofSeconds(1))
                .failFor(APP_NO_ROLES, FakeDataverse.Failure.NO_ROLES_ASSIGNED)
                .failFor(APP_NO_WRITER, FakeDataverse.Failure.MISSING_LEAD_WRITER_ROLE)
                .failFor(APP_THROTTLED, FakeDataverse.Failure.THROTTLED)
                .failFor(APP_NOT_USER, FakeDataverse.Failure.NOT_A_USER_OF_THIS_ENVIRONMENT);
        slowDataverse = FakeDataverse.start(aadFake).delay(Duration.ofSeconds(10));
        Urls urls = new Urls(dataverse.url(), slowDataverse.url());

        List<LeadDestination> destinations = new ArrayList<>();
        for (Row row : rows().toList()) {
            LeadDestination d = row.destination().apply(urls);
            destinations.add(new LeadDestination(row.offerId(), d.type(), d.settings(), d.contactEmails(), 1, d.updatedAt()));
        }
        destinations.add(aad("contoso.good-aad", dataverse.url(), TENANT, APP_OK, CANARY_SECRET));
        destinations.add(office("contoso.good-office", dataverse.url(), USER, CANARY_PASSWORD));
        DynamicsLeads.publishDestinations(KAFKA.bootstrapServers(), destinations);

        SinkConfig config = SinkConfig.of(KAFKA.bootstrapServers())
                .withGroupId("sink-dynamics-e2e")
                .withBackoff(Duration.ofMillis(100), Duration.ofMillis(300), 0.1)
                .withRetryBudget(BUDGET, Duration.ofSeconds(30))
                .withCircuitBreaker(100, Duration.ofSeconds(1))
                .withMaxConcurrencyPerEndpoint(DynamicsSinkApp.DATAVERSE_CONCURRENCY_LIMIT);
        var client = new DynamicsDestinationClient(aadFake.authorityHost(), aadFake.httpClient(), null, Duration.ofSeconds(3));
        int expectedDlq = (int) rows().count();
        try (SinkRuntime sink = SinkRuntime.start(config, client)) {
            List<dev.leadpipe.core.lead.Lead> leads = new ArrayList<>();
            rows().forEach(r -> leads.add(lead("lead-" + r.name(), r.offerId())));
            leads.add(lead("lead-good-aad", "contoso.good-aad"));
            leads.add(lead("lead-good-office", "contoso.good-office"));
            DynamicsLeads.publishLeads(KAFKA.bootstrapServers(), leads, 0);

            outcomes = TopicReader.readUntil(KAFKA.bootstrapServers(), Topics.LEAD_OUTCOMES,
                    rs -> rs.size() >= expectedDlq + 2, Duration.ofSeconds(90), Duration.ZERO);
            List<ConsumerRecord<String, byte[]>> dlq = TopicReader.readUntil(KAFKA.bootstrapServers(), Topics.LEADS_DLQ,
                    rs -> rs.size() >= expectedDlq, Duration.ofSeconds(30), Duration.ofMillis(500));
            dlqByOffer = dlq.stream().collect(Collectors.toMap(
                    r -> DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.OFFER_ID), r -> r, (a, b) -> b));
        } finally {
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOGS);
        }
    }

    @AfterAll
    static void stop() {
        slowDataverse.close();
        dataverse.close();
        aadFake.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void deadLettersWithTheCataloguedClass(Row row) {
        ConsumerRecord<String, byte[]> record = dlqByOffer.get(row.offerId());
        assertThat(record).as("dead letter of " + row.name()).isNotNull();
        var h = record.headers();
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.ERROR_CLASS)).isEqualTo(row.expected().code());
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.ERROR_KIND))
                .isEqualTo(row.transientKind() ? "transient" : "permanent");
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.REMEDIATION)).isEqualTo(row.expected().remediation());
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.ATTEMPTS))
                .isEqualTo(Integer.toString(row.transientKind() ? BUDGET : 1));
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.DESTINATION_TYPE)).isEqualToIgnoringCase("dynamics");
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.UPSTREAM_DETAIL)).isNotBlank().doesNotContain("@");
        Outcome outcome = outcomes.stream().map(ConsumerRecord::value)
                .filter(o -> o.leadId().equals("lead-" + row.name())).reduce((a, b) -> b).orElseThrow();
        assertThat(outcome.outcome()).isEqualTo(OutcomeType.DEAD_LETTERED);
        assertThat(outcome.errorClass()).isEqualTo(row.expected());
    }

    @Test
    void goodDestinationsAreDeliveredAlongside() {
        Map<String, Outcome> byLead = outcomes.stream().collect(
                Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value, (a, b) -> b));
        assertThat(byLead.get("lead-good-aad").outcome()).isEqualTo(OutcomeType.DELIVERED);
        assertThat(byLead.get("lead-good-office").outcome()).isEqualTo(OutcomeType.DELIVERED);
        assertThat(byLead.get("lead-good-aad").destinationRecordId()).isEqualTo(dataverse.record("lead-good-aad").id());
        assertThat(dataverse.record("lead-good-office").fields()).containsEntry("companyname", "Contoso");
    }

    @Test
    void a401IsRetriedWithOneFreshTokenThenLoginFailed() {
        assertThat(aadFake.tokenRequests(APP_NOT_USER)).isEqualTo(2);
    }

    @Test
    void noCanarySecretOrPasswordAnywhere() {
        List<String> seen = new ArrayList<>();
        LOGS.list.forEach(e -> {
            seen.add(e.getFormattedMessage());
            if (e.getThrowableProxy() != null) {
                seen.add(e.getThrowableProxy().getClassName() + ": " + e.getThrowableProxy().getMessage());
            }
        });
        dlqByOffer.values().forEach(r -> {
            for (Header header : r.headers()) {
                seen.add(header.key() + "=" + new String(header.value(), StandardCharsets.UTF_8));
            }
        });
        outcomes.forEach(r -> seen.add(r.value().toString()));
        assertThat(LOGS.list).isNotEmpty();
        assertThat(seen).allSatisfy(text -> assertThat(text)
                .doesNotContain(CANARY_SECRET, CANARY_PASSWORD, WRONG_SECRET, WRONG_PASSWORD, "CANARY"));
    }
}
