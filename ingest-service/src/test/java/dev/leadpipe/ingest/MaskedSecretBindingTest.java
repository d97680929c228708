package dev.leadpipe.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.secret.SecretKeyring;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.ops.testing.TestKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stored secret stays bound to where it may be sent: a PUT that sends it back masked keeps it only while the type
 * and every routing setting of the type are unchanged; otherwise 422 names each secret to enter again, and nothing
 * reaches the destinations topic. One case per destination type; no answer repeats the secret.
 */
class MaskedSecretBindingTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final String CANARY = "CANARY-secret-" + UUID.randomUUID();
    private static final String MASK = LeadDestination.MASK;

    private static IngestService service;
    private static Http http;

    @BeforeAll
    static void start() {
        String key = TestKeys.operator(KAFKA.bootstrapServers());
        service = IngestService.start(
                IngestConfig.defaults(KAFKA.bootstrapServers()).with(IngestConfig.PORT, 0));
        http = new Http(service.port(), key);
    }

    @AfterAll
    static void stop() {
        service.stop();
    }

    private static String dynamics(String instanceUrl, String tenant, String secret) {
        return """
                {"type": "dynamics", "settings": {"instanceUrl": "%s", "tenantId": "%s",
                 "applicationId": "0a0a0a0a-1111-4111-8111-000000000001", "clientSecret": "%s"}}
                """.formatted(instanceUrl, tenant, secret);
    }

    private static String salesforce(String loginUrl, String secret) {
        return """
                {"type": "salesforce", "settings": {"loginUrl": "%s", "clientId": "app-key", "clientSecret": "%s"}}
                """.formatted(loginUrl, secret);
    }

    private static String https(String url, String signingSecret) {
        return """
                {"type": "https", "settings": {"url": "%s", "signingSecret": "%s"}}
                """.formatted(url, signingSecret);
    }

    private static String table(String connectionString) {
        return "{\"type\": \"table\", \"settings\": {\"connectionString\": \"" + connectionString + "\"}}";
    }

    @Test
    void dynamicsSecretIsRefusedForANewInstanceOrTenantAndKeptForTheSame() {
        String path = "/v1/offers/contoso.dyn-bound/lead-destination";
        String tenant = "8d5c1a4e-0b7f-4f7e-9a57-3c2f5f0e1d11";
        store(path, dynamics("https://contoso.crm.dynamics.com", tenant, CANARY));

        refusedNaming(path, dynamics("https://attacker.crm.dynamics.com", tenant, MASK), "/settings/clientSecret");
        refusedNaming(
                path, dynamics("https://contoso.crm.dynamics.com", "attacker.example", MASK), "/settings/clientSecret");
        keptSecret(path, dynamics("https://contoso.crm.dynamics.com", tenant, MASK), "clientSecret");
    }

    @Test
    void salesforceSecretIsRefusedForANewLoginUrlAndKeptForTheSame() {
        String path = "/v1/offers/contoso.sf-bound/lead-destination";
        store(path, salesforce("https://contoso.my.salesforce.com", CANARY));

        refusedNaming(path, salesforce("https://attacker.example", MASK), "/settings/clientSecret");
        keptSecret(path, salesforce("https://contoso.my.salesforce.com", MASK), "clientSecret");
    }

    @Test
    void httpsSigningSecretIsRefusedForANewUrlAndKeptForTheSame() {
        String path = "/v1/offers/contoso.https-bound/lead-destination";
        store(path, https("https://flow.contoso.example/in", CANARY));

        refusedNaming(path, https("https://attacker.example/in", MASK), "/settings/signingSecret");
        // the URL itself is a routing secret: sent back masked, it is unchanged and both are kept
        keptSecret(path, https(MASK, MASK), "signingSecret");
    }

    @Test
    void tableConnectionStringIsKeptOnlyForTheSameType() {
        // the connection string is the table type's only routing setting and its only secret: masked, it is the
        // stored one; the way to point it elsewhere is to change the type, which must not carry it over
        String path = "/v1/offers/contoso.table-bound/lead-destination";
        String key = Base64.getEncoder().encodeToString(CANARY.getBytes(StandardCharsets.UTF_8));
        String connectionString = "DefaultEndpointsProtocol=https;AccountName=contoso;AccountKey=" + key;
        store(path, https("https://flow.contoso.example/in", CANARY));
        refusedNaming(path, table(MASK), "/settings/connectionString");

        store(path, table(connectionString));
        keptSecret(path, table(MASK), "connectionString", key);
    }

    private static void store(String path, String body) {
        Http.Answer answer = http.put(path, body);
        assertThat(answer.status()).as(answer.body()).isIn(200, 201);
    }

    private static void refusedNaming(String path, String body, String pointer) {
        long before = TopicCounts.count(KAFKA.bootstrapServers(), Topics.LEAD_DESTINATIONS);
        Http.Answer answer = http.put(path, body);

        assertThat(answer.status()).as(answer.body()).isEqualTo(422);
        assertThat(answer.contentType()).startsWith(Problem.CONTENT_TYPE);
        assertThat(answer.body()).doesNotContain(CANARY);
        List<String> details = answer.json().path("errors").findValues("pointer").stream()
                .map(JsonNode::asText)
                .toList();
        assertThat(details).contains(pointer);
        String detail = detailOf(answer.json(), pointer);
        assertThat(detail).contains("enter the secret");
        assertThat(TopicCounts.count(KAFKA.bootstrapServers(), Topics.LEAD_DESTINATIONS))
                .isEqualTo(before);
    }

    private static void keptSecret(String path, String body, String secret) {
        keptSecret(path, body, secret, CANARY);
    }

    private static void keptSecret(String path, String body, String secret, String expected) {
        long version = service.destinations().get(offerOf(path)).orElseThrow().version();
        Http.Answer answer = http.put(path, body);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().path("version").asLong()).isEqualTo(version + 1);
        LeadDestination stored = service.destinations().get(offerOf(path)).orElseThrow();
        assertThat(SecretKeyring.fromEnvironment()
                        .decryptSecrets(stored)
                        .settings()
                        .get(secret))
                .contains(expected);
    }

    private static String offerOf(String path) {
        return path.split("/")[3];
    }

    private static String detailOf(JsonNode answer, String pointer) {
        for (JsonNode e : answer.path("errors")) {
            if (e.path("pointer").asText().equals(pointer)) {
                return e.path("detail").asText();
            }
        }
        return null;
    }
}
