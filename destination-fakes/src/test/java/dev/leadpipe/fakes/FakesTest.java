package dev.leadpipe.fakes;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The fakes answer with the services' shapes: token JSON, AAD error JSON and statuses, Dataverse upsert and errors. */
class FakesTest {
    static final String TENANT = "8d5c1a4e-0b7f-4f7e-9a57-3c2f5f0e1d11";
    static final String APP = "11111111-2222-3333-4444-555555555555";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static FakeAzureAd aad;
    static FakeDataverse dataverse;

    @BeforeAll
    static void start() {
        aad = FakeAzureAd.start()
                .addApp(TENANT, APP, "s3cret-value")
                .addApp(TENANT, "expired-app", "x-secret")
                .expireSecret("expired-app")
                .addUser("user@contoso.example", "pw-1234");
        dataverse = FakeDataverse.start(aad);
    }

    @AfterAll
    static void stop() {
        dataverse.close();
        aad.close();
    }

    static HttpResponse<String> token(String tenant, String form) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(aad.baseUrl() + "/" + tenant + "/oauth2/v2.0/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(BodyPublishers.ofString(form))
                        .build(),
                BodyHandlers.ofString());
    }

    @Test
    void issuesTokensInTheRealShape() throws Exception {
        var response = token(
                TENANT,
                "grant_type=client_credentials&client_id=" + APP
                        + "&client_secret=s3cret-value&scope=https%3A%2F%2Forg.crm.dynamics.com%2F.default");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.path("expires_in").asInt()).isPositive();
        assertThat(body.path("ext_expires_in").asInt()).isPositive();
        assertThat(aad.principalOf(body.path("access_token").asText()).subject())
                .isEqualTo(APP);
    }

    @ParameterizedTest
    @CsvSource({
        "0f0f0f0f-0000-4000-8000-00000000dead, grant_type=client_credentials&client_id=" + APP
                + "&client_secret=s3cret-value, 400, invalid_request, 90002",
        "contoso, grant_type=client_credentials&client_id=" + APP
                + "&client_secret=s3cret-value, 400, invalid_request, 900023",
        TENANT
                + ", grant_type=client_credentials&client_id=nope&client_secret=s3cret-value, 400, unauthorized_client, 700016",
        TENANT + ", grant_type=client_credentials&client_id=" + APP
                + "&client_secret=wrong, 401, invalid_client, 7000215",
        TENANT
                + ", grant_type=client_credentials&client_id=expired-app&client_secret=x-secret, 401, invalid_client, 7000222",
        "organizations, grant_type=password&username=user%40contoso.example&password=wrong, 400, invalid_grant, 50126",
        "organizations, grant_type=password&username=nobody%40contoso.example&password=pw-1234, 400, invalid_grant, 50034",
    })
    void answersTheRealAadErrors(String tenant, String form, int status, String error, int code) throws Exception {
        var response = token(tenant, form);
        assertThat(response.statusCode()).isEqualTo(status);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("error").asText()).isEqualTo(error);
        assertThat(body.path("error_description").asText()).startsWith("AADSTS" + code + ": ");
        assertThat(body.path("error_codes").get(0).asInt()).isEqualTo(code);
        assertThat(body.path("trace_id").asText()).isNotBlank();
        assertThat(body.path("correlation_id").asText()).isNotBlank();
        assertThat(body.path("timestamp").asText()).isNotBlank();
    }

    static String accessToken() throws Exception {
        return JSON.readTree(token(
                                TENANT,
                                "grant_type=client_credentials&client_id=" + APP
                                        + "&client_secret=s3cret-value&scope=x")
                        .body())
                .path("access_token")
                .asText();
    }

    static HttpResponse<String> upsert(String leadId, String token) throws Exception {
        var b = HttpRequest.newBuilder(
                        URI.create(dataverse.url() + "/api/data/v9.2/leads(leadpipe_leadid='" + leadId + "')"))
                .method("PATCH", BodyPublishers.ofString("{\"lastname\":\"Lin\",\"leadsourcecode\":8}"))
                .header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), BodyHandlers.ofString());
    }

    @Test
    void upsertsOnTheAlternateKey() throws Exception {
        String token = accessToken();
        var first = upsert("lead-1", token);
        var second = upsert("lead-1", token);
        assertThat(first.statusCode()).isEqualTo(204);
        assertThat(first.headers().firstValue("OData-EntityId"))
                .isEqualTo(second.headers().firstValue("OData-EntityId"));
        assertThat(first.headers().firstValue("OData-EntityId").orElseThrow())
                .startsWith(dataverse.url() + "/api/data/v9.2/leads(");
        assertThat(dataverse.record("lead-1").writes()).isEqualTo(2);
        assertThat(dataverse.record("lead-1").fields())
                .containsEntry("lastname", "Lin")
                .containsEntry("leadsourcecode", 8);

        var noToken = upsert("lead-2", null);
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(noToken.headers().firstValue("WWW-Authenticate").orElseThrow())
                .startsWith("Bearer authorization_uri=");
        var elsewhere = HTTP.send(
                HttpRequest.newBuilder(URI.create(dataverse.url() + "/not-dataverse/api/data/v9.2/"))
                        .build(),
                BodyHandlers.ofString());
        assertThat(elsewhere.statusCode()).isEqualTo(404);
        assertThat(elsewhere.body()).contains("<html>");
        var serviceDocument = HTTP.send(
                HttpRequest.newBuilder(URI.create(dataverse.url() + "/api/data/v9.2/"))
                        .header("Authorization", "Bearer " + token)
                        .build(),
                BodyHandlers.ofString());
        assertThat(serviceDocument.statusCode()).isEqualTo(200);
        assertThat(serviceDocument.body()).contains("\"leads\"");
    }

    @Test
    void injectedDataverseErrors() throws Exception {
        String token = accessToken();
        dataverse.failFor(APP, FakeDataverse.Failure.NO_ROLES_ASSIGNED);
        var noRoles = upsert("lead-3", token);
        assertThat(noRoles.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(noRoles.body()).path("error").path("code").asText())
                .isEqualTo("0x80040220");
        assertThat(noRoles.body()).contains("no roles are assigned to user");

        dataverse.failFor(APP, FakeDataverse.Failure.MISSING_LEAD_WRITER_ROLE);
        var noWriter = upsert("lead-3", token);
        assertThat(noWriter.statusCode()).isEqualTo(403);
        assertThat(noWriter.body()).contains("prvCreateLead", "leadsourcecode");

        dataverse.failFor(APP, FakeDataverse.Failure.THROTTLED);
        var throttled = upsert("lead-3", token);
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).isPresent();
        assertThat(JSON.readTree(throttled.body()).path("error").path("code").asText())
                .isEqualTo("0x80072322");
        dataverse.failFor(APP, null);
        assertThat(dataverse.record("lead-3")).isNull();
    }

    @Test
    void enforcesTheConcurrencyLimit() throws Exception {
        try (FakeDataverse limited =
                        FakeDataverse.start(aad).concurrencyLimit(5).delay(Duration.ofMillis(300));
                var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            String token = accessToken();
            List<Future<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String id = "lead-c-" + i;
                calls.add(pool.submit(() -> HTTP.send(
                        HttpRequest.newBuilder(URI.create(
                                        limited.url() + "/api/data/v9.2/leads(leadpipe_leadid='" + id + "')"))
                                .method("PATCH", BodyPublishers.ofString("{}"))
                                .header("Authorization", "Bearer " + token)
                                .build(),
                        BodyHandlers.ofString())));
            }
            int throttled = 0;
            for (var call : calls) {
                var r = call.get();
                if (r.statusCode() == 429) {
                    throttled++;
                    assertThat(r.body())
                            .contains("0x80072326", "Number of concurrent requests exceeded the limit of 5.");
                    assertThat(r.headers().firstValue("Retry-After")).isPresent();
                }
            }
            assertThat(throttled).isPositive();
            assertThat(limited.recordCount()).isEqualTo(20 - throttled);
        }
    }
}
