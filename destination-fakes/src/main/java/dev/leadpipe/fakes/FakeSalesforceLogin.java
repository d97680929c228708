package dev.leadpipe.fakes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

/**
 * The login host of a {@link FakeSalesforce}: {@code POST /services/oauth2/token} by client credentials or JWT
 * bearer (see there), its connected apps, the tokens it issued and the token requests it counted per client id.
 */
final class FakeSalesforceLogin {
    static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JSON_TYPE = "application/json;charset=UTF-8";

    /** A connected app: a client secret (client credentials), or a user name and public key (JWT bearer). */
    record App(String secret, String userName, PublicKey publicKey) {}

    private final String url;
    private final String orgId;
    private final Map<String, App> apps = new ConcurrentHashMap<>();
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> tokenRequests = new ConcurrentHashMap<>();

    FakeSalesforceLogin(String url, String orgId) {
        this.url = url;
        this.orgId = orgId;
    }

    void addApp(String clientId, App app) {
        apps.put(clientId, app);
    }

    /** The client id a {@code Bearer} token was issued to; null for no, an unknown or an expired token. */
    String clientOf(String authorization) {
        return authorization != null && authorization.startsWith("Bearer ")
                ? tokens.get(authorization.substring(7).trim())
                : null;
    }

    /** Every token issued so far becomes invalid. */
    void expireTokens() {
        tokens.clear();
    }

    int tokenRequests(String clientId) {
        AtomicInteger n = tokenRequests.get(clientId);
        return n == null ? 0 : n.get();
    }

    /** {@code POST /services/oauth2/token}. */
    void token(HttpExchange exchange) throws IOException {
        Map<String, String> form = FakeHttp.form(FakeHttp.body(exchange));
        String grant = form.getOrDefault("grant_type", "");
        if (grant.equals("client_credentials")) {
            String clientId = form.getOrDefault("client_id", "");
            count(clientId);
            App app = apps.get(clientId);
            if (app == null || app.secret() == null || !app.secret().equals(form.get("client_secret"))) {
                oauthError(exchange, "invalid_client", "invalid client credentials");
                return;
            }
            issue(exchange, clientId, "005" + FakeSalesforce.base62("user:" + clientId, 15));
            return;
        }
        if (grant.equals(JWT_BEARER)) {
            String assertion = form.getOrDefault("assertion", "");
            String[] parts = assertion.split("\\.", -1);
            JsonNode claims;
            try {
                if (parts.length != 3) {
                    throw new IllegalArgumentException("not a JWT");
                }
                claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            } catch (Exception e) {
                oauthError(exchange, "invalid_grant", "invalid assertion");
                return;
            }
            String clientId = claims.path("iss").asText("");
            count(clientId);
            App app = apps.get(clientId);
            if (app == null || app.publicKey() == null) {
                oauthError(exchange, "invalid_client_id", "client identifier invalid");
                return;
            }
            boolean valid;
            try {
                JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
                Signature verifier = Signature.getInstance("SHA256withRSA");
                verifier.initVerify(app.publicKey());
                verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
                valid = "RS256".equals(header.path("alg").asText())
                        && verifier.verify(Base64.getUrlDecoder().decode(parts[2]));
            } catch (Exception e) {
                valid = false;
            }
            String aud = claims.path("aud").asText("");
            long exp = claims.path("exp").asLong(0);
            if (!valid || !(aud.equals(url) || aud.equals(url + "/")) || exp <= System.currentTimeMillis() / 1000) {
                oauthError(exchange, "invalid_grant", "invalid assertion");
                return;
            }
            if (!app.userName().equalsIgnoreCase(claims.path("sub").asText(""))) {
                oauthError(exchange, "invalid_grant", "user hasn't approved this consumer");
                return;
            }
            issue(exchange, clientId, "005" + FakeSalesforce.base62("user:" + app.userName(), 15));
            return;
        }
        oauthError(exchange, "unsupported_grant_type", "grant type not supported");
    }

    private void issue(HttpExchange exchange, String clientId, String userId) throws IOException {
        String token =
                orgId.substring(0, 15) + "!" + UUID.randomUUID().toString().replace("-", "")
                        + UUID.randomUUID().toString().replace("-", "");
        tokens.put(token, clientId);
        String issuedAt = Long.toString(System.currentTimeMillis());
        FakeHttp.send(
                exchange,
                200,
                JSON_TYPE,
                "{\"access_token\":" + FakeHttp.json(token)
                        + ",\"instance_url\":" + FakeHttp.json(url)
                        + ",\"id\":" + FakeHttp.json(url + "/id/" + orgId + "/" + userId)
                        + ",\"token_type\":\"Bearer\",\"issued_at\":" + FakeHttp.json(issuedAt)
                        + ",\"signature\":"
                        + FakeHttp.json(
                                Base64.getEncoder().encodeToString(FakeSalesforce.sha256(clientId + issuedAt + token)))
                        + "}");
    }

    private void count(String clientId) {
        tokenRequests.computeIfAbsent(clientId, k -> new AtomicInteger()).incrementAndGet();
    }

    private static void oauthError(HttpExchange exchange, String error, String description) throws IOException {
        FakeHttp.send(
                exchange,
                400,
                JSON_TYPE,
                "{\"error\":" + FakeHttp.json(error) + ",\"error_description\":" + FakeHttp.json(description) + "}");
    }
}
