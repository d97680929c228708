package dev.leadpipe.fakes;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** FakeSalesforce answers with Salesforce's shapes: token JSON and OAuth errors, upsert, errors, describe, Web-to-Lead. */
class FakeSalesforceTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static FakeSalesforce sf;

    @BeforeAll
    static void start() {
        sf = FakeSalesforce.start()
                .addClientCredentialsApp("app", "s3cret")
                .requirePicklist("Industry__c", "Industry", "Software");
    }

    @AfterAll
    static void stop() {
        sf.close();
    }

    static HttpResponse<String> post(String path, String form) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(sf.url() + path))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(BodyPublishers.ofString(form))
                        .build(),
                BodyHandlers.ofString());
    }

    static HttpResponse<String> patch(String token, String leadId, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(
                                URI.create(sf.url() + "/services/data/v62.0/sobjects/Lead/LeadpipeLeadId__c/" + leadId))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .method("PATCH", BodyPublishers.ofString(body))
                        .build(),
                BodyHandlers.ofString());
    }

    static String token() throws Exception {
        var r = post("/services/oauth2/token", "grant_type=client_credentials&client_id=app&client_secret=s3cret");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("instance_url").asText()).isEqualTo(sf.url());
        assertThat(body.path("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.path("id").asText()).contains("/id/00D");
        return body.path("access_token").asText();
    }

    @Test
    void oauthShapes() throws Exception {
        token();
        var bad = post("/services/oauth2/token", "grant_type=client_credentials&client_id=app&client_secret=nope");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).path("error").asText()).isEqualTo("invalid_client");
        var grant = post("/services/oauth2/token", "grant_type=password&client_id=app");
        assertThat(JSON.readTree(grant.body()).path("error").asText()).isEqualTo("unsupported_grant_type");
        var jwt = post(
                "/services/oauth2/token",
                "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=x.y.z");
        assertThat(JSON.readTree(jwt.body()).path("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void upsertCreatesThenUpdatesAndReportsRequiredFields() throws Exception {
        String token = token();
        var missing = patch(token, "l1", "{\"LastName\":\"Lin\",\"Company\":\"Contoso\"}");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(missing.body()).get(0).path("errorCode").asText())
                .isEqualTo("REQUIRED_FIELD_MISSING");
        assertThat(JSON.readTree(missing.body()).get(0).path("fields").get(0).asText())
                .isEqualTo("Industry__c");
        var created = patch(token, "l1", "{\"LastName\":\"Lin\",\"Company\":\"Contoso\",\"Industry__c\":\"Software\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(JSON.readTree(created.body()).path("created").asBoolean()).isTrue();
        var updated = patch(token, "l1", "{\"LastName\":\"Lin\"}");
        assertThat(updated.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(updated.body()).path("id").asText())
                .isEqualTo(sf.record("l1").id())
                .hasSize(18);
        assertThat(sf.record("l1").writes()).isEqualTo(2);
        assertThat(patch("nope", "l1", "{}").statusCode()).isEqualTo(401);
    }

    @Test
    void describeAndWebToLead() throws Exception {
        var describe = HTTP.send(
                HttpRequest.newBuilder(URI.create(sf.url() + "/services/data/v62.0/sobjects/Lead/describe"))
                        .header("Authorization", "Bearer " + token())
                        .build(),
                BodyHandlers.ofString());
        JsonNode fields = JSON.readTree(describe.body()).path("fields");
        assertThat(fields.findValuesAsText("name"))
                .contains("Id", "LastName", "Company", "LeadSource", "Status", "LeadpipeLeadId__c", "Industry__c");
        var w2l = post(
                "/servlet/servlet.WebToLead?encoding=UTF-8", "oid=" + sf.orgId() + "&last_name=Lin&company=Contoso");
        assertThat(w2l.statusCode()).isEqualTo(200);
        var ok = post(
                "/servlet/servlet.WebToLead?encoding=UTF-8",
                "oid=" + sf.orgId() + "&last_name=Lin&Industry__c=Software");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(sf.webToLeadReceived()).hasSize(2);
        assertThat(sf.webToLeadStored()).hasSize(1);
    }
}
