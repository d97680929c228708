package dev.leadpipe.core.destination;

import java.util.List;
import java.util.Map;

import dev.leadpipe.core.lead.FieldError;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Each type's rules as a publisher meets them: what is accepted, and what each refusal points at and says. */
class DestinationValidatorTest {
    private static final String GUID = "00000000-0000-0000-0000-000000000000";
    private static final String PEM =
            "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\n-----END PRIVATE KEY-----";

    private static List<String> pointers(DestinationType type, Map<String, String> settings) {
        return DestinationValidator.validate(type, settings).stream()
                .map(FieldError::pointer)
                .toList();
    }

    private static String detail(DestinationType type, Map<String, String> settings, String pointer) {
        return DestinationValidator.validate(type, settings).stream()
                .filter(e -> e.pointer().equals(pointer))
                .map(FieldError::detail)
                .findFirst()
                .orElse(null);
    }

    @Test
    void dynamicsTakesAnApplicationOrAUserButNotBoth() {
        Map<String, String> app = Map.of(
                "instanceUrl",
                "https://contoso.crm.dynamics.com",
                "tenantId",
                "contoso.onmicrosoft.com",
                "applicationId",
                GUID,
                "clientSecret",
                "s3cret");
        assertThat(pointers(DestinationType.DYNAMICS, app)).isEmpty();
        assertThat(pointers(
                        DestinationType.DYNAMICS,
                        Map.of(
                                "instanceUrl",
                                "https://contoso.crm.dynamics.com",
                                "userName",
                                "leads@contoso.example",
                                "password",
                                "pw")))
                .isEmpty();
        Map<String, String> both = new java.util.HashMap<>(app);
        both.put("password", "pw");
        assertThat(pointers(DestinationType.DYNAMICS, both)).containsExactly("/settings");
        assertThat(detail(DestinationType.DYNAMICS, both, "/settings"))
                .contains("choose one")
                .doesNotContain("pw");
        assertThat(pointers(DestinationType.DYNAMICS, Map.of("instanceUrl", "https://contoso.crm.dynamics.com")))
                .containsExactly("/settings");
        assertThat(detail(DestinationType.DYNAMICS, Map.of(), "/settings"))
                .contains("instanceUrl + tenantId + applicationId + clientSecret")
                .contains("instanceUrl + userName + password");
    }

    @Test
    void everyBadDynamicsFieldIsReportedTogetherWithoutItsValue() {
        Map<String, String> bad = Map.of(
                "instanceUrl",
                "http://contoso.crm.dynamics.com",
                "tenantId",
                "not a tenant!",
                "applicationId",
                "app-42",
                "clientSecret",
                "canary-77",
                "clientID",
                "typo");
        List<FieldError> errors = DestinationValidator.validate(DestinationType.DYNAMICS, bad);
        assertThat(errors)
                .extracting(FieldError::pointer)
                .containsExactlyInAnyOrder(
                        "/settings/instanceUrl", "/settings/tenantId", "/settings/applicationId", "/settings/clientID");
        assertThat(errors.toString())
                .doesNotContain("canary-77")
                .doesNotContain("not a tenant!")
                .doesNotContain("app-42");
        assertThat(detail(DestinationType.DYNAMICS, bad, "/settings/instanceUrl"))
                .startsWith("is not https");
        assertThat(detail(DestinationType.DYNAMICS, bad, "/settings/clientID"))
                .contains("known: applicationId, clientSecret");
        assertThat(detail(DestinationType.DYNAMICS, Map.of("clientSecret", "s"), "/settings/tenantId"))
                .isEqualTo(
                        "is required for an Azure AD application: the Azure AD directory (tenant) id, a GUID or a verified domain");
    }

    @Test
    void salesforceRestGoesBeforeWebToLeadAndItsTwoSignInsExcludeEachOther() {
        assertThat(pointers(DestinationType.SALESFORCE, Map.of("organizationId", "00D000000000000")))
                .isEmpty();
        assertThat(pointers(
                        DestinationType.SALESFORCE,
                        Map.of("clientId", "ck", "clientSecret", "cs", "organizationId", "00D000000000000")))
                .isEmpty();
        assertThat(pointers(
                        DestinationType.SALESFORCE,
                        Map.of(
                                "clientId",
                                "ck",
                                "userName",
                                "api@contoso.example",
                                "privateKey",
                                PEM,
                                "loginUrl",
                                "https://login.salesforce.com",
                                "apiVersion",
                                "v62.0",
                                "externalIdField",
                                "LeadpipeLeadId__c")))
                .isEmpty();
        assertThat(pointers(
                        DestinationType.SALESFORCE, Map.of("clientId", "ck", "clientSecret", "cs", "userName", "u")))
                .containsExactly("/settings");
        assertThat(pointers(DestinationType.SALESFORCE, Map.of("clientId", "ck", "organizationId", "00D000000000000")))
                .as("clientId alone is neither sign-in, though an organisation id is there")
                .containsExactly("/settings");
        assertThat(pointers(DestinationType.SALESFORCE, Map.of("clientId", "ck", "privateKey", "not a pem")))
                .containsExactlyInAnyOrder("/settings/privateKey", "/settings/userName");
        assertThat(pointers(DestinationType.SALESFORCE, Map.of("organizationId", "12345", "webToLeadUrl", "ftp://x")))
                .containsExactlyInAnyOrder("/settings/organizationId", "/settings/webToLeadUrl");
        assertThat(pointers(
                        DestinationType.SALESFORCE,
                        Map.of(
                                "clientId",
                                "ck",
                                "clientSecret",
                                "cs",
                                "externalIdField",
                                "Custom_Field_Name_That_Is_Forty_Chars__c",
                                "apiVersion",
                                "62")))
                .containsExactly("/settings/apiVersion");
    }

    @Test
    void tableNeedsAnAccountAndAKeyOrASignature() {
        assertThat(pointers(DestinationType.TABLE, Map.of("connectionString", "UseDevelopmentStorage=true")))
                .isEmpty();
        assertThat(
                        pointers(
                                DestinationType.TABLE,
                                Map.of(
                                        "connectionString",
                                        "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=a2V5;EndpointSuffix=core.windows.net")))
                .isEmpty();
        assertThat(pointers(
                        DestinationType.TABLE,
                        Map.of("connectionString", "AccountName=a;SharedAccessSignature=sv=1&sig=x")))
                .isEmpty();
        assertThat(detail(
                        DestinationType.TABLE,
                        Map.of("connectionString", "AccountName=contoso"),
                        "/settings/connectionString"))
                .isEqualTo("lacks AccountKey (or SharedAccessSignature)");
        assertThat(detail(
                        DestinationType.TABLE,
                        Map.of("connectionString", "AccountName=a;AccountKey=!!"),
                        "/settings/connectionString"))
                .contains("not base64");
        assertThat(detail(DestinationType.TABLE, Map.of("connectionString", "just text"), "/settings/connectionString"))
                .contains("Name=value");
        assertThat(detail(
                        DestinationType.TABLE,
                        Map.of("connectionString", "AccountName=a;AccountKey=a2V5;DefaultEndpointsProtocol=ftp"),
                        "/settings/connectionString"))
                .contains("neither https nor http");
        assertThat(detail(
                        DestinationType.TABLE,
                        Map.of("connectionString", "AccountName=a;AccountKey=a2V5;TableEndpoint=http://x.example"),
                        "/settings/connectionString"))
                .isEqualTo("has a TableEndpoint that is not https");
        assertThat(detail(DestinationType.TABLE, Map.of(), "/settings/connectionString"))
                .startsWith("is required: ");
    }

    @Test
    void httpsNeedsAnHttpsUrlAndALongEnoughSigningSecret() {
        assertThat(pointers(DestinationType.HTTPS, Map.of("url", "https://flow.example/x")))
                .isEmpty();
        assertThat(pointers(DestinationType.HTTPS, Map.of("url", "http://127.0.0.1:8080/x")))
                .as("loopback stand-in")
                .isEmpty();
        assertThat(pointers(DestinationType.HTTPS, Map.of("url", "http://flow.example/x", "signingSecret", "short")))
                .containsExactlyInAnyOrder("/settings/url", "/settings/signingSecret");
        assertThat(detail(DestinationType.HTTPS, Map.of("url", "flow.example/x"), "/settings/url"))
                .startsWith("is not an absolute URL");
        assertThat(detail(DestinationType.HTTPS, Map.of("url", "https://[bad"), "/settings/url"))
                .startsWith("is not a URL");
    }

    @Test
    void noneTakesNothingAndBlobIsRefusedWithTheAdvice() {
        assertThat(pointers(DestinationType.NONE, Map.of())).isEmpty();
        assertThat(detail(DestinationType.NONE, Map.of("url", "x"), "/settings/url"))
                .contains("it takes none");
        assertThat(pointers(DestinationType.BLOB, Map.of("connectionString", "x")))
                .containsExactly("/type");
        assertThat(detail(DestinationType.BLOB, Map.of(), "/type")).contains("no longer a supported lead destination");
        assertThat(DestinationValidator.validate((DestinationType) null, Map.of("x", "y")))
                .isEmpty();
    }

    @Test
    void eachTypeSaysWhereAPublisherFindsADeliveredLead() {
        assertThat(DestinationSpecs.of(DestinationType.TABLE).whereToFind()).contains("MarketplaceLeads table");
        assertThat(DestinationSpecs.of(DestinationType.DYNAMICS).whereToFind()).contains("Dynamics 365");
        assertThat(DestinationSpecs.of(DestinationType.SALESFORCE).whereToFind())
                .contains("Salesforce");
        assertThat(DestinationSpecs.of(DestinationType.HTTPS).whereToFind()).contains("HTTPS endpoint");
        assertThat(DestinationSpecs.of(DestinationType.NONE).whereToFind()).startsWith("not delivered");
        assertThat(DestinationSpecs.of(DestinationType.BLOB).whereToFind()).startsWith("not delivered");
        assertThat(DestinationSpecs.all())
                .extracting(DestinationSpec::title)
                .doesNotHaveDuplicates()
                .allMatch(t -> !t.isBlank());
    }

    @Test
    void aRetiredBlobConfigurationStillMasksItsConnectionString() {
        assertThat(DestinationSpecs.of(DestinationType.BLOB)
                        .masked(Map.of("connectionString", "AccountKey=k", "containerName", "leads")))
                .containsEntry("connectionString", LeadDestination.MASK)
                .containsEntry("containerName", "leads");
    }

    @Test
    void aSigningSecretOfExactlySixteenCharactersIsEnough() {
        assertThat(pointers(
                        DestinationType.HTTPS, Map.of("url", "https://a.example", "signingSecret", "0123456789abcdef")))
                .isEmpty();
        assertThat(pointers(
                        DestinationType.HTTPS, Map.of("url", "https://a.example", "signingSecret", "0123456789abcde")))
                .containsExactly("/settings/signingSecret");
    }

    @Test
    void aBlankValueCountsAsMissingAndSettingPointersAreEscaped() {
        assertThat(pointers(DestinationType.HTTPS, Map.of("url", "  "))).containsExactly("/settings/url");
        assertThat(DestinationValidator.pointer("a/b~c")).isEqualTo("/settings/a~1b~0c");
    }

    @Test
    void theUrlRuleAllowsHttpOnlyOnLoopback() {
        assertThat(DestinationUrls.problem("https://example.com")).isEmpty();
        assertThat(DestinationUrls.problem("http://localhost:1/x")).isEmpty();
        assertThat(DestinationUrls.problem("http://[::1]:1/x")).isEmpty();
        assertThat(DestinationUrls.problem("http://127.evil.example/x")).contains("is not https");
        assertThat(DestinationUrls.problem("HTTPS://EXAMPLE.COM")).isEmpty();
        assertThat(DestinationUrls.problem(null)).contains("is not a URL");
        assertThat(DestinationUrls.allowed(java.net.URI.create("ftp://example.com")))
                .isFalse();
        assertThat(DestinationUrls.allowed(java.net.URI.create("/relative"))).isFalse();
    }

    @Test
    void redactionCoversDerivedPartsOfSecrets() {
        assertThat(DestinationSpecs.of(DestinationType.TABLE)
                        .redactionValues(Map.of(
                                "connectionString",
                                "AccountName=a;AccountKey=a2V5%2B;SharedAccessSignature=sv=1&sig=c2ln%3D")))
                .contains("a2V5%2B", "a2V5+", "c2ln%3D", "c2ln=");
        assertThat(DestinationSpecs.of(DestinationType.HTTPS)
                        .redactionValues(Map.of(
                                "url",
                                "https://flow.example/workflows/a%20b/invoke?sp=%2Ftriggers&sig=S1gn4ture",
                                "signingSecret",
                                " padded-secret-value ")))
                .contains(
                        "S1gn4ture",
                        "/workflows/a%20b/invoke",
                        "/workflows/a b/invoke",
                        "sp=%2Ftriggers&sig=S1gn4ture",
                        "sp=/triggers&sig=S1gn4ture",
                        "%2Ftriggers",
                        "/triggers",
                        " padded-secret-value ",
                        "padded-secret-value")
                .doesNotContain("s", "flow.example");
        assertThat(DestinationSpecs.of(DestinationType.HTTPS)
                        .redactionValues(Map.of("url", "https://flow.example/x?a=1&b=22")))
                .as("one-character parts are not redacted (they would blank out every detail)")
                .contains("22")
                .doesNotContain("1", "/x".substring(1));
        assertThat(DestinationSpecs.of(DestinationType.HTTPS).redactionValues(Map.of("url", "not a [url")))
                .containsExactly("not a [url");
        assertThat(DestinationSpecs.of(DestinationType.TABLE)
                        .redactionValues(Map.of(
                                "connectionString",
                                "AccountName=acct;TableEndpoint=https://acct.table.example/?sv=1&sig=ZW5kcG9pbnQ%3D")))
                .contains("ZW5kcG9pbnQ%3D", "ZW5kcG9pbnQ=")
                .doesNotContain("acct", "1");
        assertThat(DestinationSpecs.of(DestinationType.TABLE)
                        .redactionValues(Map.of("connectionString", "AccountName=acct;sig=c2ln")))
                .contains("c2ln")
                .doesNotContain("acct");
        assertThat(DestinationSpecs.of(DestinationType.SALESFORCE)
                        .redactionValues(
                                Map.of("privateKey", PEM, "userName", "api@contoso.example", "clientId", "ck")))
                .contains("MIIEvQIBADANBgkqhkiG9w0B", "api@contoso.example")
                .doesNotContain("ck", "-----END PRIVATE KEY-----");
    }
}
