package dev.leadpipe.fakes;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A local stand-in for the Microsoft identity platform (Azure AD) v2.0 token endpoint, as msal4j calls it:
 * {@code POST /{tenant}/oauth2/v2.0/token} with {@code grant_type=client_credentials} ({@code client_id},
 * {@code client_secret}, {@code scope}) or {@code grant_type=password} ({@code username}, {@code password}, the
 * Office 365 route), answering the real success JSON ({@code token_type}, {@code expires_in}, {@code ext_expires_in},
 * {@code access_token}) or the real error JSON ({@code error}, {@code error_description} starting with
 * {@code AADSTSnnnn: }, {@code error_codes}, {@code timestamp}, {@code trace_id}, {@code correlation_id}) with the
 * real HTTP status for: AADSTS90002 (tenant not found, 400 invalid_request), AADSTS900023 (tenant id neither a GUID
 * nor a domain, 400 invalid_request), AADSTS700016 (application not found, 400 unauthorized_client), AADSTS7000215
 * (invalid client secret, 401 invalid_client), AADSTS7000222 (expired client secret, 401 invalid_client),
 * AADSTS50126 (invalid username or password, 400 invalid_grant), AADSTS50034 (user does not exist, 400
 * invalid_grant). Also answers the metadata GETs msal4j may make: user realm discovery
 * ({@code GET /common/UserRealm/{user}?api-version=1.0}, the password flow), {@code /{tenant}/v2.0/.well-known/openid-configuration}
 * and {@code /common/discovery/instance}.
 *
 * <p>msal4j insists on an https authority. Point it at {@code https://}{@value #AUTHORITY_HOST}{@code /<tenant>/}
 * (no port: a port defeats msal4j's token cache), with {@code instanceDiscovery(false)} and
 * {@code MsalHttp.via(baseUrl(), ...)} of sink-dynamics, which sends every request msal4j makes to this server over plain http.
 *
 * <p>Programmable: {@link #addTenant}, {@link #addApp}, {@link #expireSecret}, {@link #addUser}; counts token
 * requests ({@link #tokenRequests()}); {@link #revokeAllTokens()} makes every issued token invalid (so
 * {@link FakeDataverse} answers 401 and the client must refresh). Thread-safe.
 */
public final class FakeAzureAd implements AutoCloseable {
    /** The https host to put in msal4j's authority; {@code MsalHttp.via(baseUrl(), ...)} of sink-dynamics routes it here. */
    public static final String AUTHORITY_HOST = "login.fake-aad.test";

    private static final Pattern GUID =
            Pattern.compile("(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Set<String> WELL_KNOWN = Set.of("common", "organizations", "consumers");

    private record App(String tenant, String secret, boolean expired) {}

    /** Who an issued token is for: an application (client id) or an Office 365 user. */
    public record Principal(String tenant, String subject) {}

    private final HttpServer server;
    private final Set<String> tenants = ConcurrentHashMap.newKeySet();
    private final Map<String, App> apps = new ConcurrentHashMap<>();
    private final Map<String, String> users = new ConcurrentHashMap<>();
    private final Map<String, Principal> tokens = new ConcurrentHashMap<>();
    private final AtomicInteger tokenRequests = new AtomicInteger();
    private final Map<String, AtomicInteger> tokenRequestsBySubject = new ConcurrentHashMap<>();
    private final List<String> requestLog = new CopyOnWriteArrayList<>();
    private volatile int expiresInSeconds = 3599;
    private volatile int hugeStatus;
    private volatile long hugeTokenBytes;

    private FakeAzureAd() {
        this.server = FakeHttp.start(this::handle);
    }

    /** Starts a fake on 127.0.0.1 and a free port. */
    public static FakeAzureAd start() {
        return new FakeAzureAd();
    }

    /** {@code http://127.0.0.1:PORT}, where this fake really listens. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The authority host to give a client ({@code https://login.fake-aad.test}): routed by {@code MsalHttp.via(baseUrl(), ...)} of sink-dynamics. */
    public String authorityHost() {
        return "https://" + AUTHORITY_HOST;
    }

    /**
     * Every token request is answered {@code status} with a body of {@code bytes} bytes, streamed without a length
     * (0 bytes clears it); it still counts as a token request.
     */
    public FakeAzureAd answerHugeTokenBodies(int status, long bytes) {
        this.hugeStatus = status;
        this.hugeTokenBytes = bytes;
        return this;
    }

    public FakeAzureAd addTenant(String tenantId) {
        tenants.add(tenantId.toLowerCase(Locale.ROOT));
        return this;
    }

    /** Registers an application (client id) with its client secret in a tenant (added if missing). */
    public FakeAzureAd addApp(String tenantId, String clientId, String secret) {
        addTenant(tenantId);
        apps.put(clientId, new App(tenantId.toLowerCase(Locale.ROOT), secret, false));
        return this;
    }

    /** The application's secret is now expired (AADSTS7000222). */
    public FakeAzureAd expireSecret(String clientId) {
        apps.computeIfPresent(clientId, (id, app) -> new App(app.tenant(), app.secret(), true));
        return this;
    }

    /** Registers an Office 365 user (any tenant) with a password. */
    public FakeAzureAd addUser(String userName, String password) {
        users.put(userName.toLowerCase(Locale.ROOT), password);
        return this;
    }

    /** The {@code expires_in} of tokens issued from now on. */
    public FakeAzureAd expiresIn(Duration lifetime) {
        this.expiresInSeconds = (int) lifetime.toSeconds();
        return this;
    }

    /** Every token issued so far becomes invalid. */
    public void revokeAllTokens() {
        tokens.clear();
    }

    /** Who a bearer token was issued to, or null when it is not a valid token of this fake. */
    public Principal principalOf(String accessToken) {
        return accessToken == null ? null : tokens.get(accessToken);
    }

    public int tokenRequests() {
        return tokenRequests.get();
    }

    /** Token requests made for one client id or user name. */
    public int tokenRequests(String subject) {
        AtomicInteger n = tokenRequestsBySubject.get(subject.toLowerCase(Locale.ROOT));
        return n == null ? 0 : n.get();
    }

    /** Every request received, as {@code METHOD path?query}, in order (what msal4j really sends). */
    public List<String> requestLog() {
        return List.copyOf(requestLog);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ---------------------------------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String query = exchange.getRequestURI().getRawQuery();
        requestLog.add(exchange.getRequestMethod() + " " + path + (query == null ? "" : "?" + query));
        try {
            String[] parts = path.split("/");
            if ("POST".equals(exchange.getRequestMethod())
                    && parts.length == 5
                    && path.endsWith("/oauth2/v2.0/token")) {
                token(exchange, parts[1], FakeHttp.form(FakeHttp.body(exchange)));
            } else if ("GET".equals(exchange.getRequestMethod())
                    && path.toLowerCase(Locale.ROOT).startsWith("/common/userrealm/")) {
                FakeHttp.send(exchange, 200, "application/json; charset=utf-8", """
                        {"ver":"1.0","account_type":"Managed","domain_name":"contoso.example",\
                        "cloud_instance_name":"microsoftonline.com","cloud_audience_urn":"urn:federation:MicrosoftOnline"}""");
            } else if ("GET".equals(exchange.getRequestMethod())
                    && path.endsWith("/v2.0/.well-known/openid-configuration")) {
                String t = parts[1];
                String base = "https://" + AUTHORITY_HOST + "/" + t;
                FakeHttp.send(exchange, 200, "application/json; charset=utf-8", """
                        {"token_endpoint":"%s/oauth2/v2.0/token","authorization_endpoint":"%s/oauth2/v2.0/authorize",\
                        "issuer":"https://%s/%s/v2.0","device_authorization_endpoint":"%s/oauth2/v2.0/devicecode"}""".formatted(
                                base, base, AUTHORITY_HOST, t, base));
            } else if ("GET".equals(exchange.getRequestMethod()) && path.equals("/common/discovery/instance")) {
                FakeHttp.send(exchange, 200, "application/json; charset=utf-8", """
                        {"tenant_discovery_endpoint":"https://%s/common/v2.0/.well-known/openid-configuration",\
                        "api-version":"1.1","metadata":[{"preferred_network":"%s","preferred_cache":"%s","aliases":["%s"]}]}""".formatted(
                                AUTHORITY_HOST, AUTHORITY_HOST, AUTHORITY_HOST, AUTHORITY_HOST));
            } else {
                FakeHttp.send(exchange, 404, "text/html", "<html><body>404 Not Found</body></html>");
            }
        } catch (RuntimeException e) {
            FakeHttp.send(exchange, 500, "text/plain", e.toString());
        }
    }

    private void token(HttpExchange exchange, String tenant, Map<String, String> form) throws IOException {
        tokenRequests.incrementAndGet();
        if (hugeTokenBytes > 0) {
            FakeHttp.sendHuge(exchange, hugeStatus, hugeTokenBytes);
            return;
        }
        String grant = form.getOrDefault("grant_type", "");
        String subject =
                "password".equals(grant) ? form.getOrDefault("username", "") : form.getOrDefault("client_id", "");
        tokenRequestsBySubject
                .computeIfAbsent(subject.toLowerCase(Locale.ROOT), s -> new AtomicInteger())
                .incrementAndGet();
        String t = tenant.toLowerCase(Locale.ROOT);
        boolean wellKnown = WELL_KNOWN.contains(t);
        if (!wellKnown && !GUID.matcher(t).matches() && !t.contains(".")) {
            error(
                    exchange,
                    400,
                    "invalid_request",
                    900023,
                    "Specified tenant identifier '" + tenant
                            + "' is neither a valid DNS name, nor a valid external domain.");
            return;
        }
        if (!wellKnown && !tenants.contains(t)) {
            error(
                    exchange,
                    400,
                    "invalid_request",
                    90002,
                    "Tenant '" + tenant + "' not found. Check to make sure you"
                            + " have the correct tenant ID and are signing into the correct cloud. Check with your subscription"
                            + " administrator, this may happen if there are no active subscriptions for the tenant.");
            return;
        }
        if ("client_credentials".equals(grant)) {
            App app = apps.get(subject);
            if (app == null || (!wellKnown && !app.tenant().equals(t))) {
                error(
                        exchange,
                        400,
                        "unauthorized_client",
                        700016,
                        "Application with identifier '" + subject
                                + "' was not found in the directory '" + tenant
                                + "'. This can happen if the application has"
                                + " not been installed by the administrator of the tenant or consented to by any user in the"
                                + " tenant. You may have sent your authentication request to the wrong tenant.");
                return;
            }
            if (app.expired()) {
                error(
                        exchange,
                        401,
                        "invalid_client",
                        7000222,
                        "The provided client secret keys for app '" + subject
                                + "' are expired. Visit the Azure portal to create new keys for your app:"
                                + " https://aka.ms/NewClientSecret, or consider using certificate credentials for added security:"
                                + " https://aka.ms/certCreds.");
                return;
            }
            if (!app.secret().equals(form.get("client_secret"))) {
                error(
                        exchange,
                        401,
                        "invalid_client",
                        7000215,
                        "Invalid client secret provided. Ensure the secret"
                                + " being sent in the request is the client secret value, not the client secret ID, for a"
                                + " secret added to app '" + subject + "'.");
                return;
            }
        } else if ("password".equals(grant)) {
            String password = users.get(subject.toLowerCase(Locale.ROOT));
            if (password == null) {
                error(
                        exchange,
                        400,
                        "invalid_grant",
                        50034,
                        "The user account {EUII Hidden} does not exist in the " + tenant
                                + " directory. To sign into this application, the account must be added to the directory.");
                return;
            }
            if (!password.equals(form.get("password"))) {
                error(
                        exchange,
                        400,
                        "invalid_grant",
                        50126,
                        "Error validating credentials due to invalid username or password.");
                return;
            }
        } else {
            error(
                    exchange,
                    400,
                    "unsupported_grant_type",
                    70003,
                    "The app requested an unsupported grant type '" + grant + "'.");
            return;
        }
        String token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.fake."
                + UUID.randomUUID().toString().replace("-", "");
        tokens.put(token, new Principal(t, subject.toLowerCase(Locale.ROOT)));
        int expires = expiresInSeconds;
        FakeHttp.send(
                exchange,
                200,
                "application/json; charset=utf-8",
                "{\"token_type\":\"Bearer\",\"expires_in\":" + expires + ",\"ext_expires_in\":" + expires
                        + ",\"access_token\":\"" + token + "\"}");
    }

    private static void error(HttpExchange exchange, int status, String error, int code, String text)
            throws IOException {
        String trace = UUID.randomUUID().toString();
        String correlation = UUID.randomUUID().toString();
        String timestamp = Instant.now().toString().replace("T", " ").replace("Z", "Z");
        String description = "AADSTS" + code + ": " + text + " Trace ID: " + trace + " Correlation ID: " + correlation
                + " Timestamp: " + timestamp;
        List<String> fields = new ArrayList<>();
        fields.add("\"error\":" + FakeHttp.json(error));
        fields.add("\"error_description\":" + FakeHttp.json(description));
        fields.add("\"error_codes\":[" + code + "]");
        fields.add("\"timestamp\":" + FakeHttp.json(timestamp));
        fields.add("\"trace_id\":" + FakeHttp.json(trace));
        fields.add("\"correlation_id\":" + FakeHttp.json(correlation));
        fields.add("\"error_uri\":" + FakeHttp.json("https://" + AUTHORITY_HOST + "/error?code=" + code));
        FakeHttp.send(exchange, status, "application/json; charset=utf-8", "{" + String.join(",", fields) + "}");
    }
}
