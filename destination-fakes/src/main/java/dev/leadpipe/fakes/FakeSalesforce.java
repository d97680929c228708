package dev.leadpipe.fakes;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A local stand-in for one Salesforce org (its login host, REST API {@value #API_VERSION} and Web-to-Lead servlet
 * on one loopback server), as far as lead delivery uses it, with Salesforce's real request, response and error
 * shapes:
 * <ul>
 * <li>{@code POST /services/oauth2/token} (form): {@code grant_type=client_credentials} + {@code client_id} +
 * {@code client_secret} ({@link #addClientCredentialsApp}), or {@code grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer}
 * + {@code assertion}, an RS256 JWT (iss = client id, sub = user name, aud = {@link #url()}, exp in the future)
 * verified against the public key registered by {@link #addJwtApp}. 200 with {@code access_token},
 * {@code instance_url} (this fake), {@code id}, {@code token_type}, {@code issued_at}, {@code signature}; 400
 * {@code invalid_client} "invalid client credentials", {@code invalid_grant} "invalid assertion" / "user hasn't
 * approved this consumer", {@code unsupported_grant_type}. Token requests are counted per client id.</li>
 * <li>{@code PATCH /services/data/v62.0/sobjects/Lead/LeadpipeLeadId__c/{leadId}} with {@code Authorization: Bearer}:
 * an upsert on the external id; 201 {@code {"id":..,"success":true,"errors":[],"created":true}} on create, 200 with
 * {@code "created":false} on update; 401 {@code INVALID_SESSION_ID} for an unknown or expired token
 * ({@link #expireTokens()}); 400 {@code REQUIRED_FIELD_MISSING} for a required field not filled on create
 * (LastName, Company, and each {@link #requirePicklist}); 400 {@code INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST} for a
 * value outside a restricted picklist ({@link #requirePicklist}, {@link #restrictPicklist}); 300 with a JSON array of
 * record URLs when the external id matches several records ({@link #duplicateExternalId}); and per client
 * ({@link #failFor}): 403 {@code REQUEST_LIMIT_EXCEEDED}, 503 (HTML or JSON body, optional {@code Retry-After}),
 * or 401 {@code INVALID_SESSION_ID} even with a fresh token.</li>
 * <li>{@code GET /services/data/v62.0/sobjects/Lead/describe}: the Lead object's fields (standard ones,
 * {@code LeadpipeLeadId__c} as external id, and every picklist added).</li>
 * <li>{@code POST /servlet/servlet.WebToLead?encoding=UTF-8} (form): always 200 with a small HTML page, as Salesforce
 * does; the lead is stored only when {@code oid} is a known org ({@link #addOrg}) and every required picklist is
 * filled with an allowed value, otherwise silently dropped ({@link #webToLeadReceived()} vs
 * {@link #webToLeadStored()}).</li>
 * </ul>
 * REST records are kept per leadId ({@link #record}, {@link #recordCount()}, shared with {@link FakeDataverse} in
 * {@link FakeLeadStore}); the login host is {@link FakeSalesforceLogin}. Thread-safe.
 */
public final class FakeSalesforce extends FakeLeadStore implements AutoCloseable {
    public static final String API_VERSION = "v62.0";
    public static final String EXTERNAL_ID_FIELD = "LeadpipeLeadId__c";
    public static final String TOKEN_PATH = "/services/oauth2/token";
    public static final String WEB_TO_LEAD_PATH = "/servlet/servlet.WebToLead";
    public static final String JWT_BEARER = FakeSalesforceLogin.JWT_BEARER;
    private static final String SOBJECT = "/services/data/" + API_VERSION + "/sobjects/Lead/";
    private static final Pattern UPSERT =
            Pattern.compile("^" + Pattern.quote(SOBJECT + EXTERNAL_ID_FIELD + "/") + "(.+)$");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JSON_TYPE = "application/json;charset=UTF-8";

    /** A failure answered to every upsert and describe of one client. */
    public enum Failure {
        /** 403 REQUEST_LIMIT_EXCEEDED "TotalRequests Limit exceeded." */
        REQUEST_LIMIT_EXCEEDED,
        /** 503 with an HTML maintenance page (and {@code Retry-After} when {@link #retryAfter} is set). */
        UNAVAILABLE,
        /** 503 with a JSON body {@code SERVER_UNAVAILABLE}. */
        UNAVAILABLE_JSON,
        /** 401 INVALID_SESSION_ID even with a freshly issued token. */
        INVALID_SESSION
    }

    /** One picklist field added to the Lead object. */
    public record Picklist(String name, String label, List<String> values, boolean required, boolean restricted) {}

    private final HttpServer server;
    private final String orgId;
    private final FakeSalesforceLogin login;
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();
    private final Map<String, Picklist> picklists = new ConcurrentHashMap<>();
    private final Set<String> orgs = ConcurrentHashMap.newKeySet();
    private final Set<String> duplicates = ConcurrentHashMap.newKeySet();
    private final List<Map<String, String>> webToLeadReceived = new CopyOnWriteArrayList<>();
    private final List<Map<String, String>> webToLeadStored = new CopyOnWriteArrayList<>();
    private final AtomicInteger describeRequests = new AtomicInteger();
    private volatile Duration retryAfter;

    private FakeSalesforce() {
        this.server = FakeHttp.start(this::handle);
        this.orgId = "00D" + base62("org:" + server.getAddress().getPort(), 15);
        this.login = new FakeSalesforceLogin(url(), orgId);
    }

    /** Starts a fake org on 127.0.0.1 and a free port. */
    public static FakeSalesforce start() {
        return new FakeSalesforce();
    }

    /** {@code http://127.0.0.1:PORT}: the login URL, the instance URL and the Web-to-Lead host, all in one. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** This fake's Web-to-Lead URL, {@code <url>/servlet/servlet.WebToLead?encoding=UTF-8}. */
    public String webToLeadUrl() {
        return url() + WEB_TO_LEAD_PATH + "?encoding=UTF-8";
    }

    /** This org's own 18-character id (also known to Web-to-Lead: {@link #addOrg} is not needed for it). */
    public String orgId() {
        return orgId;
    }

    /** A connected app allowing the client credentials flow. */
    public FakeSalesforce addClientCredentialsApp(String clientId, String secret) {
        login.addApp(clientId, new FakeSalesforceLogin.App(secret, null, null));
        return this;
    }

    /** A connected app allowing the JWT bearer flow for {@code userName}, with the certificate's public key. */
    public FakeSalesforce addJwtApp(String clientId, String userName, PublicKey publicKey) {
        login.addApp(clientId, new FakeSalesforceLogin.App(null, userName, publicKey));
        return this;
    }

    /** An org id Web-to-Lead accepts (besides {@link #orgId()}). */
    public FakeSalesforce addOrg(String id) {
        orgs.add(id);
        return this;
    }

    /**
     * A required, restricted picklist on the Lead object: an upsert creating a lead without it answers
     * REQUIRED_FIELD_MISSING, one with another value INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST; Web-to-Lead drops such
     * a lead silently.
     */
    public FakeSalesforce requirePicklist(String name, String label, String... values) {
        picklists.put(name, new Picklist(name, label, List.of(values), true, true));
        return this;
    }

    /** Makes a picklist (e.g. the standard {@code LeadSource}) restricted to these values, not required. */
    public FakeSalesforce restrictPicklist(String name, String... values) {
        picklists.put(name, new Picklist(name, name, List.of(values), false, true));
        return this;
    }

    /** Answers {@code failure} to every upsert and describe of this client id; null clears it. */
    public FakeSalesforce failFor(String clientId, Failure failure) {
        if (failure == null) {
            failures.remove(clientId);
        } else {
            failures.put(clientId, failure);
        }
        return this;
    }

    /** The {@code Retry-After} of every 403 REQUEST_LIMIT_EXCEEDED and 503; null for none. */
    public FakeSalesforce retryAfter(Duration d) {
        this.retryAfter = d;
        return this;
    }

    /** The external id {@code leadId} matches two records: its upsert answers 300 Multiple Choices. */
    public FakeSalesforce duplicateExternalId(String leadId) {
        duplicates.add(leadId);
        return this;
    }

    /** Every token issued so far becomes invalid (the next call answers 401 INVALID_SESSION_ID). */
    public FakeSalesforce expireTokens() {
        login.expireTokens();
        return this;
    }

    /** Token requests received for this client id (successful or not). */
    public int tokenRequests(String clientId) {
        return login.tokenRequests(clientId);
    }

    public int describeRequests() {
        return describeRequests.get();
    }

    /** Every Web-to-Lead form received (all were answered 200). */
    public List<Map<String, String>> webToLeadReceived() {
        return List.copyOf(webToLeadReceived);
    }

    /** The Web-to-Lead forms that really became a lead. */
    public List<Map<String, String>> webToLeadStored() {
        return List.copyOf(webToLeadStored);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ---------------------------------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (path.equals(TOKEN_PATH) && "POST".equals(method)) {
            login.token(exchange);
            return;
        }
        if (path.equals(WEB_TO_LEAD_PATH) && "POST".equals(method)) {
            webToLead(exchange);
            return;
        }
        Matcher upsert = UPSERT.matcher(exchange.getRequestURI().getRawPath());
        boolean describe = path.equals(SOBJECT + "describe");
        if (!describe && !upsert.matches()) {
            restErrors(exchange, 404, errors("NOT_FOUND", "The requested resource does not exist", null));
            return;
        }
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        String clientId = login.clientOf(auth);
        Failure failure = clientId == null ? null : failures.get(clientId);
        if (clientId == null || failure == Failure.INVALID_SESSION) {
            restErrors(exchange, 401, errors("INVALID_SESSION_ID", "Session expired or invalid", null));
            return;
        }
        if (failure == Failure.REQUEST_LIMIT_EXCEEDED) {
            setRetryAfter(exchange);
            restErrors(exchange, 403, errors("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.", null));
            return;
        }
        if (failure == Failure.UNAVAILABLE) {
            setRetryAfter(exchange);
            FakeHttp.send(
                    exchange,
                    503,
                    "text/html;charset=UTF-8",
                    "<html><head><title>Service Unavailable</title>"
                            + "</head><body><h1>Service Unavailable</h1><p>This site is down for maintenance.</p></body></html>");
            return;
        }
        if (failure == Failure.UNAVAILABLE_JSON) {
            setRetryAfter(exchange);
            restErrors(exchange, 503, errors("SERVER_UNAVAILABLE", "Server temporarily unavailable.", null));
            return;
        }
        if (describe) {
            if (!"GET".equals(method)) {
                restErrors(
                        exchange,
                        405,
                        errors(
                                "METHOD_NOT_ALLOWED",
                                "HTTP Method '" + method + "' not allowed. Allowed are GET,HEAD",
                                null));
                return;
            }
            describeRequests.incrementAndGet();
            FakeHttp.send(exchange, 200, JSON_TYPE, describeJson());
            return;
        }
        if (!"PATCH".equals(method)) {
            restErrors(
                    exchange,
                    405,
                    errors("METHOD_NOT_ALLOWED", "HTTP Method '" + method + "' not allowed. Allowed are PATCH", null));
            return;
        }
        countUpsert();
        upsert(exchange, URLDecoder.decode(upsert.group(1), StandardCharsets.UTF_8));
    }

    private void upsert(HttpExchange exchange, String leadId) throws IOException {
        JsonNode body;
        try {
            body = JSON.readTree(FakeHttp.body(exchange));
        } catch (IOException e) {
            restErrors(exchange, 400, errors("JSON_PARSER_ERROR", "Unexpected character at [line:1, column:1]", null));
            return;
        }
        if (body == null || !body.isObject()) {
            restErrors(exchange, 400, errors("JSON_PARSER_ERROR", "Cannot deserialize instance of Lead", null));
            return;
        }
        if (duplicates.contains(leadId)) {
            String a = SOBJECT + recordId("dup1:" + leadId);
            String b = SOBJECT + recordId("dup2:" + leadId);
            FakeHttp.send(exchange, 300, JSON_TYPE, "[" + FakeHttp.json(a) + "," + FakeHttp.json(b) + "]");
            return;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        body.properties()
                .forEach(e -> fields.put(
                        e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
        boolean create = !isStored(leadId);
        for (Picklist p : picklists.values()) {
            Object v = fields.get(p.name());
            if (v != null && p.restricted() && !p.values().contains(String.valueOf(v))) {
                restErrors(
                        exchange,
                        400,
                        errors(
                                "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                                p.label() + ": bad value for restricted picklist field: " + v,
                                p.name()));
                return;
            }
        }
        if (create) {
            List<String> missing = new ArrayList<>();
            for (String required : List.of("LastName", "Company")) {
                if (blank(fields.get(required))) {
                    missing.add(required);
                }
            }
            picklists.values().stream()
                    .filter(Picklist::required)
                    .map(Picklist::name)
                    .sorted()
                    .filter(n -> blank(fields.get(n)))
                    .forEach(missing::add);
            if (!missing.isEmpty()) {
                StringBuilder names = new StringBuilder("[");
                for (String m : missing) {
                    names.append(names.length() > 1 ? "," : "").append(FakeHttp.json(m));
                }
                restErrors(
                        exchange,
                        400,
                        "[{\"message\":"
                                + FakeHttp.json("Required fields are missing: "
                                        + missing.toString().replace(" ", ""))
                                + ",\"errorCode\":\"REQUIRED_FIELD_MISSING\",\"fields\":"
                                + names.append(']') + "}]");
                return;
            }
        }
        fields.put(EXTERNAL_ID_FIELD, leadId);
        LeadRecord stored = store(leadId, recordId("lead:" + leadId), old -> {
            Map<String, Object> merged = new LinkedHashMap<>(old);
            fields.forEach((k, v) -> {
                if (v == null) {
                    merged.remove(k);
                } else {
                    merged.put(k, v);
                }
            });
            return merged;
        });
        boolean created = stored.writes() == 1;
        FakeHttp.send(
                exchange,
                created ? 201 : 200,
                JSON_TYPE,
                "{\"id\":" + FakeHttp.json(stored.id()) + ",\"success\":true,\"errors\":[],\"created\":" + created
                        + "}");
    }

    private void webToLead(HttpExchange exchange) throws IOException {
        Map<String, String> form = FakeHttp.form(FakeHttp.body(exchange));
        webToLeadReceived.add(Map.copyOf(form));
        String oid = form.get("oid");
        boolean knownOrg =
                oid != null && (oid.equals(orgId) || oid.equals(orgId.substring(0, 15)) || orgs.contains(oid));
        boolean picklistsOk = picklists.values().stream().allMatch(p -> {
            String v = form.get(p.name());
            if (v == null || v.isBlank()) {
                return !p.required();
            }
            return !p.restricted() || p.values().contains(v);
        });
        if (knownOrg && picklistsOk) {
            webToLeadStored.add(Map.copyOf(form));
        }
        FakeHttp.send(
                exchange,
                200,
                "text/html;charset=UTF-8",
                "<html><head>"
                        + "<meta http-equiv=\"Refresh\" content=\"0; URL=" + (form.getOrDefault("retURL", "")) + "\">"
                        + "</head><body></body></html>");
    }

    private String describeJson() {
        StringBuilder fields = new StringBuilder();
        field(fields, "Id", "Lead ID", "id", false, false, true, null);
        field(fields, "LastName", "Last Name", "string", false, true, false, null);
        field(fields, "FirstName", "First Name", "string", true, true, false, null);
        field(fields, "Company", "Company", "string", false, true, false, null);
        field(fields, "Title", "Title", "string", true, true, false, null);
        field(fields, "Email", "Email", "email", true, true, false, null);
        field(fields, "Phone", "Phone", "phone", true, true, false, null);
        field(fields, "Country", "Country", "string", true, true, false, null);
        field(fields, "Description", "Description", "textarea", true, true, false, null);
        Picklist leadSource = picklists.get("LeadSource");
        field(
                fields,
                "LeadSource",
                "Lead Source",
                "picklist",
                true,
                true,
                false,
                leadSource != null
                        ? leadSource.values()
                        : List.of("Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other"));
        field(
                fields,
                "Status",
                "Lead Status",
                "picklist",
                false,
                true,
                true,
                List.of("Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted"));
        field(fields, EXTERNAL_ID_FIELD, "Leadpipe Lead Id", "string", true, true, false, null);
        picklists.values().stream()
                .filter(p -> !p.name().equals("LeadSource"))
                .sorted((a, b) -> a.name().compareTo(b.name()))
                .forEach(p -> field(fields, p.name(), p.label(), "picklist", !p.required(), true, false, p.values()));
        return "{\"name\":\"Lead\",\"label\":\"Lead\",\"createable\":true,\"updateable\":true,\"fields\":[" + fields
                + "]}";
    }

    private static void field(
            StringBuilder out,
            String name,
            String label,
            String type,
            boolean nillable,
            boolean createable,
            boolean defaulted,
            List<String> values) {
        if (!out.isEmpty()) {
            out.append(',');
        }
        out.append("{\"name\":")
                .append(FakeHttp.json(name))
                .append(",\"label\":")
                .append(FakeHttp.json(label))
                .append(",\"type\":")
                .append(FakeHttp.json(type))
                .append(",\"nillable\":")
                .append(nillable)
                .append(",\"createable\":")
                .append(createable)
                .append(",\"defaultedOnCreate\":")
                .append(defaulted)
                .append(",\"externalId\":")
                .append(name.equals(EXTERNAL_ID_FIELD))
                .append(",\"picklistValues\":[");
        if (values != null) {
            for (int i = 0; i < values.size(); i++) {
                out.append(i > 0 ? "," : "")
                        .append("{\"value\":")
                        .append(FakeHttp.json(values.get(i)))
                        .append(",\"label\":")
                        .append(FakeHttp.json(values.get(i)))
                        .append(",\"active\":true}");
            }
        }
        out.append("]}");
    }

    private void setRetryAfter(HttpExchange exchange) {
        Duration d = retryAfter;
        if (d != null) {
            exchange.getResponseHeaders().set("Retry-After", Long.toString(Math.max(0, (d.toMillis() + 999) / 1000)));
        }
    }

    private static String errors(String code, String message, String field) {
        return "[{\"message\":" + FakeHttp.json(message) + ",\"errorCode\":" + FakeHttp.json(code)
                + (field == null ? "" : ",\"fields\":[" + FakeHttp.json(field) + "]") + "}]";
    }

    private static void restErrors(HttpExchange exchange, int status, String body) throws IOException {
        FakeHttp.send(exchange, status, JSON_TYPE, body);
    }

    private static boolean blank(Object v) {
        return v == null || String.valueOf(v).isBlank();
    }

    /** A Lead id: {@code 00Q} + 15 characters, stable per seed. */
    private static String recordId(String seed) {
        return "00Q" + base62(seed, 15);
    }

    static String base62(String seed, int length) {
        String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        byte[] h = sha256(seed);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt((h[i] & 0xff) % 62));
        }
        return b.toString();
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
