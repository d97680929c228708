package dev.leadpipe.sink.table;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import reactor.core.publisher.Mono;

/**
 * The Table client's real HTTP client, counting the requests that go on the wire and keeping, for each, its method,
 * path and the PartitionKeys its body names (a batch transaction's body holds every entity it writes).
 */
final class CountingHttpClient implements HttpClient {
    private static final Pattern PARTITION_KEY = Pattern.compile("\"PartitionKey\"\\s*:\\s*\"([^\"]*)\"");

    /** One request sent: {@code POST /devstoreaccount1/$batch}, and the PartitionKeys in its body. */
    record Sent(String method, String path, Set<String> partitionKeys) {
        boolean isBatch() {
            return path.endsWith("$batch");
        }
    }

    private final HttpClient http;
    private final List<Sent> sent = new CopyOnWriteArrayList<>();

    CountingHttpClient(HttpClient http) {
        this.http = http;
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request) {
        record(request);
        return http.send(request);
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request, Context context) {
        record(request);
        return http.send(request, context);
    }

    @Override
    public HttpResponse sendSync(HttpRequest request, Context context) {
        record(request);
        return http.sendSync(request, context);
    }

    List<Sent> sent() {
        return List.copyOf(sent);
    }

    /** Requests that wrote entities: single upserts and batch transactions (not the table's creation). */
    List<Sent> writes() {
        return sent.stream().filter(s -> !s.path().endsWith("/Tables")).toList();
    }

    void reset() {
        sent.clear();
    }

    private void record(HttpRequest request) {
        Set<String> keys = new TreeSet<>();
        BinaryData body = request.getBodyAsBinaryData();
        if (body != null) {
            byte[] bytes = body.toBytes();
            request.setBody(bytes); // replayable for the real client
            Matcher m = PARTITION_KEY.matcher(new String(bytes, StandardCharsets.UTF_8));
            while (m.find()) {
                keys.add(m.group(1));
            }
        }
        sent.add(new Sent(request.getHttpMethod().name(), request.getUrl().getPath(), keys));
    }
}
