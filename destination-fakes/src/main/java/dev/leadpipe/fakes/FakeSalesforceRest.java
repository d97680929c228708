package dev.leadpipe.fakes;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.leadpipe.fakes.FakeSalesforce.Failure;
import dev.leadpipe.fakes.FakeSalesforceLeadObject.Picklist;

/**
 * The REST API {@value FakeSalesforce#API_VERSION} of a {@link FakeSalesforce}, as far as lead delivery uses it, with
 * Salesforce's error shape ({@code [{"message":..,"errorCode":..,"fields":[..]}]}):
 * <ul>
 * <li>{@code PATCH /services/data/v62.0/sobjects/Lead/LeadpipeLeadId__c/{leadId}}: an upsert on the external id into
 * the {@link FakeLeadStore} (a checkbox such as {@code HasOptedOutOfEmail} or {@code DoNotCall} kept as a Boolean,
 * every other value as text); 201 {@code {"id":..,"success":true,"errors":[],"created":true}} on create, 200 with
 * {@code "created":false} on update; 400 {@code REQUIRED_FIELD_MISSING} for a required field not filled on create,
 * 400 {@code INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST} for a value outside a restricted picklist (both as the
 * {@link FakeSalesforceLeadObject} says); 300 with a JSON array of record URLs when the external id matches several
 * records ({@link #duplicateExternalId}).</li>
 * <li>{@code GET /services/data/v62.0/sobjects/Lead/describe}: the {@link FakeSalesforceLeadObject}'s describe
 * JSON, counted ({@link #describeRequests()}).</li>
 * </ul>
 * Both need {@code Authorization: Bearer} with a token the {@link FakeSalesforceLogin} issued (else 401
 * {@code INVALID_SESSION_ID}) and answer the {@link Failure} set for the token's client ({@link #failFor}), with
 * {@link #retryAfter} on 403 and 503. Any other path answers 404 {@code NOT_FOUND}. Thread-safe.
 */
final class FakeSalesforceRest {
    private static final String SOBJECT = "/services/data/" + FakeSalesforce.API_VERSION + "/sobjects/Lead/";
    private static final Pattern UPSERT =
            Pattern.compile("^" + Pattern.quote(SOBJECT + FakeSalesforce.EXTERNAL_ID_FIELD + "/") + "(.+)$");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JSON_TYPE = "application/json;charset=UTF-8";

    private final FakeSalesforceLogin login;
    private final FakeSalesforceLeadObject leadObject;
    private final FakeLeadStore store;
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();
    private final Set<String> duplicates = ConcurrentHashMap.newKeySet();
    private final AtomicInteger describeRequests = new AtomicInteger();
    private volatile Duration retryAfter;

    FakeSalesforceRest(FakeSalesforceLogin login, FakeSalesforceLeadObject leadObject, FakeLeadStore store) {
        this.login = login;
        this.leadObject = leadObject;
        this.store = store;
    }

    /** Answers {@code failure} to every upsert and describe of this client id; null clears it. */
    void failFor(String clientId, Failure failure) {
        if (failure == null) {
            failures.remove(clientId);
        } else {
            failures.put(clientId, failure);
        }
    }

    /** The {@code Retry-After} of every 403 REQUEST_LIMIT_EXCEEDED and 503; null for none. */
    void retryAfter(Duration d) {
        this.retryAfter = d;
    }

    /** The external id {@code leadId} matches two records: its upsert answers 300 Multiple Choices. */
    void duplicateExternalId(String leadId) {
        duplicates.add(leadId);
    }

    int describeRequests() {
        return describeRequests.get();
    }

    /** Answers any request that is neither a token request nor Web-to-Lead. */
    void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
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
            FakeHttp.send(exchange, 200, JSON_TYPE, leadObject.describeJson());
            return;
        }
        if (!"PATCH".equals(method)) {
            restErrors(
                    exchange,
                    405,
                    errors("METHOD_NOT_ALLOWED", "HTTP Method '" + method + "' not allowed. Allowed are PATCH", null));
            return;
        }
        store.countUpsert();
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
                        e.getKey(),
                        e.getValue().isNull()
                                ? null
                                : e.getValue().isBoolean()
                                        ? (Object) e.getValue().booleanValue()
                                        : e.getValue().asText()));
        boolean create = !store.isStored(leadId);
        Picklist bad = leadObject.badPicklistValue(fields);
        if (bad != null) {
            restErrors(
                    exchange,
                    400,
                    errors(
                            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                            bad.label() + ": bad value for restricted picklist field: " + fields.get(bad.name()),
                            bad.name()));
            return;
        }
        if (create) {
            List<String> missing = leadObject.missingOnCreate(fields);
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
        fields.put(FakeSalesforce.EXTERNAL_ID_FIELD, leadId);
        FakeLeadStore.LeadRecord stored = store.store(leadId, recordId("lead:" + leadId), old -> {
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

    /** A Lead id: {@code 00Q} + 15 characters, stable per seed. */
    private static String recordId(String seed) {
        return "00Q" + FakeSalesforce.base62(seed, 15);
    }
}
