package dev.leadpipe.sink.salesforce;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.leadpipe.core.Hosts;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.LeadSource;
import dev.leadpipe.core.lead.UserDetails;
import dev.leadpipe.sink.runtime.DeliveryException;
import dev.leadpipe.sink.runtime.DeliveryFailure;
import dev.leadpipe.sink.runtime.DestinationClient;
import dev.leadpipe.sink.runtime.HttpSupport;
import dev.leadpipe.sink.salesforce.SalesforceErrorClassifier.Stage;

/**
 * Delivers a lead to Salesforce by one of two routes, chosen by the destination's settings.
 *
 * <p><b>REST</b> (when {@value #CLIENT_ID} is set; recommended): signs in at {@code <loginUrl>/services/oauth2/token}
 * with the connected app's client credentials ({@value #CLIENT_ID} + {@value #CLIENT_SECRET}) or the JWT bearer flow
 * ({@value #CLIENT_ID} + {@value #USER_NAME} + {@value #PRIVATE_KEY}: an RS256 assertion with iss = client id, sub =
 * user name, aud = login URL, exp = now + 3 minutes), then upserts the Lead on its external id:
 * {@code PATCH <instance_url>/services/data/<apiVersion>/sobjects/Lead/<externalIdField>/<leadId>}, so a retry, a
 * replay or a re-delivery rewrites the same record. Returns the Lead's Salesforce id. One token per (login URL,
 * client id, SHA-256 of the credential), shared by every delivery of that destination and kept until Salesforce
 * answers 401 {@code INVALID_SESSION_ID}; then it is refreshed once (one sign-in however many deliveries saw the
 * rejection) and the upsert retried once; a second 401 is SALESFORCE_AUTH_FAILED. A test lead (leadId starting
 * {@value Lead#TEST_LEAD_PREFIX}) first runs the {@link #preflight}, so a configuration that would fail every lead is
 * reported by the publisher's validation.
 *
 * <p><b>Web-to-Lead</b> (when no {@value #CLIENT_ID}): posts the form to {@value #WEB_TO_LEAD_URL} (default
 * {@value #DEFAULT_WEB_TO_LEAD_URL}) with {@code oid} = {@value #ORGANIZATION_ID}, checked locally first (15 or 18
 * letters and digits starting {@code 00D}, else SALESFORCE_INVALID_ORG_ID without sending). Salesforce answers 200
 * whatever happens to the lead (an unknown org or a missing required field drops it silently), so a 200 returns
 * {@value #WEB_TO_LEAD_NOT_CONFIRMED}: sent, not confirmed.
 *
 * <p>Settings: {@value #ORGANIZATION_ID}, {@value #WEB_TO_LEAD_URL}, {@value #LOGIN_URL} (default
 * {@value #DEFAULT_LOGIN_URL}; client credentials need the org's My Domain URL), {@value #CLIENT_ID},
 * {@value #CLIENT_SECRET} (secret), {@value #USER_NAME}, {@value #PRIVATE_KEY} (PKCS#8 PEM, secret),
 * {@value #API_VERSION} (default {@value #DEFAULT_API_VERSION}), {@value #EXTERNAL_ID_FIELD} (default
 * {@value #DEFAULT_EXTERNAL_ID_FIELD}). URLs must be https (plain http only for a loopback host: tests, local run).
 *
 * <p>Field mapping (lead → Lead field / Web-to-Lead form field, cut to Salesforce's lengths):
 * <pre>
 * UserDetails.FirstName → FirstName (40)  / first_name     UserDetails.LastName → LastName (80) / last_name
 * UserDetails.Email     → Email (80)      / email          UserDetails.Phone    → Phone (40)    / phone
 * UserDetails.Company   → Company (255)   / company        UserDetails.Title    → Title (128)   / title
 * UserDetails.Country   → Country (80)    / country        Description          → Description (32000) / description
 * LeadSource's source part (AzureMarketplace, AppSource, AzurePortal; else "Marketplace") → LeadSource (40) / lead_source
 * leadId → the external id field (in the URL; REST only)
 * </pre>
 * Absent values are not sent, except that REST fills the required LastName and Company with
 * {@value #PLACEHOLDER} (Salesforce's own placeholder for Web-to-Lead). When the lead has no Description, REST sends
 * {@code "OfferTitle (ActionCode) via Source"} instead.
 *
 * <p>Failures are classified by {@link SalesforceErrorClassifier}. Thread-safe.
 */
public final class SalesforceDestinationClient implements DestinationClient {
    public static final String ORGANIZATION_ID = "organizationId";
    public static final String WEB_TO_LEAD_URL = "webToLeadUrl";
    public static final String LOGIN_URL = "loginUrl";
    public static final String CLIENT_ID = "clientId";
    public static final String CLIENT_SECRET = "clientSecret";
    public static final String USER_NAME = "userName";
    public static final String PRIVATE_KEY = "privateKey";
    public static final String API_VERSION = "apiVersion";
    public static final String EXTERNAL_ID_FIELD = "externalIdField";

    public static final String DEFAULT_WEB_TO_LEAD_URL = "https://webto.salesforce.com/servlet/servlet.WebToLead?encoding=UTF-8";
    public static final String DEFAULT_LOGIN_URL = "https://login.salesforce.com";
    public static final String DEFAULT_API_VERSION = "v62.0";
    public static final String DEFAULT_EXTERNAL_ID_FIELD = "LeadpipeLeadId__c";
    /** The record id of every Web-to-Lead delivery: Salesforce's 200 does not say whether the lead was stored. */
    public static final String WEB_TO_LEAD_NOT_CONFIRMED = "web-to-lead: sent, not confirmed";
    /** Filled into the required LastName and Company when the lead has none. */
    public static final String PLACEHOLDER = "[not provided]";
    /** LeadSource when the marketplace's LeadSource names no source. */
    public static final String DEFAULT_LEAD_SOURCE = "Marketplace";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    static final Pattern ORG_ID = Pattern.compile("00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?");
    private static final Pattern API_VERSION_FORMAT = Pattern.compile("v\\d{2,3}\\.\\d");
    private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
    private static final Duration JWT_LIFETIME = Duration.ofMinutes(3);
    private static final int MAX_CACHED_TOKENS = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final boolean ownsHttp;
    private final Duration timeout;
    private final ConcurrentMap<String, TokenHolder> tokens = new ConcurrentHashMap<>();

    /** Production: its own HTTP client on virtual threads, {@link #DEFAULT_TIMEOUT} per request. */
    public SalesforceDestinationClient() {
        this(null, DEFAULT_TIMEOUT);
    }

    /**
     * @param http    the HTTP client for every call, or null for an own one on virtual threads
     * @param timeout per-request timeout (sign-in, upsert, describe, Web-to-Lead); null for {@link #DEFAULT_TIMEOUT}
     */
    public SalesforceDestinationClient(HttpClient http, Duration timeout) {
        this.timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        this.ownsHttp = http == null;
        this.http = http != null ? http : HttpSupport.newClient(this.timeout);
    }

    @Override
    public DestinationType type() {
        return DestinationType.SALESFORCE;
    }

    @Override
    public String deliver(Lead lead, LeadDestination destination) throws DeliveryException {
        Map<String, String> s = destination.settings();
        Set<String> secrets = secretValues(s);
        if (!isRest(s)) {
            return webToLead(lead, s, secrets);
        }
        Rest rest = rest(s, secrets);
        if (lead.leadId() != null && lead.leadId().startsWith(Lead.TEST_LEAD_PREFIX)) {
            List<DeliveryFailure> problems = preflight(rest, secrets);
            if (!problems.isEmpty()) {
                throw new DeliveryException(problems.get(0));
            }
        }
        byte[] body = body(lead);
        String path = "/services/data/" + rest.apiVersion() + "/sobjects/Lead/" + rest.externalIdField() + "/"
                + HttpSupport.percentEncode(lead.leadId());
        Call call = authorized(rest, Stage.UPSERT, secrets, token -> HttpRequest.newBuilder(
                        URI.create(token.instanceUrl() + path))
                .timeout(timeout)
                .header("Authorization", "Bearer " + token.accessToken())
                .header("Content-Type", "application/json; charset=UTF-8")
                .header("Accept", "application/json")
                .method("PATCH", BodyPublishers.ofByteArray(body))
                .build());
        HttpResponse<String> response = call.response();
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            JsonNode answer = readJson(response.body());
            String id = answer == null ? null : answer.path("id").asText(null);
            return id != null && !id.isBlank() ? id : rest.externalIdField() + "/" + lead.leadId();
        }
        throw new DeliveryException(SalesforceErrorClassifier.classify(Stage.UPSERT, status, response.body(),
                response.headers(), with(secrets, call.token().accessToken())));
    }

    /**
     * REST: signs in and reads the Lead describe; one SALESFORCE_REQUIRED_PICKLIST per Lead field that is createable,
     * not nillable, not defaulted on create, a (multi-)picklist, and not filled by the mapping (its detail names the
     * field's API name and label and the fix). A sign-in or describe failure is returned as its own class.
     * Web-to-Lead: only the organisation id's format is checked.
     */
    @Override
    public List<DeliveryFailure> preflight(LeadDestination destination) {
        Map<String, String> s = destination.settings();
        Set<String> secrets = secretValues(s);
        try {
            if (!isRest(s)) {
                orgId(s);
                return List.of();
            }
            return preflight(rest(s, secrets), secrets);
        } catch (DeliveryException e) {
            return List.of(e.failure());
        }
    }

    /**
     * No secret: REST → {@code <loginUrl scheme://host[:port]> client <clientId>}; Web-to-Lead →
     * {@code <webToLeadUrl scheme://host[:port]> org <organizationId>}.
     */
    @Override
    public String endpoint(LeadDestination destination) {
        Map<String, String> s = destination.settings();
        if (isRest(s)) {
            return origin(s.getOrDefault(LOGIN_URL, DEFAULT_LOGIN_URL)) + " client " + s.get(CLIENT_ID).trim();
        }
        String org = s.get(ORGANIZATION_ID);
        return origin(s.getOrDefault(WEB_TO_LEAD_URL, DEFAULT_WEB_TO_LEAD_URL)) + " org "
                + (org == null ? "" : org.trim());
    }

    @Override
    public void close() {
        tokens.clear();
        if (ownsHttp) {
            http.shutdownNow();
        }
    }

    // --- Web-to-Lead ------------------------------------------------------------------------------------------------

    private String webToLead(Lead lead, Map<String, String> s, Set<String> secrets) throws DeliveryException {
        String oid = orgId(s);
        URI target = url(s.get(WEB_TO_LEAD_URL), DEFAULT_WEB_TO_LEAD_URL, WEB_TO_LEAD_URL);
        UserDetails u = lead.userDetails();
        Map<String, String> form = new LinkedHashMap<>();
        form.put("oid", oid);
        putCut(form, "first_name", u.firstName(), 40);
        putCut(form, "last_name", u.lastName(), 80);
        putCut(form, "email", u.email(), 80);
        putCut(form, "phone", u.phone(), 40);
        putCut(form, "company", u.company(), 255);
        putCut(form, "title", u.title(), 128);
        putCut(form, "country", u.country(), 80);
        putCut(form, "description", lead.description(), 32_000);
        putCut(form, "lead_source", leadSource(lead), 40);
        form.put("encoding", "UTF-8");
        HttpRequest request = HttpRequest.newBuilder(target)
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                .POST(BodyPublishers.ofString(formBody(form)))
                .build();
        HttpResponse<String> response = send(request, Stage.WEB_TO_LEAD, secrets);
        if (response.statusCode() == 200) {
            return WEB_TO_LEAD_NOT_CONFIRMED;
        }
        throw new DeliveryException(SalesforceErrorClassifier.classify(Stage.WEB_TO_LEAD, response.statusCode(),
                response.body(), response.headers(), secrets));
    }

    private static String orgId(Map<String, String> s) throws DeliveryException {
        String oid = HttpSupport.blankToNull(s.get(ORGANIZATION_ID));
        if (oid == null) {
            throw new DeliveryException(SalesforceErrorClassifier.local(ErrorClass.SALESFORCE_INVALID_ORG_ID,
                    "no organizationId configured (Web-to-Lead needs it; or configure clientId for the REST API)"));
        }
        if (!ORG_ID.matcher(oid).matches()) {
            throw new DeliveryException(SalesforceErrorClassifier.local(ErrorClass.SALESFORCE_INVALID_ORG_ID,
                    "the organizationId is not a Salesforce organisation id (15 or 18 letters and digits starting"
                            + " 00D; it has " + oid.length() + " characters)"));
        }
        return oid;
    }

    // --- REST -------------------------------------------------------------------------------------------------------

    /** One REST destination: where to sign in, what to call, and its shared token. */
    private record Rest(TokenHolder tokens, String apiVersion, String externalIdField) {
    }

    /** An access token and the instance it is for. */
    record Token(String accessToken, String instanceUrl) {
    }

    private record Call(HttpResponse<String> response, Token token) {
    }

    @FunctionalInterface
    private interface RequestFor {
        HttpRequest build(Token token);
    }

    @FunctionalInterface
    private interface SignIn {
        Token signIn() throws DeliveryException;
    }

    /** The last token of one (login URL, client id, credential); sign-ins serialised, a rejected token refreshed once. */
    private static final class TokenHolder {
        private final ReentrantLock lock = new ReentrantLock();
        private final SignIn signIn;
        private volatile Token last;

        TokenHolder(SignIn signIn) {
            this.signIn = signIn;
        }

        /** The current token, or a fresh one when there is none or the current one is {@code rejected}. */
        Token token(Token rejected) throws DeliveryException {
            Token t = last;
            if (t != null && t != rejected) {
                return t;
            }
            lock.lock();
            try {
                t = last;
                if (t != null && t != rejected) {
                    return t;
                }
                t = signIn.signIn();
                last = t;
                return t;
            } finally {
                lock.unlock();
            }
        }
    }

    private static boolean isRest(Map<String, String> s) {
        return HttpSupport.blankToNull(s.get(CLIENT_ID)) != null;
    }

    private Rest rest(Map<String, String> s, Set<String> secrets) throws DeliveryException {
        URI login = url(s.get(LOGIN_URL), DEFAULT_LOGIN_URL, LOGIN_URL);
        String loginUrl = HttpSupport.stripTrailingSlashes(login.toString());
        String clientId = s.get(CLIENT_ID).trim();
        String secret = s.get(CLIENT_SECRET);
        String user = HttpSupport.blankToNull(s.get(USER_NAME));
        String pem = HttpSupport.blankToNull(s.get(PRIVATE_KEY));
        String apiVersion = HttpSupport.blankToNull(s.get(API_VERSION)) == null ? DEFAULT_API_VERSION : s.get(API_VERSION).trim();
        if (!API_VERSION_FORMAT.matcher(apiVersion).matches()) {
            throw new DeliveryException(SalesforceErrorClassifier.local(ErrorClass.DESTINATION_HTTP_ERROR,
                    "the apiVersion setting must look like v62.0"));
        }
        String field = HttpSupport.blankToNull(s.get(EXTERNAL_ID_FIELD)) == null ? DEFAULT_EXTERNAL_ID_FIELD
                : s.get(EXTERNAL_ID_FIELD).trim();
        if (!FIELD_NAME.matcher(field).matches()) {
            throw new DeliveryException(SalesforceErrorClassifier.local(ErrorClass.DESTINATION_HTTP_ERROR,
                    "the externalIdField setting must be a field API name such as " + DEFAULT_EXTERNAL_ID_FIELD));
        }
        String key;
        SignIn signIn;
        if (secret != null && !secret.isEmpty()) {
            key = loginUrl + "|" + clientId + "|cc|" + HttpSupport.sha256Hex(secret);
            signIn = () -> signIn(loginUrl, Map.of("grant_type", "client_credentials", "client_id", clientId,
                    "client_secret", secret), secrets);
        } else if (user != null && pem != null) {
            key = loginUrl + "|" + clientId + "|jwt|" + HttpSupport.sha256Hex(user + "\u0000" + pem);
            signIn = () -> {
                String assertion = assertion(clientId, user, loginUrl, pem);
                return signIn(loginUrl, Map.of("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer",
                        "assertion", assertion), with(secrets, assertion));
            };
        } else {
            throw new DeliveryException(SalesforceErrorClassifier.local(ErrorClass.SALESFORCE_AUTH_FAILED,
                    "no credentials configured for client " + clientId
                            + ": clientSecret (client credentials), or userName + privateKey (JWT bearer)"));
        }
        if (tokens.size() > MAX_CACHED_TOKENS) {
            tokens.clear();
        }
        return new Rest(tokens.computeIfAbsent(key, k -> new TokenHolder(signIn)), apiVersion, field);
    }

    /** Sends a request with the destination's token; on a 401 refreshes the token once and sends it once more. */
    private Call authorized(Rest rest, Stage stage, Set<String> secrets, RequestFor request) throws DeliveryException {
        Token token = rest.tokens().token(null);
        HttpResponse<String> response = send(request.build(token), stage, with(secrets, token.accessToken()));
        if (response.statusCode() == 401) {
            token = rest.tokens().token(token);
            response = send(request.build(token), stage, with(secrets, token.accessToken()));
        }
        return new Call(response, token);
    }

    private List<DeliveryFailure> preflight(Rest rest, Set<String> secrets) {
        Call call;
        try {
            call = authorized(rest, Stage.DESCRIBE, secrets, token -> HttpRequest.newBuilder(
                            URI.create(token.instanceUrl() + "/services/data/" + rest.apiVersion() + "/sobjects/Lead/describe"))
                    .timeout(timeout)
                    .header("Authorization", "Bearer " + token.accessToken())
                    .header("Accept", "application/json")
                    .GET()
                    .build());
        } catch (DeliveryException e) {
            return List.of(e.failure());
        }
        HttpResponse<String> response = call.response();
        if (response.statusCode() != 200) {
            return List.of(SalesforceErrorClassifier.classify(Stage.DESCRIBE, response.statusCode(), response.body(),
                    response.headers(), with(secrets, call.token().accessToken())));
        }
        JsonNode describe = readJson(response.body());
        List<DeliveryFailure> problems = new ArrayList<>();
        if (describe == null) {
            return problems;
        }
        for (JsonNode f : describe.path("fields")) {
            String name = f.path("name").asText("");
            String type = f.path("type").asText("");
            if (f.path("createable").asBoolean(false) && !f.path("nillable").asBoolean(true)
                    && !f.path("defaultedOnCreate").asBoolean(false)
                    && (type.equals("picklist") || type.equals("multipicklist"))
                    && !SalesforceErrorClassifier.MAPPED_FIELDS.contains(name) && !name.equals(rest.externalIdField())) {
                problems.add(new DeliveryFailure(ErrorClass.SALESFORCE_REQUIRED_PICKLIST, 0, null,
                        "the Lead object's required " + type + " " + name + " (\"" + f.path("label").asText(name)
                                + "\") cannot be filled from a marketplace lead, so Salesforce would refuse every"
                                + " lead: make it a text field or not required"));
            }
        }
        return problems;
    }

    private Token signIn(String loginUrl, Map<String, String> form, Set<String> secrets) throws DeliveryException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(loginUrl + "/services/oauth2/token"))
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(BodyPublishers.ofString(formBody(form)))
                .build();
        HttpResponse<String> response = send(request, Stage.SIGN_IN, secrets);
        JsonNode answer = response.statusCode() == 200 ? readJson(response.body()) : null;
        String accessToken = answer == null ? null : answer.path("access_token").asText(null);
        String instance = answer == null ? null : answer.path("instance_url").asText(null);
        if (accessToken == null || instance == null) {
            throw new DeliveryException(SalesforceErrorClassifier.classify(Stage.SIGN_IN, response.statusCode(),
                    response.body(), response.headers(), with(secrets, accessToken)));
        }
        URI instanceUri = url(instance, null, "instance_url");
        return new Token(accessToken, HttpSupport.stripTrailingSlashes(instanceUri.toString()));
    }

    /** The RS256 JWT bearer assertion (iss = client id, sub = user, aud = login URL, exp = now + 3 min). */
    static String assertion(String clientId, String user, String audience, String pem) throws DeliveryException {
        PrivateKey key = privateKey(pem);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        ObjectNode claims = JSON.createObjectNode()
                .put("iss", clientId)
                .put("sub", user)
                .put("aud", audience)
                .put("exp", Instant.now().plus(JWT_LIFETIME).getEpochSecond());
        try {
            String signingInput = b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                    + b64.encodeToString(JSON.writeValueAsBytes(claims));
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(key);
            signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64.encodeToString(signer.sign());
        } catch (Exception e) {
            throw new DeliveryException(SalesforceErrorClassifier.local(ErrorClass.SALESFORCE_AUTH_FAILED,
                    "the JWT bearer assertion could not be signed with the privateKey (" + e.getClass().getSimpleName() + ")"));
        }
    }

    static PrivateKey privateKey(String pem) throws DeliveryException {
        if (pem.contains("BEGIN RSA PRIVATE KEY") || pem.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
            throw new DeliveryException(SalesforceErrorClassifier.local(ErrorClass.SALESFORCE_AUTH_FAILED,
                    "the privateKey must be an unencrypted PKCS#8 PEM (BEGIN PRIVATE KEY); convert it with"
                            + " openssl pkcs8 -topk8 -nocrypt"));
        }
        try {
            String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (Exception e) {
            throw new DeliveryException(SalesforceErrorClassifier.local(ErrorClass.SALESFORCE_AUTH_FAILED,
                    "the privateKey is not a PKCS#8 PEM RSA private key (BEGIN PRIVATE KEY)"));
        }
    }

    // --- mapping ----------------------------------------------------------------------------------------------------

    /** The REST Lead body (see the class comment for the mapping). */
    static byte[] body(Lead lead) {
        UserDetails u = lead.userDetails();
        ObjectNode row = JSON.createObjectNode();
        put(row, "FirstName", u.firstName(), 40);
        put(row, "LastName", orPlaceholder(u.lastName()), 80);
        put(row, "Email", u.email(), 80);
        put(row, "Phone", u.phone(), 40);
        put(row, "Company", orPlaceholder(u.company()), 255);
        put(row, "Title", u.title(), 128);
        put(row, "Country", u.country(), 80);
        put(row, "Description", lead.description() != null && !lead.description().isBlank() ? lead.description()
                : subject(lead), 32_000);
        put(row, "LeadSource", leadSource(lead), 40);
        try {
            return JSON.writeValueAsBytes(row);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The LeadSource's source part (AzureMarketplace, AppSource, AzurePortal, ...), else {@value #DEFAULT_LEAD_SOURCE}. */
    static String leadSource(Lead lead) {
        LeadSource source = lead.parsedLeadSource();
        return source.source() != null ? source.source() : DEFAULT_LEAD_SOURCE;
    }

    static String subject(Lead lead) {
        LeadSource source = lead.parsedLeadSource();
        String title = lead.offerTitle() != null ? lead.offerTitle() : lead.offerId();
        String action = lead.actionCode() != null ? lead.actionCode() : source.action();
        String from = source.source() != null ? source.source() : lead.leadSource();
        return (title == null ? "Marketplace lead" : title) + (action == null ? "" : " (" + action + ")")
                + (from == null ? "" : " via " + from);
    }

    private static String orPlaceholder(String value) {
        return value == null || value.isBlank() ? PLACEHOLDER : value;
    }

    private static void put(ObjectNode row, String field, String value, int max) {
        if (value != null && !value.isBlank()) {
            row.put(field, cut(value, max));
        }
    }

    private static void putCut(Map<String, String> form, String field, String value, int max) {
        if (value != null && !value.isBlank()) {
            form.put(field, cut(value, max));
        }
    }

    private static String cut(String value, int max) {
        return value.length() > max ? value.substring(0, max) : value;
    }

    // --- plumbing ---------------------------------------------------------------------------------------------------

    private HttpResponse<String> send(HttpRequest request, Stage stage, Set<String> secrets) throws DeliveryException {
        try {
            return http.send(request, BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException(SalesforceErrorClassifier.classify(stage, e, secrets));
        } catch (Exception e) {
            throw new DeliveryException(SalesforceErrorClassifier.classify(stage, e, secrets));
        }
    }

    /** A URL setting, checked: https (http only for a loopback host), with a host. */
    static URI url(String value, String fallback, String setting) throws DeliveryException {
        String v = HttpSupport.blankToNull(value) == null ? fallback : value.trim();
        URI uri;
        try {
            uri = v == null ? null : URI.create(v);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        String scheme = uri == null || uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri == null || uri.getHost() == null
                || !(scheme.equals("https") || scheme.equals("http") && Hosts.isLoopback(uri.getHost()))) {
            throw new DeliveryException(SalesforceErrorClassifier.local(ErrorClass.DESTINATION_HTTP_ERROR,
                    "the " + setting + " must be an https:// URL" + (scheme.isEmpty() ? "" : " (scheme " + scheme + ")")));
        }
        return uri;
    }


    private static String origin(String url) {
        try {
            URI uri = URI.create(url.trim());
            if (uri.getScheme() != null && uri.getHost() != null) {
                return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost().toLowerCase(Locale.ROOT)
                        + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        return "(invalid URL)";
    }

    /** Every secret setting's value, each line of a PEM key, and the user name: removed from every detail. */
    static Set<String> secretValues(Map<String, String> settings) {
        Set<String> out = new HashSet<>();
        settings.forEach((k, v) -> {
            if (v != null && (LeadDestination.isSecretSetting(k) || k.equals(CLIENT_SECRET) || k.equals(PRIVATE_KEY)
                    || k.equals(USER_NAME))) {
                out.add(v);
                for (String line : v.split("\\R")) {
                    if (line.trim().length() >= 8 && !line.startsWith("-----")) {
                        out.add(line.trim());
                    }
                }
            }
        });
        return out;
    }

    private static Set<String> with(Set<String> secrets, String extra) {
        if (extra == null) {
            return secrets;
        }
        Set<String> out = new HashSet<>(secrets);
        out.add(extra);
        return out;
    }

    private static JsonNode readJson(String body) {
        try {
            return body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (Exception e) {
            return null;
        }
    }

    private static String formBody(Map<String, String> form) {
        StringJoiner out = new StringJoiner("&");
        form.forEach((k, v) -> out.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return out.toString();
    }




}
