package dev.leadpipe.fakes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A local stand-in for a publisher's HTTPS receiver, such as a Power Automate flow's "When an HTTP request is
 * received" trigger, on 127.0.0.1 and a free port (plain http: the sink allows http for loopback hosts only).
 *
 * <p>{@link #url(String)} gives a URL shaped like a flow's: {@code <base><path>?api-version=2016-06-01&sp=...&sv=1.0
 * &sig=<this receiver's random signature>}. A request whose {@code sig} query value is not this receiver's answers
 * 401 (as the flow does), counted by {@link #rejectedUrlSignatures()}.
 *
 * <p>When started with a signing secret, every request's {@code X-Leadpipe-Signature}
 * ({@code t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>}) is verified with this class's own
 * javax.crypto code, independently of the sink's: missing, malformed, wrong, or timestamped more than 5 minutes from
 * now answers 401, counted by {@link #rejectedSignatures()}. Then the programmed answer of the request's path
 * ({@link #answer}, {@link #answerFirst}, {@link #delay}) applies; a path without one answers {@code 202 Accepted}
 * with no body (what a flow's HTTP trigger answers) and keeps the delivery. Accepted deliveries are kept per
 * {@code Idempotency-Key} (else {@code X-Leadpipe-Lead-Id}): the parsed JSON body, how many times it came, and
 * whether its signature was verified ({@link #delivery}). Every request's arrival is recorded per path
 * ({@link #arrivals}), and when a lead already accepted is accepted again ({@link #repeats}). Thread-safe.
 */
public final class FakeHttpsReceiver implements AutoCloseable {
    public static final String SIGNATURE_HEADER = "X-Leadpipe-Signature";
    public static final String LEAD_ID_HEADER = "X-Leadpipe-Lead-Id";
    public static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
    public static final Duration TOLERANCE = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One accepted lead: its body as received last, how many accepted requests carried it, whether every one of them
     * had a verified signature, and the last request's headers (case-insensitive keys).
     */
    public record Delivery(
            String leadId, JsonNode body, int count, boolean signatureVerified, Map<String, String> headers) {}

    /** A lead accepted before at {@code previousAt} (its latest acceptance), accepted again at {@code at}. */
    public record Repeat(String leadId, Instant previousAt, Instant at) {}

    /** A programmed answer: status, {@code Retry-After} seconds (or -1), {@code Location} (or null), delay. */
    private record Answer(int status, int retryAfterSeconds, String location, Duration delay, String body) {}

    private final String signingSecret;
    private final String urlSignature = "fakeSig" + UUID.randomUUID().toString().replace("-", "");
    private final HttpServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> failFirst = new ConcurrentHashMap<>();
    private final Map<String, Delivery> deliveries = new ConcurrentHashMap<>();
    private final Map<String, Queue<Instant>> arrivals = new ConcurrentHashMap<>();
    private final List<Repeat> repeats = new CopyOnWriteArrayList<>();
    private final Map<String, Instant> lastAccepted = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger verified = new AtomicInteger();
    private final AtomicInteger rejectedSignatures = new AtomicInteger();
    private final AtomicInteger rejectedUrlSignatures = new AtomicInteger();

    private FakeHttpsReceiver(String signingSecret) {
        this.signingSecret = signingSecret == null || signingSecret.isEmpty() ? null : signingSecret;
        this.server = FakeHttp.start(this::handle);
    }

    /** Starts a receiver; with a non-null {@code signingSecret} every request must be signed with it. */
    public static FakeHttpsReceiver start(String signingSecret) {
        return new FakeHttpsReceiver(signingSecret);
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A flow-like URL of {@code path}, with this receiver's {@code sig} in its query. */
    public String url(String path) {
        return baseUrl() + path + "?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=" + urlSignature;
    }

    /** The {@code sig} query value of {@link #url} (for canary checks). */
    public String urlSignature() {
        return urlSignature;
    }

    /** Every request to {@code path} answers {@code status} (a 3xx with a {@code Location} elsewhere). */
    public FakeHttpsReceiver answer(String path, int status) {
        return answer(path, status, -1);
    }

    /** Every request to {@code path} answers {@code status} with {@code Retry-After: retryAfterSeconds} (when >= 0). */
    public FakeHttpsReceiver answer(String path, int status, int retryAfterSeconds) {
        String location = status >= 300 && status < 400 ? "https://elsewhere.example/moved" + path : null;
        answers.put(path, new Answer(status, retryAfterSeconds, location, Duration.ZERO, null));
        return this;
    }

    /** Every request to {@code path} answers {@code status} with this body (e.g. an error naming a field). */
    public FakeHttpsReceiver answerBody(String path, int status, String body) {
        answers.put(path, new Answer(status, -1, null, Duration.ZERO, body));
        return this;
    }

    /** Requests to {@code path} that pass are kept and answered {@code status} with {@code Location: <base>/records/<id>}. */
    public FakeHttpsReceiver answerWithLocation(String path, int status) {
        answers.put(path, new Answer(status, -1, "", Duration.ZERO, null));
        return this;
    }

    /** Requests to {@code path} wait {@code delay}, then are accepted (202). */
    public FakeHttpsReceiver answer(String path, Duration delay) {
        answers.put(path, new Answer(202, -1, null, delay, null));
        return this;
    }

    /** The first {@code times} requests to {@code path} answer {@code status}; later ones its other answer (202). */
    public FakeHttpsReceiver answerFirst(String path, int times, int status) {
        failFirst.put(path, new AtomicInteger(times));
        answers.putIfAbsent(path + "#first", new Answer(status, -1, null, Duration.ZERO, null));
        return this;
    }

    public Delivery delivery(String leadId) {
        return deliveries.get(leadId);
    }

    public Map<String, Delivery> deliveries() {
        return Map.copyOf(deliveries);
    }

    /** Distinct leads accepted. */
    public int deliveredCount() {
        return deliveries.size();
    }

    /** Requests accepted (duplicates included). */
    public int acceptedRequests() {
        return accepted.get();
    }

    /** Accepted requests whose signature was verified. */
    public int verifiedRequests() {
        return verified.get();
    }

    public int requests() {
        return requests.get();
    }

    /** Arrival times of the requests to {@code path}. */
    public List<Instant> arrivals(String path) {
        Queue<Instant> times = arrivals.get(path);
        return times == null ? List.of() : List.copyOf(times);
    }

    /** When a lead already accepted was accepted again (a re-send), in arrival order. */
    public List<Repeat> repeats() {
        return List.copyOf(repeats);
    }

    /** Requests answered 401 for a missing, malformed, wrong or stale {@code X-Leadpipe-Signature}. */
    public int rejectedSignatures() {
        return rejectedSignatures.get();
    }

    /** Requests answered 401 for a wrong or missing {@code sig} query value. */
    public int rejectedUrlSignatures() {
        return rejectedUrlSignatures.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ---------------------------------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        String path = exchange.getRequestURI().getPath();
        arrivals.computeIfAbsent(path, p -> new ConcurrentLinkedQueue<>()).add(Instant.now());
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null || !List.of(query.split("&")).contains("sig=" + urlSignature)) {
            rejectedUrlSignatures.incrementAndGet();
            FakeHttp.send(
                    exchange,
                    401,
                    "application/json",
                    "{\"error\":{\"code\":\"DirectApiAuthorizationRequired\","
                            + "\"message\":\"The request must be authenticated only by Shared Access scheme.\"}}");
            return;
        }
        if (!"POST".equals(exchange.getRequestMethod())) {
            FakeHttp.send(exchange, 405, "application/json", "{\"error\":{\"code\":\"MethodNotAllowed\"}}");
            return;
        }
        boolean signatureVerified = false;
        if (signingSecret != null) {
            if (!verify(exchange.getRequestHeaders().getFirst(SIGNATURE_HEADER), body)) {
                rejectedSignatures.incrementAndGet();
                FakeHttp.send(
                        exchange,
                        401,
                        "application/json",
                        "{\"error\":{\"code\":\"InvalidSignature\","
                                + "\"message\":\"The X-Leadpipe-Signature header is missing, malformed, stale or wrong.\"}}");
                return;
            }
            signatureVerified = true;
        }
        AtomicInteger first = failFirst.get(path);
        if (first != null && first.getAndDecrement() > 0) {
            Answer a = answers.get(path + "#first");
            FakeHttp.send(
                    exchange,
                    a.status(),
                    "application/json",
                    "{\"error\":{\"code\":\"Transient\",\"message\":\"try again\"}}");
            return;
        }
        Answer answer = answers.get(path);
        if (answer != null && !answer.delay().isZero()) {
            try {
                Thread.sleep(answer.delay().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (answer != null && (answer.status() < 200 || answer.status() >= 300)) {
            if (answer.retryAfterSeconds() >= 0) {
                exchange.getResponseHeaders().set("Retry-After", Integer.toString(answer.retryAfterSeconds()));
            }
            if (answer.location() != null) {
                exchange.getResponseHeaders().set("Location", answer.location());
            }
            FakeHttp.send(
                    exchange,
                    answer.status(),
                    "application/json",
                    answer.body() != null
                            ? answer.body()
                            : "{\"error\":{\"code\":\"Status" + answer.status() + "\",\"message\":\"programmed answer "
                                    + answer.status() + "\"}}");
            return;
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            FakeHttp.send(
                    exchange,
                    400,
                    "application/json",
                    "{\"error\":{\"code\":\"InvalidRequestContent\",\"message\":\"The body is not JSON.\"}}");
            return;
        }
        String key = exchange.getRequestHeaders().getFirst(IDEMPOTENCY_KEY_HEADER);
        if (key == null) {
            key = exchange.getRequestHeaders().getFirst(LEAD_ID_HEADER);
        }
        if (key == null || json == null || !json.isObject()) {
            FakeHttp.send(
                    exchange,
                    400,
                    "application/json",
                    "{\"error\":{\"code\":\"InvalidRequestContent\",\"message\":\"no lead id or not a JSON object\"}}");
            return;
        }
        Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, String.join(",", v)));
        boolean verifiedNow = signatureVerified;
        String leadId = key;
        Map<String, String> kept = java.util.Collections.unmodifiableMap(headers);
        Delivery merged = deliveries.merge(
                leadId,
                new Delivery(leadId, json, 1, verifiedNow, kept),
                (old, now) -> new Delivery(
                        leadId, json, old.count() + 1, old.signatureVerified() && verifiedNow, now.headers()));
        Instant now = Instant.now();
        Instant acceptedBefore = lastAccepted.put(leadId, now);
        if (merged.count() > 1) {
            repeats.add(new Repeat(leadId, acceptedBefore == null ? now : acceptedBefore, now));
        }
        accepted.incrementAndGet();
        if (verifiedNow) {
            verified.incrementAndGet();
        }
        int status = answer == null ? 202 : answer.status();
        if (answer != null && answer.location() != null) {
            exchange.getResponseHeaders().set("Location", baseUrl() + "/records/" + recordId(leadId));
        }
        FakeHttp.send(exchange, status, null, null);
    }

    /** The record id a {@link #answerWithLocation} path gives a lead (stable per leadId). */
    public static String recordId(String leadId) {
        return UUID.nameUUIDFromBytes(leadId.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Verifies {@code t=..,v1=..} against the body with this receiver's own HMAC code. */
    private boolean verify(String header, byte[] body) {
        if (header == null || header.isBlank()) {
            return false;
        }
        String t = null;
        String v1 = null;
        for (String part : header.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length != 2) {
                return false;
            }
            if (kv[0].equals("t")) {
                t = kv[1];
            } else if (kv[0].equals("v1")) {
                v1 = kv[1];
            }
        }
        if (t == null || v1 == null || !t.matches("\\d{1,12}")) {
            return false;
        }
        long seconds = Long.parseLong(t);
        if (Math.abs(Instant.now().getEpochSecond() - seconds) > TOLERANCE.toSeconds()) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
            byte[] expected = HexFormat.of().formatHex(mac.doFinal(body)).getBytes(StandardCharsets.US_ASCII);
            return MessageDigest.isEqual(expected, v1.getBytes(StandardCharsets.US_ASCII));
        } catch (Exception e) {
            return false;
        }
    }
}
