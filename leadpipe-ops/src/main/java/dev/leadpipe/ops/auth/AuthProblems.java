package dev.leadpipe.ops.auth;

import dev.leadpipe.ops.ProblemJson;
import io.javalin.http.Context;

/**
 * The 401 and 403 answers of {@link RouteTable}: {@link ProblemJson} problems, like the services' other problems.
 * They never repeat the credential.
 */
public final class AuthProblems {
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
        ProblemJson.send(ctx, ProblemJson.of(ctx, status, slug, title, detail));
    }
}
