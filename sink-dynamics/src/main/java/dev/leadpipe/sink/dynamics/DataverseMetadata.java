package dev.leadpipe.sink.dynamics;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.sink.runtime.CappedBody;
import dev.leadpipe.sink.runtime.HttpSupport;

/**
 * The Dataverse Web API's table-definition endpoints for the {@code lead} table, as one signed-in caller uses them
 * ("Query table definitions using the Web API", "Create and update column definitions", "Define alternate keys using
 * the Web API"): read its columns ({@code GET EntityDefinitions(LogicalName='lead')/Attributes}) and alternate keys
 * ({@code .../Keys}, with {@code EntityKeyIndexStatus}), create a text column ({@code POST .../Attributes} with a
 * {@code StringAttributeMetadata}) and an alternate key ({@code POST .../Keys} with an {@code EntityKeyMetadata}).
 * Every call gives up after the timeout; an answer other than 2xx is a {@link MetadataException} carrying Dataverse's
 * status, error code and message. Never logs or returns the token.
 */
final class DataverseMetadata {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LANGUAGE_CODE = 1033;

    private final HttpClient http;
    private final Duration timeout;
    private final String base;
    private final String token;

    /** An alternate key of the lead table as Dataverse describes it. */
    record Key(String logicalName, List<String> attributes, String indexStatus) {}

    /** A refused or failed metadata call. */
    static final class MetadataException extends Exception {
        private final int status;
        private final String code;
        private final String dataverseMessage;

        MetadataException(int status, String code, String dataverseMessage) {
            super("HTTP " + status + (code == null ? "" : " " + code) + ": " + dataverseMessage, null, false, false);
            this.status = status;
            this.code = code;
            this.dataverseMessage = dataverseMessage;
        }

        int status() {
            return status;
        }

        /** DYNAMICS_NO_ROLES_ASSIGNED or DYNAMICS_MISSING_LEAD_WRITER_ROLE for a privilege answer, else null. */
        ErrorClass privilegeClass() {
            return status >= 400 && status < 500 ? DataversePrivilegeErrors.classify(code, dataverseMessage) : null;
        }

        /** The privilege Dataverse names as missing, or null. */
        String missingPrivilege() {
            return DataversePrivilegeErrors.privilegeNamed(dataverseMessage);
        }
    }

    DataverseMetadata(HttpClient http, Duration timeout, URI instance, String token) {
        this.http = http;
        this.timeout = timeout;
        this.base = HttpSupport.stripTrailingSlashes(instance.toString()) + DynamicsDestinationClient.API_PATH
                + "EntityDefinitions(LogicalName='" + DataverseSchema.ENTITY + "')";
        this.token = token;
    }

    /** The logical names, among {@code wanted}, that the lead table has as columns. */
    List<String> columns(List<String> wanted) throws MetadataException {
        StringBuilder filter = new StringBuilder();
        for (String w : wanted) {
            filter.append(filter.isEmpty() ? "" : " or ")
                    .append("LogicalName eq '")
                    .append(w)
                    .append("'");
        }
        JsonNode answer = get("/Attributes?$select=LogicalName&$filter=" + encode(filter.toString()));
        List<String> found = new ArrayList<>();
        answer.path("value").forEach(a -> {
            String name = a.path("LogicalName").asText("");
            if (wanted.contains(name)) {
                found.add(name);
            }
        });
        return found;
    }

    /** The lead table's alternate keys. */
    List<Key> keys() throws MetadataException {
        JsonNode answer = get("/Keys?$select=LogicalName,SchemaName,KeyAttributes,EntityKeyIndexStatus");
        List<Key> keys = new ArrayList<>();
        answer.path("value").forEach(k -> {
            List<String> attributes = new ArrayList<>();
            k.path("KeyAttributes").forEach(a -> attributes.add(a.asText()));
            keys.add(new Key(
                    k.path("LogicalName").asText(""),
                    attributes,
                    k.path("EntityKeyIndexStatus").asText("")));
        });
        return keys;
    }

    /** Creates a single line of text column (not required, searchable as Dataverse defaults). */
    void createTextColumn(String schemaName, int maxLength, String label, String description) throws MetadataException {
        ObjectNode column = JSON.createObjectNode()
                .put("@odata.type", "Microsoft.Dynamics.CRM.StringAttributeMetadata")
                .put("SchemaName", schemaName)
                .put("AttributeType", "String")
                .put("MaxLength", maxLength);
        column.putObject("AttributeTypeName").put("Value", "StringType");
        column.putObject("FormatName").put("Value", "Text");
        column.putObject("RequiredLevel")
                .put("Value", "None")
                .put("CanBeChanged", true)
                .put("ManagedPropertyLogicalName", "canmodifyrequirementlevelsettings");
        column.set("DisplayName", label(label));
        column.set("Description", label(description));
        post("/Attributes", column);
    }

    /** Creates an alternate key over {@code attributes}; Dataverse then builds its index (Pending → Active). */
    void createKey(String schemaName, String label, List<String> attributes) throws MetadataException {
        ObjectNode key = JSON.createObjectNode().put("SchemaName", schemaName);
        key.set("DisplayName", label(label));
        ArrayNode keyAttributes = key.putArray("KeyAttributes");
        attributes.forEach(keyAttributes::add);
        post("/Keys", key);
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static ObjectNode label(String text) {
        ObjectNode label = JSON.createObjectNode();
        label.putArray("LocalizedLabels")
                .addObject()
                .put("@odata.type", "Microsoft.Dynamics.CRM.LocalizedLabel")
                .put("Label", text)
                .put("LanguageCode", LANGUAGE_CODE);
        return label;
    }

    private JsonNode get(String path) throws MetadataException {
        HttpResponse<String> r = exchange(request(path).GET().build());
        try {
            return JSON.readTree(r.body() == null || r.body().isBlank() ? "{}" : r.body());
        } catch (Exception e) {
            throw new MetadataException(r.statusCode(), null, "the answer is not JSON");
        }
    }

    private void post(String path, JsonNode body) throws MetadataException {
        exchange(request(path)
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
                .build());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path))
                .timeout(timeout)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json")
                .header("OData-MaxVersion", "4.0")
                .header("OData-Version", "4.0");
    }

    private HttpResponse<String> exchange(HttpRequest request) throws MetadataException {
        HttpResponse<String> r;
        try {
            r = http.send(request, CappedBody.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MetadataException(0, null, "interrupted");
        } catch (Exception e) {
            throw new MetadataException(
                    0,
                    null,
                    HttpSupport.isTimeout(e)
                            ? "Dataverse did not answer within " + timeout.toSeconds() + " s"
                            : "no answer (" + e.getClass().getSimpleName() + ")");
        }
        if (r.statusCode() >= 200 && r.statusCode() < 300) {
            return r;
        }
        String code = null;
        String message = null;
        try {
            JsonNode error = JSON.readTree(r.body()).path("error");
            code = error.path("code").asText(null);
            message = error.path("message").asText(null);
        } catch (Exception notJson) {
            // kept as the status alone
        }
        throw new MetadataException(r.statusCode(), code, message == null ? "(no Dataverse error message)" : message);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
