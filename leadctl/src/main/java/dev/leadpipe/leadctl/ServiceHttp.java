package dev.leadpipe.leadctl;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.json.Json;

/**
 * One JSON exchange between leadctl and a leadpipe HTTP service (the ingest API, the status service). Every way it
 * can fail before an answer is one line and an exit code: a base URL that is not http(s) is exit 2; a service that
 * refuses the connection, cannot be reached or does not answer within the timeout is exit 3, like an unreachable
 * Kafka; Ctrl-C is exit 130. An answer whose body is not JSON is exit 1 (the URL names some other server). What the
 * answer means is the caller's to decide, except a refused credential: a 401 or 403 answer is exit 1 with one line
 * saying whether a credential is missing, not valid, or not allowed (never the credential itself).
 *
 * @param service   what the service is called in messages ("ingest service", "status service")
 * @param url       its base URL, without a trailing slash
 * @param urlOption the option that sets the URL, named in the hint when it cannot be reached
 * @param token     the credential sent as {@code Authorization: Bearer}, or null ({@link Leadctl#token()})
 */
record ServiceHttp(String service, String url, String urlOption, String token) {
    /** Without a credential. */
    ServiceHttp(String service, String url, String urlOption) {
        this(service, url, urlOption, null);
    }

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The answer: its status and its JSON body, null when the body was empty. */
    record Answer(int status, JsonNode json) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /** The URL without surrounding blanks and trailing slashes. */
    static String baseUrl(String url) {
        String u = url.trim();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
    }

    /** Sends {@code method path} with an optional JSON body and reads the answer. */
    Answer exchange(String method, String path, String jsonBody, Duration timeout) {
        URI uri;
        try {
            uri = URI.create(url + path);
            if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw new LeadctlException(
                    ExitCodes.USAGE, "the " + service + " URL is not an http(s) URL (" + urlOption + "): " + url);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Accept", "application/json")
                .method(
                        method,
                        jsonBody == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8));
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r;
        try {
            r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new LeadctlException(
                    ExitCodes.KAFKA_UNREACHABLE,
                    "the " + service + " at " + url + " did not answer within " + timeout.toSeconds() + " s");
        } catch (ConnectException e) {
            throw new LeadctlException(
                    ExitCodes.KAFKA_UNREACHABLE,
                    "cannot reach the " + service + " at " + url + " (start it, e.g. bin/run-local, or pass "
                            + urlOption + ")");
        } catch (IOException e) {
            throw new LeadctlException(
                    ExitCodes.KAFKA_UNREACHABLE,
                    "cannot reach the " + service + " at " + url + ": "
                            + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LeadctlException(ExitCodes.INTERRUPTED, "interrupted");
        }
        if (r.statusCode() == 401) {
            throw new LeadctlException(
                    ExitCodes.FAILURE,
                    token == null
                            ? "the " + service + " at " + url + " needs a credential: set " + Leadctl.TOKEN_ENV
                                    + ", pass --token-file, or write it to ./" + Leadctl.TOKEN_FILE
                                    + " (bin/run-local does)"
                            : "the " + service + " at " + url
                                    + " refused the credential: it is not valid (unknown, revoked or expired)");
        }
        if (r.statusCode() == 403) {
            throw new LeadctlException(
                    ExitCodes.FAILURE,
                    "the " + service + " at " + url + " refused the request: the credential's roles or publishers do"
                            + " not allow it");
        }
        if (r.body().isBlank()) {
            return new Answer(r.statusCode(), null);
        }
        try {
            return new Answer(r.statusCode(), Json.MAPPER.readTree(r.body()));
        } catch (IOException e) {
            throw new LeadctlException(
                    ExitCodes.FAILURE,
                    "the " + service + " at " + url + " answered HTTP " + r.statusCode() + " without JSON: is it the "
                            + service + "?");
        }
    }
}
