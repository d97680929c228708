package dev.leadpipe.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadpipe.core.json.Json;
import io.javalin.http.Context;

/**
 * RFC 9457 problem answers as the services write them: {@value #CONTENT_TYPE} with {@code type}
 * {@value #TYPE_BASE}{@code <slug>}, {@code title}, {@code status}, {@code detail} and {@code instance} (the request
 * path), to which a caller may add members (such as {@code offerId}) before sending.
 */
public final class ProblemJson {
    public static final String CONTENT_TYPE = "application/problem+json";
    public static final String TYPE_BASE = "https://leadpipe.dev/problems/";

    private ProblemJson() {}

    /** A problem about the request at {@code ctx}. */
    public static ObjectNode of(Context ctx, int status, String slug, String title, String detail) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("type", TYPE_BASE + slug);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        body.put("instance", ctx.path());
        return body;
    }

    /** Answers with {@code problem}, its {@code status} member as the HTTP status. */
    public static void send(Context ctx, ObjectNode problem) {
        int status = problem.path("status").asInt(500);
        try {
            ctx.status(status).contentType(CONTENT_TYPE).result(Json.MAPPER.writeValueAsBytes(problem));
        } catch (JsonProcessingException e) {
            ctx.status(status).contentType(CONTENT_TYPE).result("{\"status\":" + status + "}");
        }
    }
}
