package dev.leadpipe.fakes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A local stand-in for one Salesforce org (its login host, REST API {@value #API_VERSION} and Web-to-Lead servlet
 * on one loopback server), as far as lead delivery uses it, with Salesforce's real request, response and error
 * shapes. This class starts the server, sends each request to the part that answers it and is where tests set the
 * org up and look at what it received:
 * <ul>
 * <li>{@code POST /services/oauth2/token}: {@link FakeSalesforceLogin}, client credentials
 * ({@link #addClientCredentialsApp}) or JWT bearer ({@link #addJwtApp}) with an RS256 assertion (iss = client id,
 * sub = user name, aud = {@link #url()}); tokens can be expired ({@link #expireTokens()}), requests are counted per
 * client ({@link #tokenRequests}).</li>
 * <li>{@code PATCH /services/data/v62.0/sobjects/Lead/LeadpipeLeadId__c/{leadId}} (upsert on the external id) and
 * {@code GET /services/data/v62.0/sobjects/Lead/describe}: {@link FakeSalesforceRest}, with the failures set per
 * client ({@link #failFor}, {@link #retryAfter}) and external ids matching several records
 * ({@link #duplicateExternalId}).</li>
 * <li>{@code POST /servlet/servlet.WebToLead?encoding=UTF-8}: {@link FakeSalesforceWebToLead}, always 200; stored
 * only for a known org ({@link #addOrg}) and valid picklists ({@link #webToLeadReceived()} vs
 * {@link #webToLeadStored()}).</li>
 * </ul>
 * Both the upsert and Web-to-Lead check the Lead object's picklists ({@link FakeSalesforceLeadObject}:
 * {@link #requirePicklist}, {@link #restrictPicklist}), which describe also lists. REST records are kept per leadId
 * ({@link #record}, {@link #recordCount()}, shared with {@link FakeDataverse} in {@link FakeLeadStore}). Thread-safe.
 */
public final class FakeSalesforce extends FakeLeadStore implements AutoCloseable {
    public static final String API_VERSION = "v62.0";
    public static final String EXTERNAL_ID_FIELD = "LeadpipeLeadId__c";
    public static final String TOKEN_PATH = "/services/oauth2/token";
    public static final String WEB_TO_LEAD_PATH = "/servlet/servlet.WebToLead";
    public static final String JWT_BEARER = FakeSalesforceLogin.JWT_BEARER;

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

    private final HttpServer server;
    private final String orgId;
    private final FakeSalesforceLogin login;
    private final FakeSalesforceLeadObject leadObject = new FakeSalesforceLeadObject();
    private final FakeSalesforceRest rest;
    private final FakeSalesforceWebToLead webToLead;
    private volatile String hugePathPrefix;
    private volatile int hugeStatus;
    private volatile long hugeBytes;

    private FakeSalesforce() {
        this.server = FakeHttp.start(this::handle);
        this.orgId = "00D" + base62("org:" + server.getAddress().getPort(), 15);
        this.login = new FakeSalesforceLogin(url(), orgId);
        this.rest = new FakeSalesforceRest(login, leadObject, this);
        this.webToLead = new FakeSalesforceWebToLead(orgId, leadObject);
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
        webToLead.addOrg(id);
        return this;
    }

    /**
     * A required, restricted picklist on the Lead object: an upsert creating a lead without it answers
     * REQUIRED_FIELD_MISSING, one with another value INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST; Web-to-Lead drops such
     * a lead silently.
     */
    public FakeSalesforce requirePicklist(String name, String label, String... values) {
        leadObject.requirePicklist(name, label, List.of(values));
        return this;
    }

    /** Makes a picklist (e.g. the standard {@code LeadSource}) restricted to these values, not required. */
    public FakeSalesforce restrictPicklist(String name, String... values) {
        leadObject.restrictPicklist(name, List.of(values));
        return this;
    }

    /** Answers {@code failure} to every upsert and describe of this client id; null clears it. */
    public FakeSalesforce failFor(String clientId, Failure failure) {
        rest.failFor(clientId, failure);
        return this;
    }

    /** The {@code Retry-After} of every 403 REQUEST_LIMIT_EXCEEDED and 503; null for none. */
    public FakeSalesforce retryAfter(Duration d) {
        rest.retryAfter(d);
        return this;
    }

    /** The external id {@code leadId} matches two records: its upsert answers 300 Multiple Choices. */
    public FakeSalesforce duplicateExternalId(String leadId) {
        rest.duplicateExternalId(leadId);
        return this;
    }

    /**
     * Every request whose path starts with {@code pathPrefix} ({@link #TOKEN_PATH}, {@code /services/data/}) is
     * answered {@code status} with a body of {@code bytes} bytes, streamed without a length; null clears it.
     */
    public FakeSalesforce answerHugeBodies(String pathPrefix, int status, long bytes) {
        this.hugeStatus = status;
        this.hugeBytes = bytes;
        this.hugePathPrefix = pathPrefix;
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
        return rest.describeRequests();
    }

    /** Every Web-to-Lead form received (all were answered 200). */
    public List<Map<String, String>> webToLeadReceived() {
        return webToLead.received();
    }

    /** The Web-to-Lead forms that really became a lead. */
    public List<Map<String, String>> webToLeadStored() {
        return webToLead.stored();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        String huge = hugePathPrefix;
        if (huge != null && path.startsWith(huge)) {
            FakeHttp.body(exchange);
            FakeHttp.sendHuge(exchange, hugeStatus, hugeBytes);
        } else if (path.equals(TOKEN_PATH) && "POST".equals(method)) {
            login.token(exchange);
        } else if (path.equals(WEB_TO_LEAD_PATH) && "POST".equals(method)) {
            webToLead.handle(exchange);
        } else {
            rest.handle(exchange);
        }
    }

    /** {@code length} base-62 characters, stable per seed: the org's, users' and records' ids. */
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
