package dev.leadpipe.bench.stages;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Requests to ingest's lead endpoints with its API key, over one keep-alive HTTP/1.1 client: a single lead
 * ({@code POST /v1/leads}) or an NDJSON batch ({@code POST /v1/leads/batch}). Thread-safe.
 */
final class IngestRequests {
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String baseUrl;
    private final String apiKey;

    IngestRequests(String baseUrl, String apiKey) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
    }

    /** {@code POST /v1/leads} of one lead's JSON. */
    HttpRequest single(String json, Duration timeout) {
        return post("/v1/leads", "application/json", json, timeout);
    }

    /** {@code POST /v1/leads/batch} of NDJSON, one lead a line. */
    HttpRequest batch(String ndjson, Duration timeout) {
        return post("/v1/leads/batch", "application/x-ndjson", ndjson, timeout);
    }

    /** Sends {@code request} and returns its answer, body as text. */
    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest post(String path, String contentType, String body, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", contentType)
                .header("Authorization", "Bearer " + apiKey)
                .timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }
}
