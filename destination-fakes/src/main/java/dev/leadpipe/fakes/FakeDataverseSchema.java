package dev.leadpipe.fakes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

/**
 * The {@code lead} table's definition in {@link FakeDataverse}: which of leadpipe's columns
 * ({@code leadpipe_leadid}, {@code leadpipe_leadsource}) exist and its alternate keys with their
 * {@code EntityKeyIndexStatus}, served on the Web API's table-definition endpoints:
 * {@code GET|POST /api/data/v9.2/EntityDefinitions(LogicalName='lead')/Attributes} and {@code .../Keys}. A created
 * key is {@code Pending} for the first {@link #keyActivatesAfterPolls} reads of the keys, then {@code Active}.
 * Without the schema ({@link FakeDataverse#withoutLeadpipeSchema()}) an upsert by
 * {@code leads(leadpipe_leadid='...')} is refused as Dataverse refuses it: no active key → 400 {@code 0x8006088a}
 * "Bad Request - Error in query syntax." with {@code AlternateKeysODataUriResolver} in the inner stack trace; a
 * {@code leadpipe_} column the table lacks (checked only in that mode, so a stand-in with the schema accepts any
 * {@code leadpipe_} column a newer mapping sends) → 400 {@code 0x0} "... Invalid property 'leadpipe_leadsource' was found
 * in entity 'Microsoft.Dynamics.CRM.lead' ..." (Microsoft's "Troubleshoot Dataverse Web API client errors"). With
 * {@link #denyCustomization} a POST answers 403 {@code 0x80040220} "Principal user ... is missing prvCreateAttribute
 * privilege ..." ({@code prvCreateEntityKey} for a key), as for an application user without the System Customizer
 * role. Thread-safe.
 */
final class FakeDataverseSchema {
    static final String ENTITY_PATH = FakeDataverse.API + "EntityDefinitions(LogicalName='lead')";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> STANDARD_COLUMNS =
            List.of("leadid", "firstname", "lastname", "emailaddress1", "subject", "leadsourcecode", "description");

    private record Key(String logicalName, String schemaName, List<String> attributes, AtomicInteger pollsLeft) {
        String status() {
            return pollsLeft.get() > 0 ? "Pending" : "Active";
        }
    }

    private final Map<String, String> columns = new LinkedHashMap<>();
    private final List<Key> keys = new ArrayList<>();
    private int activateAfterPolls = 2;
    private boolean customizationDenied;
    /** Whether unknown {@code leadpipe_} columns in an upsert are refused (only once the schema was removed). */
    private boolean strictColumns;

    private final AtomicInteger creations = new AtomicInteger();

    FakeDataverseSchema() {
        STANDARD_COLUMNS.forEach(c -> columns.put(c, c));
        addLeadpipeSchema();
    }

    synchronized void addLeadpipeSchema() {
        columns.put("leadpipe_leadid", "leadpipe_LeadId");
        columns.put("leadpipe_leadsource", "leadpipe_LeadSource");
        keys.removeIf(k -> k.attributes().equals(List.of("leadpipe_leadid")));
        keys.add(new Key("leadpipe_leadidkey", "leadpipe_LeadIdKey", List.of("leadpipe_leadid"), new AtomicInteger()));
    }

    synchronized void removeLeadpipeSchema() {
        columns.remove("leadpipe_leadid");
        columns.remove("leadpipe_leadsource");
        keys.clear();
        strictColumns = true;
    }

    synchronized void keyActivatesAfterPolls(int polls) {
        this.activateAfterPolls = polls;
    }

    synchronized void denyCustomization(boolean denied) {
        this.customizationDenied = denied;
    }

    synchronized boolean hasColumn(String logicalName) {
        return columns.containsKey(logicalName);
    }

    /** The {@code EntityKeyIndexStatus} of the key on {@code column}, or null when there is none. */
    synchronized String keyStatus(String column) {
        for (Key k : keys) {
            if (k.attributes().equals(List.of(column))) {
                return k.status();
            }
        }
        return null;
    }

    /** Columns and keys created through the endpoints. */
    int creations() {
        return creations.get();
    }

    /**
     * The refusal of an upsert by {@code leads(leadpipe_leadid=...)} with {@code body}'s properties, as
     * {status, error JSON}, or null when the table accepts it.
     */
    synchronized String[] refuseUpsert(JsonNode body) {
        if (!"Active".equals(keyStatus("leadpipe_leadid"))) {
            return new String[] {
                "400",
                "{\"error\":{\"code\":\"0x8006088a\",\"message\":\"Bad Request - Error in query syntax.\","
                        + "\"innererror\":{\"message\":\"Bad Request - Error in query syntax.\","
                        + "\"type\":\"Microsoft.OData.ODataException\",\"stacktrace\":\"   at"
                        + " Microsoft.Crm.Extensibility.OData.AlternateKeysODataUriResolver.ResolveKeys("
                        + "IEdmEntityType type, IDictionary`2 namedValues, Func`3 convertFunc)\"}}}"
            };
        }
        if (body != null) {
            for (var it = body.fieldNames(); it.hasNext(); ) {
                String p = it.next();
                if (strictColumns && p.startsWith("leadpipe_") && !columns.containsKey(p)) {
                    String message = "An error occurred while validating input parameters: Microsoft.Crm.CrmException:"
                            + " Invalid property '" + p + "' was found in entity 'Microsoft.Dynamics.CRM.lead'. --->"
                            + " Microsoft.OData.ODataException: Does not support untyped value in non-open type.";
                    return new String[] {
                        "400", "{\"error\":{\"code\":\"0x0\",\"message\":" + FakeHttp.json(message) + "}}"
                    };
                }
            }
        }
        return null;
    }

    /** Answers a table-definition request (the caller is authorised); false when the path is not one. */
    boolean handle(HttpExchange exchange, String path, String method, String principalId) throws IOException {
        if (!path.startsWith(ENTITY_PATH)) {
            return false;
        }
        String rest = path.substring(ENTITY_PATH.length());
        if (!rest.equals("/Attributes") && !rest.equals("/Keys")) {
            error(exchange, 404, "0x8006088a", "Resource not found for the segment '" + rest.replace("/", "") + "'.");
            return true;
        }
        boolean attributes = rest.equals("/Attributes");
        if ("GET".equals(method)) {
            reply(exchange, 200, attributes ? attributesJson() : keysJson());
            return true;
        }
        if (!"POST".equals(method)) {
            error(exchange, 405, "0x80060888", "The HTTP method '" + method + "' is not allowed on this resource.");
            return true;
        }
        JsonNode body;
        try {
            body = JSON.readTree(FakeHttp.body(exchange));
        } catch (IOException e) {
            body = null;
        }
        synchronized (this) {
            if (customizationDenied) {
                String privilege = attributes ? "prvCreateAttribute" : "prvCreateEntityKey";
                error(
                        exchange,
                        403,
                        "0x80040220",
                        "Principal user (Id=" + principalId + ", type=8, roleCount=1, privilegeCount=412,"
                                + " accessMode=4), is missing " + privilege + " privilege (Id=" + uuid(privilege)
                                + ") on OTC=" + (attributes ? "9808" : "9810") + " for entity '"
                                + (attributes ? "attribute" : "entitykey") + "'. Consider assigning a role with the"
                                + " required access level to the user or team.");
                return true;
            }
            String schemaName = body == null ? "" : body.path("SchemaName").asText("");
            if (schemaName.isEmpty()) {
                error(exchange, 400, "0x80044331", "SchemaName is required.");
                return true;
            }
            String logical = schemaName.toLowerCase(Locale.ROOT);
            if (attributes) {
                if (!"Microsoft.Dynamics.CRM.StringAttributeMetadata"
                        .equals(body.path("@odata.type").asText())) {
                    error(exchange, 400, "0x80044331", "The attribute type is not supported here.");
                    return true;
                }
                if (columns.containsKey(logical)) {
                    error(
                            exchange,
                            400,
                            "0x80044363",
                            "An attribute with the specified name " + logical
                                    + " already exists. Specify a unique name.");
                    return true;
                }
                columns.put(logical, schemaName);
            } else {
                List<String> on = new ArrayList<>();
                body.path("KeyAttributes").forEach(a -> on.add(a.asText()));
                if (on.isEmpty() || !columns.keySet().containsAll(on)) {
                    error(exchange, 400, "0x80060892", "A key attribute does not exist on the entity.");
                    return true;
                }
                keys.add(new Key(logical, schemaName, on, new AtomicInteger(activateAfterPolls)));
            }
            creations.incrementAndGet();
        }
        exchange.getResponseHeaders().set("OData-Version", "4.0");
        exchange.getResponseHeaders()
                .set(
                        "OData-EntityId",
                        ENTITY_PATH + rest + "("
                                + uuid(rest + body.path("SchemaName").asText()) + ")");
        FakeHttp.send(exchange, 204, null, null);
        return true;
    }

    private synchronized String attributesJson() {
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode value = answer.putArray("value");
        columns.forEach((logical, schema) ->
                value.addObject().put("LogicalName", logical).put("MetadataId", uuid("attribute:" + logical)));
        return answer.toString();
    }

    private synchronized String keysJson() {
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode value = answer.putArray("value");
        for (Key k : keys) {
            ObjectNode key = value.addObject()
                    .put("LogicalName", k.logicalName())
                    .put("SchemaName", k.schemaName())
                    .put("EntityKeyIndexStatus", k.status())
                    .put("MetadataId", uuid("key:" + k.logicalName()));
            k.attributes().forEach(key.putArray("KeyAttributes")::add);
            k.pollsLeft().updateAndGet(n -> Math.max(0, n - 1));
        }
        return answer.toString();
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        exchange.getResponseHeaders().set("OData-Version", "4.0");
        FakeHttp.send(exchange, status, "application/json; odata.metadata=minimal", json);
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        reply(
                exchange,
                status,
                "{\"error\":{\"code\":" + FakeHttp.json(code) + ",\"message\":" + FakeHttp.json(message) + "}}");
    }

    private static String uuid(String seed) {
        return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
