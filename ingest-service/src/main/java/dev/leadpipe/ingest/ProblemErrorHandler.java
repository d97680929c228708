package dev.leadpipe.ingest;

import java.io.IOException;
import java.nio.ByteBuffer;

import dev.leadpipe.core.json.Json;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers (requests that never reach Javalin: an unparsable request line or URI, headers too
 * large) as problem details instead of Jetty's HTML page. Jetty's message is not repeated.
 */
final class ProblemErrorHandler extends ErrorHandler {

    @Override
    protected void generateResponse(
            Request request, Response response, int code, String message, Throwable cause, Callback callback)
            throws IOException {
        Problem problem = HttpErrors.generic(code, detail(code));
        byte[] body = Json.MAPPER.writeValueAsBytes(problem.toJson(null));
        problem.headers().forEach((name, value) -> response.getHeaders().put(name, value));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.CONTENT_TYPE);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    private static String detail(int code) {
        return switch (code) {
            case 400 -> "the request is not valid HTTP";
            case 431 -> "the request's headers are too large";
            case 414 -> "the request's URI is too long";
            default -> null;
        };
    }
}
