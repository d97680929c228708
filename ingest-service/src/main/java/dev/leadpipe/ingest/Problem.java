package dev.leadpipe.ingest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.core.lead.FieldError;

/**
 * An RFC 9457 problem detail as this service answers it ({@code application/problem+json}):
 * {@code type} is {@value #TYPE_BASE}{@code <slug>}, {@code errors} names every bad field (a JSON pointer, or
 * {@code header:<name>} / {@code path:<name>} for a header or path parameter) and {@code extensions} adds members
 * such as a batch's per-item results. No text of a problem ever repeats a request's field values.
 *
 * @param headers response headers that go with the problem, such as {@code Retry-After}
 */
record Problem(
        int status,
        String slug,
        String title,
        String detail,
        List<FieldError> errors,
        Map<String, JsonNode> extensions,
        Map<String, String> headers) {

    public static final String TYPE_BASE = "https://leadpipe.dev/problems/";
    public static final String CONTENT_TYPE = "application/problem+json";

    public Problem {
        errors = errors == null ? List.of() : List.copyOf(errors);
        extensions = extensions == null ? Map.of() : Map.copyOf(extensions);
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem(status, slug, title, detail, List.of(), Map.of(), Map.of());
    }

    public static Problem of(int status, String slug, String title, String detail, List<FieldError> errors) {
        return new Problem(status, slug, title, detail, errors, Map.of(), Map.of());
    }

    public Problem withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new Problem(status, slug, title, detail, errors, extensions, h);
    }

    public Problem withExtension(String name, JsonNode value) {
        Map<String, JsonNode> e = new LinkedHashMap<>(extensions);
        e.put(name, value);
        return new Problem(status, slug, title, detail, errors, e, headers);
    }

    public String type() {
        return TYPE_BASE + slug;
    }

    /** The problem's JSON body; {@code instance} is the request path. */
    public ObjectNode toJson(String instance) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("type", type());
        body.put("title", title);
        body.put("status", status);
        if (detail != null) {
            body.put("detail", detail);
        }
        if (instance != null) {
            body.put("instance", instance);
        }
        if (!errors.isEmpty()) {
            body.set("errors", errorsJson(errors));
        }
        extensions.forEach(body::set);
        return body;
    }

    static ArrayNode errorsJson(List<FieldError> errors) {
        ArrayNode list = Json.MAPPER.createArrayNode();
        for (FieldError e : errors) {
            list.addObject().put("pointer", e.pointer()).put("detail", e.detail());
        }
        return list;
    }
}
