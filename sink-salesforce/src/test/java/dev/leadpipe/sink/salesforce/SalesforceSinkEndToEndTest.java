package dev.leadpipe.sink.salesforce;

import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.fakes.FakeSalesforce;
import dev.leadpipe.sink.runtime.DestinationClient;
import dev.leadpipe.sink.runtime.testing.SinkEndToEndContract;
import org.junit.jupiter.api.Test;

import static dev.leadpipe.sink.runtime.testing.MarketplaceLeads.lead;
import static dev.leadpipe.sink.salesforce.SalesforceLeads.CANARY_SECRET;
import static dev.leadpipe.sink.salesforce.SalesforceLeads.EMAIL;
import static dev.leadpipe.sink.salesforce.SalesforceLeads.USER;
import static dev.leadpipe.sink.salesforce.SalesforceLeads.clientCredentials;
import static dev.leadpipe.sink.salesforce.SalesforceLeads.jwt;
import static dev.leadpipe.sink.salesforce.SalesforceLeads.webToLead;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every Salesforce row of the error catalogue, end to end ({@link SinkEndToEndContract}): the real SinkRuntime on an embedded broker delivering
 * through SalesforceDestinationClient to FakeSalesforce orgs. One lead per row; each must end in leads-dlq with the
 * row's class, kind, remediation and attempts (1 when permanent, the whole small budget of 3 when transient). Good
 * leads by client credentials and JWT bearer are delivered in the same run; Web-to-Lead leads end SENT_UNCONFIRMED,
 * never DELIVERED, also the one to an org with a required picklist that Salesforce answered 200 and stored nothing
 * for: the documented danger of that route. Canary secrets, private keys and e-mail addresses appear in no log line, DLQ
 * header or outcome.
 */
class SalesforceSinkEndToEndTest extends SinkEndToEndContract<SalesforceSinkEndToEndTest.Row> {
    static final String CC_OK = "3MVG9-cc-ok";
    static final String CC_SESSION = "3MVG9-cc-session-rejected";
    static final String CC_LIMIT = "3MVG9-cc-limit";
    static final String CC_DOWN = "3MVG9-cc-down";
    static final String CC_PICKLIST = "3MVG9-cc-picklist";
    static final String CC_RESTRICTED = "3MVG9-cc-restricted";
    static final String JWT_OK = "3MVG9-jwt-ok";
    static final String JWT_WRONG_KEY = "3MVG9-jwt-wrong-key";
    static final String WRONG_SECRET = "CANARY-wrong-secret-31f0";

    static final KeyPair KEYS = SalesforceLeads.rsa();
    static final KeyPair OTHER_KEYS = SalesforceLeads.rsa();
    static final String PEM = SalesforceLeads.pem(KEYS);
    static final String OTHER_PEM = SalesforceLeads.pem(OTHER_KEYS);

    record Row(String name, ErrorClass expected, boolean transientKind, Supplier<LeadDestination> destination)
            implements CatalogueRow {
        @Override
        public String toString() {
            return name + " -> " + expected;
        }
    }

    FakeSalesforce mainOrg;
    FakeSalesforce picklistOrg;
    FakeSalesforce restrictedOrg;

    @Override
    protected Stream<Row> rows() {
        return Stream.of(
                new Row(
                        "required-picklist",
                        ErrorClass.SALESFORCE_REQUIRED_PICKLIST,
                        false,
                        () -> clientCredentials("x", picklistOrg.url(), CC_PICKLIST, CANARY_SECRET)),
                new Row(
                        "restricted-picklist",
                        ErrorClass.SALESFORCE_REQUIRED_PICKLIST,
                        false,
                        () -> clientCredentials("x", restrictedOrg.url(), CC_RESTRICTED, CANARY_SECRET)),
                new Row(
                        "malformed-org-id",
                        ErrorClass.SALESFORCE_INVALID_ORG_ID,
                        false,
                        () -> webToLead("x", mainOrg.webToLeadUrl(), "00D123")),
                new Row(
                        "invalid-client",
                        ErrorClass.SALESFORCE_AUTH_FAILED,
                        false,
                        () -> clientCredentials("x", mainOrg.url(), CC_OK, WRONG_SECRET)),
                new Row(
                        "invalid-grant",
                        ErrorClass.SALESFORCE_AUTH_FAILED,
                        false,
                        () -> jwt("x", mainOrg.url(), JWT_WRONG_KEY, USER, OTHER_PEM)),
                new Row(
                        "session-invalid-twice",
                        ErrorClass.SALESFORCE_AUTH_FAILED,
                        false,
                        () -> clientCredentials("x", mainOrg.url(), CC_SESSION, CANARY_SECRET)),
                new Row(
                        "request-limit",
                        ErrorClass.SALESFORCE_LIMIT_EXCEEDED,
                        true,
                        () -> clientCredentials("x", mainOrg.url(), CC_LIMIT, CANARY_SECRET)),
                new Row(
                        "unavailable-503",
                        ErrorClass.SALESFORCE_LIMIT_EXCEEDED,
                        true,
                        () -> clientCredentials("x", mainOrg.url(), CC_DOWN, CANARY_SECRET)),
                new Row(
                        "multiple-matches",
                        ErrorClass.DESTINATION_HTTP_ERROR,
                        false,
                        () -> clientCredentials("x", mainOrg.url(), CC_OK, CANARY_SECRET)));
    }

    Row row(String name) {
        return rows().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    @Override
    protected void startDestinations() {
        mainOrg = FakeSalesforce.start()
                .retryAfter(Duration.ofSeconds(1))
                .addClientCredentialsApp(CC_OK, CANARY_SECRET)
                .addClientCredentialsApp(CC_SESSION, CANARY_SECRET)
                .failFor(CC_SESSION, FakeSalesforce.Failure.INVALID_SESSION)
                .addClientCredentialsApp(CC_LIMIT, CANARY_SECRET)
                .failFor(CC_LIMIT, FakeSalesforce.Failure.REQUEST_LIMIT_EXCEEDED)
                .addClientCredentialsApp(CC_DOWN, CANARY_SECRET)
                .failFor(CC_DOWN, FakeSalesforce.Failure.UNAVAILABLE)
                .addJwtApp(JWT_OK, USER, KEYS.getPublic())
                .addJwtApp(JWT_WRONG_KEY, USER, KEYS.getPublic())
                .duplicateExternalId("lead-multiple-matches");
        picklistOrg = FakeSalesforce.start()
                .addClientCredentialsApp(CC_PICKLIST, CANARY_SECRET)
                .requirePicklist("Industry__c", "Industry", "Software", "Retail");
        restrictedOrg = FakeSalesforce.start()
                .addClientCredentialsApp(CC_RESTRICTED, CANARY_SECRET)
                .restrictPicklist("LeadSource", "Web", "Phone Inquiry", "Other");
    }

    @Override
    protected void stopDestinations() {
        mainOrg.close();
        picklistOrg.close();
        restrictedOrg.close();
    }

    @Override
    protected LeadDestination destination(Row row) {
        return row.destination().get();
    }

    @Override
    protected List<LeadDestination> moreDestinations() {
        return List.of(
                clientCredentials("contoso.good-cc", mainOrg.url(), CC_OK, CANARY_SECRET),
                jwt("contoso.good-jwt", mainOrg.url(), JWT_OK, USER, PEM),
                webToLead("contoso.good-w2l", mainOrg.webToLeadUrl(), mainOrg.orgId()),
                webToLead("contoso.w2l-picklist", picklistOrg.webToLeadUrl(), picklistOrg.orgId()));
    }

    @Override
    protected List<Lead> moreLeads() {
        return List.of(
                lead("lead-good-cc", "contoso.good-cc"),
                lead("lead-good-jwt", "contoso.good-jwt"),
                lead("lead-good-w2l", "contoso.good-w2l"),
                lead("lead-w2l-picklist", "contoso.w2l-picklist"));
    }

    @Override
    protected DestinationClient client() {
        return new SalesforceDestinationClient(null, Duration.ofSeconds(5));
    }

    @Override
    protected List<String> canaries() {
        String keyText = PEM.lines().skip(3).findFirst().orElseThrow();
        String otherKeyText = OTHER_PEM.lines().skip(3).findFirst().orElseThrow();
        return List.of(CANARY_SECRET, WRONG_SECRET, "CANARY", keyText, otherKeyText, "PRIVATE KEY", EMAIL, USER, "eyJ");
    }

    @Test
    void detailsNameTheFieldOrTheCause() {
        assertThat(detail(row("required-picklist"))).contains("Industry__c");
        assertThat(detail(row("restricted-picklist"))).contains("LeadSource");
        assertThat(detail(row("multiple-matches"))).contains("300").contains("matches 2 Lead records");
        assertThat(detail(row("invalid-client"))).contains("invalid_client");
        assertThat(detail(row("invalid-grant"))).contains("invalid_grant");
        assertThat(detail(row("session-invalid-twice"))).contains("INVALID_SESSION_ID");
        assertThat(detail(row("request-limit"))).contains("REQUEST_LIMIT_EXCEEDED");
    }

    @Test
    void anInvalidSessionIsRefreshedOnceThenAuthFailed() {
        assertThat(mainOrg.tokenRequests(CC_SESSION)).isEqualTo(2);
    }

    @Test
    void goodLeadsAreDeliveredByEachRoute() {
        assertThat(outcomeOf("lead-good-cc").outcome()).isEqualTo(OutcomeType.DELIVERED);
        assertThat(outcomeOf("lead-good-cc").destinationRecordId())
                .isEqualTo(mainOrg.record("lead-good-cc").id())
                .startsWith("00Q")
                .hasSize(18);
        assertThat(outcomeOf("lead-good-jwt").outcome()).isEqualTo(OutcomeType.DELIVERED);
        assertThat(outcomeOf("lead-good-jwt").destinationRecordId())
                .isEqualTo(mainOrg.record("lead-good-jwt").id());
        assertThat(mainOrg.record("lead-good-cc").fields())
                .containsEntry("Company", "Contoso")
                .containsEntry("LastName", "Lin")
                .containsEntry("LeadSource", "AzureMarketplace")
                .containsEntry("LeadpipeLeadId__c", "lead-good-cc");
        assertThat(outcomeOf("lead-good-w2l").outcome()).isEqualTo(OutcomeType.SENT_UNCONFIRMED);
        assertThat(outcomeOf("lead-good-w2l").destinationRecordId()).isNull();
        assertThat(outcomeOf("lead-good-w2l").attempts()).isEqualTo(1);
        assertThat(mainOrg.webToLeadStored()).hasSize(1);
        assertThat(mainOrg.webToLeadStored().get(0))
                .containsEntry("oid", mainOrg.orgId())
                .containsEntry("last_name", "Lin")
                .containsEntry("company", "Contoso")
                .containsEntry("lead_source", "AzureMarketplace-INS|contoso.widget-saas");
    }

    @Test
    void webToLeadToAnOrgWithARequiredPicklistIsSentButNotStored() {
        Outcome outcome = outcomeOf("lead-w2l-picklist");
        assertThat(outcome.outcome()).isEqualTo(OutcomeType.SENT_UNCONFIRMED);
        assertThat(outcome.destinationRecordId()).isNull();
        assertThat(outcome.detail())
                .startsWith("sent, not confirmed")
                .contains("no picklist is required on the Web-to-Lead form")
                .contains("REST route");
        assertThat(outcomes.stream().filter(r -> r.key().equals("lead-w2l-picklist")))
                .as("exactly one outcome")
                .hasSize(1);
        assertThat(picklistOrg.webToLeadReceived()).hasSize(1);
        assertThat(picklistOrg.webToLeadStored()).isEmpty();
    }
}
