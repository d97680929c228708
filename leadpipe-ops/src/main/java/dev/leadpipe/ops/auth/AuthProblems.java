package dev.leadpipe.ops.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadpipe.core.json.Json;
import io.javalin.http.Context;

/**
 * The 401 and 403 answers of {@link RouteTable}: RFC 9457 problems ({@value #CONTENT_TYPE}) in the shape of the
 * services' other problems: {@code type} {@value #TYPE_BASE}{@code <slug>}, {@code title}, {@code status},
 * {@code detail}, {@code instance} (the path). They never repeat the credential.
 */
public final class AuthProblems {
    public static final String CONTENT_TYPE = "application/problem+json";
    public static final String TYPE_BASE = "https://leadpipe.dev/problems/";
    /** The challenge every 401 carries. */
    public static final String CHALLENGE = "Bearer realm=\"leadpipe\"";

    private AuthProblems() {}

    static void unauthorized(Context ctx, String slug, String detail) {
        ctx.header("WWW-Authenticate", CHALLENGE);
        write(ctx, 401, slug, "Unauthorized", detail);
    }

    /** Answers 403 with this problem: for handlers that check a publisher found in the body. */
    public static void forbidden(Context ctx, String slug, String detail) {
        write(ctx, 403, slug, "Forbidden", detail);
    }

    private static void write(Context ctx, int status, String slug, String title, String detail) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("type", TYPE_BASE + slug);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        body.put("instance", ctx.path());
        try {
            ctx.status(status).contentType(CONTENT_TYPE).result(Json.MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            ctx.status(status).contentType(CONTENT_TYPE).result("{\"status\":" + status + "}");
        }
    }
}
