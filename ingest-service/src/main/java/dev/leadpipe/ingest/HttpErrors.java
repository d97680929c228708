package dev.leadpipe.ingest;

import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.leadpipe.core.error.SafeErrors;
import dev.leadpipe.core.json.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.MethodNotAllowedResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes every 4xx and 5xx answer of the service a problem detail ({@code application/problem+json}): the service's
 * own {@link ProblemException}s, Javalin's built-in responses (404, 405, 413 from the request-size limit, async
 * time-outs) and unexpected exceptions (500, logged without their message, which might hold request data).
 */
final class HttpErrors {
    private static final Logger LOG = LoggerFactory.getLogger(HttpErrors.class);
    /** {@link dev.leadpipe.ops.OpsServer}'s readiness path, whose 503 answer is JSON by contract, not a problem. */
    static final String READINESS_PATH = "/health/ready";

    private HttpErrors() {}

    static void register(RoutesConfig routes, IngestConfig config) {
        routes.exception(ProblemException.class, (e, ctx) -> write(ctx, e.problem()));
        routes.exception(HttpResponseException.class, (e, ctx) -> write(ctx, fromHttp(e, config)));
        routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("unexpected failure answering {} {}: {}", ctx.method(), ctx.path(), SafeErrors.describe(e));
            write(
                    ctx,
                    Problem.of(
                            500,
                            "internal-error",
                            "Internal Server Error",
                            "the service failed unexpectedly; the request may be retried"));
        });
        // A status set without a problem body (by Javalin or Jetty, e.g. an async time-out) still answers with one.
        // The readiness endpoint's 503 is the ops contract's own JSON answer, left as it is.
        for (int status = 400; status < 600; status++) {
            routes.error(status, "*", ctx -> {
                if (!isProblem(ctx) && !READINESS_PATH.equals(ctx.path())) {
                    write(ctx, generic(ctx.statusCode(), null));
                }
            });
        }
    }

    /** Answers the request with the problem: status, its headers and the {@code application/problem+json} body. */
    static void write(Context ctx, Problem problem) {
        ctx.status(problem.status());
        problem.headers().forEach(ctx::header);
        try {
            ctx.contentType(Problem.CONTENT_TYPE).result(Json.MAPPER.writeValueAsBytes(problem.toJson(ctx.path())));
        } catch (JsonProcessingException e) {
            ctx.contentType(Problem.CONTENT_TYPE).result("{\"status\":" + problem.status() + "}");
        }
    }

    static boolean isProblem(Context ctx) {
        String type = ctx.res().getContentType();
        return type != null && type.toLowerCase(Locale.ROOT).startsWith(Problem.CONTENT_TYPE);
    }

    static Problem fromHttp(HttpResponseException e, IngestConfig config) {
        int status = e.getStatus();
        if (status == 413) {
            return Bodies.tooLarge(config.maxBodyBytes());
        }
        if (status == 404) {
            return Problem.of(404, "not-found", "Not Found", "no resource at this path");
        }
        if (status == 405) {
            Problem p = Problem.of(
                    405, "method-not-allowed", "Method Not Allowed", "this path does not support the request's method");
            if (e instanceof MethodNotAllowedResponse) {
                Object methods = e.getDetails().get("availableMethods");
                if (methods != null) {
                    p = p.withHeader("Allow", methods.toString());
                }
            }
            return p;
        }
        return generic(status, null);
    }

    static Problem generic(int status, String detail) {
        HttpStatus known = HttpStatus.forStatus(status);
        String title =
                known == HttpStatus.UNKNOWN ? (status >= 500 ? "Server Error" : "Client Error") : known.getMessage();
        String slug =
                title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        Problem p = Problem.of(status, slug, title, detail);
        if (status == 503) {
            p = p.withHeader("Retry-After", KafkaWriter.RETRY_AFTER_SECONDS);
        }
        return p;
    }
}
