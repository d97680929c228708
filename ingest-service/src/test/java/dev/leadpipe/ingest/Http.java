package dev.leadpipe.ingest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.json.Json;

/**
 * A small HTTP client for the tests: sends to one service, with {@code Authorization: Bearer <key>} when made with a
 * key ({@code TestKeys}), and reads answers as text and JSON.
 */
final class Http {
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final String key;

    /** Without a credential. */
    Http(int port) {
        this(port, null);
    }

    /** Sending {@code key} on every request. */
    Http(int port, String key) {
        this.base = "http://127.0.0.1:" + port;
        this.key = key;
    }

    /** An answer: status, Content-Type, body text, and the body as JSON. */
    record Answer(int status, String contentType, String body, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("the body is not JSON: " + body, e);
            }
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return b;
    }

    Answer post(String path, String contentType, String body, String... headers) {
        HttpRequest.Builder b = request(path).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b.build());
    }

    Answer postJson(String path, String body, String... headers) {
        return post(path, "application/json", body, headers);
    }

    Answer put(String path, String body) {
        return send(request(path)
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .build());
    }

    Answer get(String path) {
        return send(request(path).GET().build());
    }

    Answer delete(String path) {
        return send(request(path).DELETE().build());
    }

    Answer send(HttpRequest request) {
        try {
            return answer(CLIENT.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new AssertionError("request failed: " + request, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    CompletableFuture<Answer> sendAsync(HttpRequest request) {
        return CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(Http::answer);
    }

    private static Answer answer(HttpResponse<String> r) {
        return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), r.body(), r);
    }
}
