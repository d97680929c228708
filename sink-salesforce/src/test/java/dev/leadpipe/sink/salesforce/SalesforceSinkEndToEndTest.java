package dev.leadpipe.sink.salesforce;

import static dev.leadpipe.sink.salesforce.SalesforceLeads.CANARY_SECRET;
import static dev.leadpipe.sink.salesforce.SalesforceLeads.EMAIL;
import static dev.leadpipe.sink.salesforce.SalesforceLeads.USER;
import static dev.leadpipe.sink.salesforce.SalesforceLeads.clientCredentials;
import static dev.leadpipe.sink.salesforce.SalesforceLeads.jwt;
import static dev.leadpipe.sink.runtime.testing.MarketplaceLeads.lead;
import static dev.leadpipe.sink.salesforce.SalesforceLeads.webToLead;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
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
import dev.leadpipe.fakes.FakeSalesforce;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicReader;
import dev.leadpipe.sink.runtime.SinkConfig;
import dev.leadpipe.sink.runtime.SinkRuntime;

/**
 * Every Salesforce row of the error catalogue, end to end: the real SinkRuntime on an embedded broker delivering
 * through SalesforceDestinationClient to FakeSalesforce orgs. One lead per row; each must end in leads-dlq with the
 * row's class, kind, remediation and attempts (1 when permanent, the whole small budget of 3 when transient). Good
 * leads by client credentials, JWT bearer and Web-to-Lead are delivered in the same run, and a Web-to-Lead lead to
 * an org with a required picklist is "delivered" (sent, not confirmed) while Salesforce stored nothing: the
 * documented danger of that route. Canary secrets, private keys and e-mail addresses appear in no log line, DLQ
 * header or outcome.
 */
class SalesforceSinkEndToEndTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static final String CC_OK = "3MVG9-cc-ok";
    static final String CC_SESSION = "3MVG9-cc-session-rejected";
    static final String CC_LIMIT = "3MVG9-cc-limit";
    static final String CC_DOWN = "3MVG9-cc-down";
    static final String CC_PICKLIST = "3MVG9-cc-picklist";
    static final String CC_RESTRICTED = "3MVG9-cc-restricted";
    static final String JWT_OK = "3MVG9-jwt-ok";
    static final String JWT_WRONG_KEY = "3MVG9-jwt-wrong-key";
    static final String WRONG_SECRET = "CANARY-wrong-secret-31f0";
    static final int BUDGET = 3;

    static final KeyPair KEYS = SalesforceLeads.rsa();
    static final KeyPair OTHER_KEYS = SalesforceLeads.rsa();
    static final String PEM = SalesforceLeads.pem(KEYS);
    static final String OTHER_PEM = SalesforceLeads.pem(OTHER_KEYS);

    record Row(String name, ErrorClass expected, boolean transientKind, Supplier<LeadDestination> destination) {
        String offerId() {
            return "contoso.row-" + name;
        }

        String leadId() {
            return "lead-" + name;
        }

        @Override
        public String toString() {
            return name + " -> " + expected;
        }
    }

    static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();
    static FakeSalesforce mainOrg;
    static FakeSalesforce picklistOrg;
    static FakeSalesforce restrictedOrg;
    static Map<String, ConsumerRecord<String, byte[]>> dlqByOffer;
    static List<ConsumerRecord<String, Outcome>> outcomes;

    static Stream<Row> rows() {
        return Stream.of(
                new Row("required-picklist", ErrorClass.SALESFORCE_REQUIRED_PICKLIST, false,
                        () -> clientCredentials("x", picklistOrg.url(), CC_PICKLIST, CANARY_SECRET)),
                new Row("restricted-picklist", ErrorClass.SALESFORCE_REQUIRED_PICKLIST, false,
                        () -> clientCredentials("x", restrictedOrg.url(), CC_RESTRICTED, CANARY_SECRET)),
                new Row("malformed-org-id", ErrorClass.SALESFORCE_INVALID_ORG_ID, false,
                        () -> webToLead("x", mainOrg.webToLeadUrl(), "00D123")),
                new Row("invalid-client", ErrorClass.SALESFORCE_AUTH_FAILED, false,
                        () -> clientCredentials("x", mainOrg.url(), CC_OK, WRONG_SECRET)),
                new Row("invalid-grant", ErrorClass.SALESFORCE_AUTH_FAILED, false,
                        () -> jwt("x", mainOrg.url(), JWT_WRONG_KEY, USER, OTHER_PEM)),
                new Row("session-invalid-twice", ErrorClass.SALESFORCE_AUTH_FAILED, false,
                        () -> clientCredentials("x", mainOrg.url(), CC_SESSION, CANARY_SECRET)),
                new Row("request-limit", ErrorClass.SALESFORCE_LIMIT_EXCEEDED, true,
                        () -> clientCredentials("x", mainOrg.url(), CC_LIMIT, CANARY_SECRET)),
                new Row("unavailable-503", ErrorClass.SALESFORCE_LIMIT_EXCEEDED, true,
                        () -> clientCredentials("x", mainOrg.url(), CC_DOWN, CANARY_SECRET)),
                new Row("multiple-matches", ErrorClass.DESTINATION_HTTP_ERROR, false,
                        () -> clientCredentials("x", mainOrg.url(), CC_OK, CANARY_SECRET)));
    }

    @BeforeAll
    static void runTheSink() throws Exception {
        LOGS.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOGS);
        mainOrg = FakeSalesforce.start().retryAfter(Duration.ofSeconds(1))
                .addClientCredentialsApp(CC_OK, CANARY_SECRET)
                .addClientCredentialsApp(CC_SESSION, CANARY_SECRET).failFor(CC_SESSION, FakeSalesforce.Failure.INVALID_SESSION)
                .addClientCredentialsApp(CC_LIMIT, CANARY_SECRET).failFor(CC_LIMIT, FakeSalesforce.Failure.REQUEST_LIMIT_EXCEEDED)
                .addClientCredentialsApp(CC_DOWN, CANARY_SECRET).failFor(CC_DOWN, FakeSalesforce.Failure.UNAVAILABLE)
                .addJwtApp(JWT_OK, USER, KEYS.getPublic())
                .addJwtApp(JWT_WRONG_KEY, USER, KEYS.getPublic())
                .duplicateExternalId("lead-multiple-matches");
        picklistOrg = FakeSalesforce.start().addClientCredentialsApp(CC_PICKLIST, CANARY_SECRET)
                .requirePicklist("Industry__c", "Industry", "Software", "Retail");
        restrictedOrg = FakeSalesforce.start().addClientCredentialsApp(CC_RESTRICTED, CANARY_SECRET)
                .restrictPicklist("LeadSource", "Web", "Phone Inquiry", "Other");

        List<LeadDestination> destinations = new ArrayList<>();
        for (Row row : rows().toList()) {
            LeadDestination d = row.destination().get();
            destinations.add(new LeadDestination(row.offerId(), d.type(), d.settings(), d.contactEmails(), 1, d.updatedAt()));
        }
        destinations.add(clientCredentials("contoso.good-cc", mainOrg.url(), CC_OK, CANARY_SECRET));
        destinations.add(jwt("contoso.good-jwt", mainOrg.url(), JWT_OK, USER, PEM));
        destinations.add(webToLead("contoso.good-w2l", mainOrg.webToLeadUrl(), mainOrg.orgId()));
        destinations.add(webToLead("contoso.w2l-picklist", picklistOrg.webToLeadUrl(), picklistOrg.orgId()));
        SalesforceLeads.publishDestinations(KAFKA.bootstrapServers(), destinations);

        SinkConfig config = SinkConfig.of(KAFKA.bootstrapServers())
                .withGroupId("sink-salesforce-e2e")
                .withBackoff(Duration.ofMillis(100), Duration.ofMillis(300), 0.1)
                .withRetryBudget(BUDGET, Duration.ofSeconds(30))
                .withCircuitBreaker(100, Duration.ofSeconds(1));
        int expectedDlq = (int) rows().count();
        try (SinkRuntime sink = SinkRuntime.start(config, new SalesforceDestinationClient(null, Duration.ofSeconds(5)))) {
            List<dev.leadpipe.core.lead.Lead> leads = new ArrayList<>();
            rows().forEach(r -> leads.add(lead(r.leadId(), r.offerId())));
            leads.add(lead("lead-good-cc", "contoso.good-cc"));
            leads.add(lead("lead-good-jwt", "contoso.good-jwt"));
            leads.add(lead("lead-good-w2l", "contoso.good-w2l"));
            leads.add(lead("lead-w2l-picklist", "contoso.w2l-picklist"));
            SalesforceLeads.publishLeads(KAFKA.bootstrapServers(), leads, 0);

            outcomes = TopicReader.readUntil(KAFKA.bootstrapServers(), Topics.LEAD_OUTCOMES,
                    rs -> rs.size() >= expectedDlq + 4, Duration.ofSeconds(60), Duration.ZERO);
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
        mainOrg.close();
        picklistOrg.close();
        restrictedOrg.close();
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
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.DESTINATION_TYPE)).isEqualToIgnoringCase("salesforce");
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.UPSTREAM_DETAIL)).isNotBlank().doesNotContain("@");
        Outcome outcome = outcomes.stream().map(ConsumerRecord::value)
                .filter(o -> o.leadId().equals(row.leadId())).reduce((a, b) -> b).orElseThrow();
        assertThat(outcome.outcome()).isEqualTo(OutcomeType.DEAD_LETTERED);
        assertThat(outcome.errorClass()).isEqualTo(row.expected());
    }

    @Test
    void detailsNameTheFieldOrTheCause() {
        assertThat(detail("required-picklist")).contains("Industry__c");
        assertThat(detail("restricted-picklist")).contains("LeadSource");
        assertThat(detail("multiple-matches")).contains("300").contains("matches 2 Lead records");
        assertThat(detail("invalid-client")).contains("invalid_client");
        assertThat(detail("invalid-grant")).contains("invalid_grant");
        assertThat(detail("session-invalid-twice")).contains("INVALID_SESSION_ID");
        assertThat(detail("request-limit")).contains("REQUEST_LIMIT_EXCEEDED");
    }

    @Test
    void anInvalidSessionIsRefreshedOnceThenAuthFailed() {
        assertThat(mainOrg.tokenRequests(CC_SESSION)).isEqualTo(2);
    }

    @Test
    void goodLeadsAreDeliveredByEachRoute() {
        Map<String, Outcome> byLead = byLead();
        assertThat(byLead.get("lead-good-cc").outcome()).isEqualTo(OutcomeType.DELIVERED);
        assertThat(byLead.get("lead-good-cc").destinationRecordId()).isEqualTo(mainOrg.record("lead-good-cc").id())
                .startsWith("00Q").hasSize(18);
        assertThat(byLead.get("lead-good-jwt").outcome()).isEqualTo(OutcomeType.DELIVERED);
        assertThat(byLead.get("lead-good-jwt").destinationRecordId()).isEqualTo(mainOrg.record("lead-good-jwt").id());
        assertThat(mainOrg.record("lead-good-cc").fields()).containsEntry("Company", "Contoso")
                .containsEntry("LastName", "Lin").containsEntry("LeadSource", "AzureMarketplace")
                .containsEntry("LeadpipeLeadId__c", "lead-good-cc");
        assertThat(byLead.get("lead-good-w2l").outcome()).isEqualTo(OutcomeType.DELIVERED);
        assertThat(byLead.get("lead-good-w2l").destinationRecordId())
                .isEqualTo(SalesforceDestinationClient.WEB_TO_LEAD_NOT_CONFIRMED);
        assertThat(mainOrg.webToLeadStored()).hasSize(1);
        assertThat(mainOrg.webToLeadStored().get(0)).containsEntry("oid", mainOrg.orgId()).containsEntry("last_name", "Lin")
                .containsEntry("company", "Contoso").containsEntry("lead_source", "AzureMarketplace");
    }

    @Test
    void webToLeadToAnOrgWithARequiredPicklistIsSentButNotStored() {
        Outcome outcome = byLead().get("lead-w2l-picklist");
        assertThat(outcome.outcome()).isEqualTo(OutcomeType.DELIVERED);
        assertThat(outcome.destinationRecordId()).isEqualTo("web-to-lead: sent, not confirmed");
        assertThat(picklistOrg.webToLeadReceived()).hasSize(1);
        assertThat(picklistOrg.webToLeadStored()).isEmpty();
    }

    @Test
    void noSecretPrivateKeyOrEmailAnywhere() {
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
        String keyText = PEM.lines().skip(3).findFirst().orElseThrow();
        String otherKeyText = OTHER_PEM.lines().skip(3).findFirst().orElseThrow();
        assertThat(LOGS.list).isNotEmpty();
        assertThat(seen).allSatisfy(text -> assertThat(text).doesNotContain(CANARY_SECRET, WRONG_SECRET, "CANARY",
                keyText, otherKeyText, "PRIVATE KEY", EMAIL, USER, "eyJ"));
    }

    private static Map<String, Outcome> byLead() {
        return outcomes.stream().collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value, (a, b) -> b));
    }

    private static String detail(String row) {
        return DeadLetterHeaders.get(dlqByOffer.get("contoso.row-" + row).headers(), DeadLetterHeaders.UPSTREAM_DETAIL);
    }
}
