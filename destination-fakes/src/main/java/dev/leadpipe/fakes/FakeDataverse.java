package dev.leadpipe.fakes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A local stand-in for a Dataverse (Dynamics 365) environment's Web API v9.2, as far as lead delivery uses it:
 * {@code PATCH /api/data/v9.2/leads(leadpipe_leadid='<leadId>')} — an upsert on the alternate key
 * {@code leadpipe_leadid} (no {@code If-Match}: create or update) answering {@code 204 No Content} with
 * {@code OData-EntityId: <base>/api/data/v9.2/leads(<guid>)}, one stable GUID per leadId — and
 * {@code GET /api/data/v9.2/} (the service document), and the lead table's definition endpoints
 * ({@link FakeDataverseSchema}: its columns and alternate keys, with leadpipe's schema present unless
 * {@link #withoutLeadpipeSchema()}). Every request needs {@code Authorization: Bearer <token>}
 * issued by the given {@link FakeAzureAd}; otherwise 401 with Dataverse's {@code WWW-Authenticate} challenge. Any
 * other path answers 404 with an HTML page (what a host that is not a Dataverse instance does).
 *
 * <p>Failures, with Dataverse's real status, {@code error.code} and message shape, programmable per caller (the
 * token's client id or user name, {@link #failFor}): no security role ({@code 403}, {@code 0x80040220},
 * "SecLib::RetrievePrivilegeForUser failed - no roles are assigned to user"), a role without the privilege to create
 * the lead's {@code leadsourcecode} attribute ({@code 403}, {@code 0x80040220}, "Principal user (...) is missing
 * prvCreateLead privilege ..."), or a service protection limit ({@code 429} + {@code Retry-After},
 * {@code 0x80072322}). Globally: a delay before every upsert ({@link #delay}), a throttling storm
 * ({@link #throttleFor}: every upsert answers 429 with {@code Retry-After} until it ends), and the concurrency limit
 * ({@link #concurrencyLimit}: a request above N concurrent ones answers 429 {@code 0x80072326} "Number of concurrent
 * requests exceeded the limit of N."), and a 401 even with a valid token for a caller that is no user of the
 * environment ({@link Failure#NOT_A_USER_OF_THIS_ENVIRONMENT}). Records are kept per leadId ({@link #record},
 * {@link #recordCount()}), each column as sent: a number as a Number, a Boolean column (such as {@code donotemail},
 * {@code donotphone}, {@code donotbulkemail}) as a Boolean, anything else as text; the
 * highest concurrency seen is {@link #maxConcurrent()}. Thread-safe.
 */
public final class FakeDataverse extends FakeLeadStore implements AutoCloseable {
    public static final String API = "/api/data/v9.2/";
    private static final Pattern UPSERT = Pattern.compile("^/api/data/v9\\.2/leads\\(leadpipe_leadid='(.*)'\\)$");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A failure to answer to one caller. */
    public enum Failure {
        /** 403 0x80040220 SecLib::RetrievePrivilegeForUser failed - no roles are assigned to user. */
        NO_ROLES_ASSIGNED,
        /** 403 0x80040220 Principal user (...) is missing prvCreateLead privilege ... on leadsourcecode. */
        MISSING_LEAD_WRITER_ROLE,
        /** 429 0x80072322 Number of requests exceeded the limit of 6000 over time window of 300 seconds. */
        THROTTLED,
        /** 401 with a valid token: the principal is no (licensed) user of this environment. */
        NOT_A_USER_OF_THIS_ENVIRONMENT
    }

    private final FakeAzureAd aad;
    private final HttpServer server;
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();
    private final AtomicInteger concurrent = new AtomicInteger();
    /** Exchanges already answered (no longer concurrent); identity, as HttpExchange's attributes are the context's. */
    private final java.util.Set<HttpExchange> answered = ConcurrentHashMap.newKeySet();
    /** The lead table's definition: leadpipe's columns and alternate key, served on the metadata endpoints. */
    private final FakeDataverseSchema schema = new FakeDataverseSchema();

    private final AtomicInteger maxConcurrent = new AtomicInteger();
    private final AtomicInteger throttled = new AtomicInteger();
    private final AtomicInteger concurrencyThrottled = new AtomicInteger();
    private final AtomicInteger unauthorized = new AtomicInteger();
    private volatile Duration delay = Duration.ZERO;
    private volatile int hugeStatus;
    private volatile long hugeBytes;
    private volatile long throttleUntilNanos;
    private volatile Duration retryAfter = Duration.ofSeconds(1);
    private volatile int concurrencyLimit = Integer.MAX_VALUE;

    private FakeDataverse(FakeAzureAd aad) {
        this.aad = aad;
        this.server = FakeHttp.start(this::handle);
    }

    /** Starts a fake environment on 127.0.0.1 and a free port accepting the tokens {@code aad} issues. */
    public static FakeDataverse start(FakeAzureAd aad) {
        return new FakeDataverse(aad);
    }

    /** The instance URL ({@code http://127.0.0.1:PORT}), in place of {@code https://ORG.crm.dynamics.com}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * Every upsert of an authorised caller is answered {@code status} with a body of {@code bytes} bytes, streamed
     * without a length (0 bytes clears it).
     */
    public FakeDataverse answerHugeBodies(int status, long bytes) {
        this.hugeStatus = status;
        this.hugeBytes = bytes;
        return this;
    }

    /** Answers {@code failure} to every upsert of this caller (client id or user name); null clears it. */
    public FakeDataverse failFor(String subject, Failure failure) {
        if (failure == null) {
            failures.remove(subject.toLowerCase(Locale.ROOT));
        } else {
            failures.put(subject.toLowerCase(Locale.ROOT), failure);
        }
        return this;
    }

    /**
     * The lead table without leadpipe's columns ({@code leadpipe_leadid}, {@code leadpipe_leadsource}) and alternate
     * key, as in an environment where only the marketplace's solution is installed: upserts are refused as Dataverse
     * refuses them until the schema is created through the metadata endpoints ({@link FakeDataverseSchema}).
     */
    public FakeDataverse withoutLeadpipeSchema() {
        schema.removeLeadpipeSchema();
        return this;
    }

    /** A key created through the metadata endpoints is Pending for this many reads of the keys, then Active. */
    public FakeDataverse keyActivatesAfterPolls(int polls) {
        schema.keyActivatesAfterPolls(polls);
        return this;
    }

    /** Every caller lacks the privileges to create columns and keys (403 0x80040220 prvCreateAttribute/...). */
    public FakeDataverse denyCustomization(boolean denied) {
        schema.denyCustomization(denied);
        return this;
    }

    /** Whether the lead table has this column. */
    public boolean hasColumn(String logicalName) {
        return schema.hasColumn(logicalName);
    }

    /** The EntityKeyIndexStatus of the alternate key on exactly this column, or null when there is none. */
    public String keyStatus(String column) {
        return schema.keyStatus(column);
    }

    /** Columns and keys created through the metadata endpoints. */
    public int schemaCreations() {
        return schema.creations();
    }

    /** Waits this long before answering each upsert. */
    public FakeDataverse delay(Duration d) {
        this.delay = d;
        return this;
    }

    /** The {@code Retry-After} of every 429. */
    public FakeDataverse retryAfter(Duration d) {
        this.retryAfter = d;
        return this;
    }

    /** Every upsert answers 429 (0x80072322) from now for {@code window}. */
    public FakeDataverse throttleFor(Duration window) {
        this.throttleUntilNanos = System.nanoTime() + window.toNanos();
        return this;
    }

    /** More than {@code n} concurrent requests: the excess ones answer 429 (0x80072326). */
    public FakeDataverse concurrencyLimit(int n) {
        this.concurrencyLimit = n;
        return this;
    }

    public int maxConcurrent() {
        return maxConcurrent.get();
    }

    public int throttledRequests() {
        return throttled.get();
    }

    /** 429s answered because of the concurrency limit (0x80072326). */
    public int concurrencyThrottledRequests() {
        return concurrencyThrottled.get();
    }

    public int unauthorizedRequests() {
        return unauthorized.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ---------------------------------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        int now = concurrent.incrementAndGet();
        maxConcurrent.accumulateAndGet(now, Math::max);
        try {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            Matcher upsert = UPSERT.matcher(path);
            boolean api = path.equals(API) || upsert.matches() || path.startsWith(FakeDataverseSchema.ENTITY_PATH);
            if (!api) {
                reply(
                        exchange,
                        404,
                        "text/html; charset=utf-8",
                        "<!DOCTYPE html><html><head><title>404 - Not Found</title></head><body><h1>404 - Not Found</h1></body></html>");
                return;
            }
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            FakeAzureAd.Principal principal = auth != null && auth.startsWith("Bearer ")
                    ? aad.principalOf(auth.substring(7).trim())
                    : null;
            if (principal != null && failures.get(principal.subject()) == Failure.NOT_A_USER_OF_THIS_ENVIRONMENT) {
                principal = null;
            }
            if (principal == null) {
                unauthorized.incrementAndGet();
                exchange.getResponseHeaders()
                        .set(
                                "WWW-Authenticate",
                                "Bearer authorization_uri=" + aad.authorityHost()
                                        + "/common/oauth2/authorize, resource_id=" + url() + "/");
                reply(exchange, 401, null, null);
                return;
            }
            if (path.equals(API) && "GET".equals(method)) {
                reply(
                        exchange,
                        200,
                        "application/json; odata.metadata=minimal",
                        "{\"@odata.context\":\"" + url() + API
                                + "$metadata\",\"value\":[{\"name\":\"leads\",\"kind\":\"EntitySet\",\"url\":\"leads\"}]}");
                return;
            }
            if (schema.handle(exchange, path, method, uuid(principal.subject()))) {
                return;
            }
            if (!upsert.matches() || !"PATCH".equals(method)) {
                error(exchange, 405, "0x80060888", "The HTTP method '" + method + "' is not allowed on this resource.");
                return;
            }
            countUpsert();
            if (now > concurrencyLimit) {
                concurrencyThrottled.incrementAndGet();
                throttle(
                        exchange,
                        "0x80072326",
                        "Number of concurrent requests exceeded the limit of " + concurrencyLimit + ".");
                return;
            }
            if (System.nanoTime() - throttleUntilNanos < 0) {
                throttle(
                        exchange,
                        "0x80072322",
                        "Number of requests exceeded the limit of 6000 over time window of 300 seconds.");
                return;
            }
            Duration d = delay;
            if (!d.isZero()) {
                try {
                    Thread.sleep(d);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            Failure failure = failures.get(principal.subject());
            String body = FakeHttp.body(exchange);
            if (hugeBytes > 0) {
                finished(exchange);
                FakeHttp.sendHuge(exchange, hugeStatus, hugeBytes);
                return;
            }
            String[] refusal = schema.refuseUpsert(jsonObject(body));
            if (refusal != null) {
                exchange.getResponseHeaders().set("OData-Version", "4.0");
                reply(exchange, Integer.parseInt(refusal[0]), "application/json; odata.metadata=minimal", refusal[1]);
                return;
            }
            if (failure == Failure.NO_ROLES_ASSIGNED) {
                error(
                        exchange,
                        403,
                        "0x80040220",
                        "SecLib::RetrievePrivilegeForUser failed - no roles are assigned"
                                + " to user. Returned by SecLib::RetrievePrivilegeForUser. UserId: "
                                + uuid(principal.subject())
                                + ", BusinessUnitId: " + uuid(principal.tenant()) + ", OrganizationId: " + uuid(url()));
                return;
            }
            if (failure == Failure.MISSING_LEAD_WRITER_ROLE && body.contains("leadsourcecode")) {
                error(
                        exchange,
                        403,
                        "0x80040220",
                        "Principal user (Id=" + uuid(principal.subject())
                                + ", type=8, roleCount=1, privilegeCount=412, accessMode=0), is missing prvCreateLead privilege"
                                + " (Id=" + uuid("prvCreateLead")
                                + ") on OTC=4 for entity 'lead' (LocalizedName='Lead')"
                                + " to create the attribute 'leadsourcecode' of entity 'lead'. Consider assigning a role with"
                                + " the required access level to the user or team.");
                return;
            }
            if (failure == Failure.THROTTLED) {
                throttle(
                        exchange,
                        "0x80072322",
                        "Number of requests exceeded the limit of 6000 over time window of 300 seconds.");
                return;
            }
            JsonNode entity = jsonObject(body);
            if (entity == null) {
                error(
                        exchange,
                        400,
                        "0x80048d19",
                        "Error identified in Payload provided by the user for Entity :'leads'");
                return;
            }
            String leadId = upsert.group(1).replace("''", "'");
            Map<String, Object> fields = new LinkedHashMap<>();
            entity.properties()
                    .forEach(e -> fields.put(
                            e.getKey(),
                            e.getValue().isNumber()
                                    ? e.getValue().numberValue()
                                    : e.getValue().isBoolean()
                                            ? (Object) e.getValue().booleanValue()
                                            : e.getValue().asText()));
            fields.put("leadpipe_leadid", leadId);
            LeadRecord stored = store(leadId, uuid("lead:" + leadId), old -> nonNull(fields));
            exchange.getResponseHeaders().set("OData-Version", "4.0");
            exchange.getResponseHeaders().set("OData-EntityId", url() + API + "leads(" + stored.id() + ")");
            reply(exchange, 204, null, null);
        } finally {
            finished(exchange);
            answered.remove(exchange);
        }
    }

    /** The request counts as concurrent until its answer starts (as the caller sees it), not until the socket closes. */
    private void finished(HttpExchange exchange) {
        if (answered.add(exchange)) {
            concurrent.decrementAndGet();
        }
    }

    private void reply(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        finished(exchange);
        FakeHttp.send(exchange, status, contentType, body);
    }

    private static Map<String, Object> nonNull(Map<String, Object> fields) {
        Map<String, Object> out = new LinkedHashMap<>();
        fields.forEach((k, v) -> {
            if (v != null) {
                out.put(k, v);
            }
        });
        return out;
    }

    private void throttle(HttpExchange exchange, String code, String message) throws IOException {
        throttled.incrementAndGet();
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        exchange.getResponseHeaders().set("Retry-After", Long.toString(seconds));
        error(exchange, 429, code, message);
    }

    private void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        exchange.getResponseHeaders().set("OData-Version", "4.0");
        reply(
                exchange,
                status,
                "application/json; odata.metadata=minimal",
                "{\"error\":{\"code\":" + FakeHttp.json(code) + ",\"message\":" + FakeHttp.json(message) + "}}");
    }

    private static String uuid(String seed) {
        return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The body as a JSON object; null when it is not JSON or not an object. */
    private static JsonNode jsonObject(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }
}
