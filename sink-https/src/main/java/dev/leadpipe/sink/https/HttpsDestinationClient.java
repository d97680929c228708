package dev.leadpipe.sink.https;

import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.leadpipe.core.destination.DestinationSpec;
import dev.leadpipe.core.destination.DestinationSpecs;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.DestinationUrls;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.destination.types.HttpsSpec;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.LeadJson;
import dev.leadpipe.sink.runtime.DeliveryException;
import dev.leadpipe.sink.runtime.DeliveryFailure;
import dev.leadpipe.sink.runtime.HttpDestinationClient;
import dev.leadpipe.sink.runtime.HttpSupport;
import dev.leadpipe.sink.runtime.LeadFields;

import static dev.leadpipe.core.destination.types.HttpsSpec.SIGNING_SECRET;
import static dev.leadpipe.core.destination.types.HttpsSpec.URL;

/**
 * Delivers a lead to a publisher's HTTPS endpoint (often a Power Automate flow's HTTP trigger): one
 * {@code POST <url>} of the lead in the marketplace's own JSON shape ({@link LeadJson#writeMarketplaceShape}), with
 * <ul>
 * <li>{@code Content-Type: application/json} (UTF-8);</li>
 * <li>{@value #LEAD_ID_HEADER} and {@value #IDEMPOTENCY_KEY_HEADER}: the leadId, the same on every retry, replay or
 * re-delivery, so the receiver can drop duplicates (an HTTP endpoint is not an upsert by itself: deduping on this key
 * is what makes the delivery idempotent);</li>
 * <li>{@value HmacSignature#HEADER} when the destination has a {@value HttpsSpec#SIGNING_SECRET}:
 * {@code t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>} (see {@link HmacSignature} for the
 * receiver's verification, with its 5-minute tolerance against replays).</li>
 * </ul>
 * Returns the answer's {@code Location} header as the record id when present, else {@code "HTTP <status>"}.
 *
 * <p>Destination settings: {@value HttpsSpec#URL} (required; https, plain http only for a loopback host; a secret: a Power
 * Automate URL carries its signature in the query, so the URL, its path and its query appear in no detail, log line
 * or exception message, and {@link #endpoint} is {@code scheme://host[:port]#path-<hash of the path>}, so each flow on a
 * shared host gets its own concurrency cap and circuit breaker without its path being kept in the clear) and
 * {@value HttpsSpec#SIGNING_SECRET}
 * (optional; a secret). Redirects are never followed. Every request gives up after the timeout (default 30 s).
 * Answers and exceptions are classified by {@link HttpsErrorClassifier}. Thread-safe.
 */
public final class HttpsDestinationClient extends HttpDestinationClient {
    public static final String LEAD_ID_HEADER = "X-Leadpipe-Lead-Id";
    public static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
    public static final String SIGNATURE_HEADER = HmacSignature.HEADER;
    private static final DestinationSpec SPEC = DestinationSpecs.of(DestinationType.HTTPS);
    public static final String USER_AGENT = "leadpipe-sink-https";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** The most of a response body read (for the detail of a failure). */
    static final int MAX_BODY_READ = 16 * 1024;

    private final Clock clock;

    /** Production: its own HTTP client, 30-second timeout. */
    public HttpsDestinationClient() {
        this(null, DEFAULT_TIMEOUT);
    }

    /**
     * @param http    the HTTP client, or null for an own one (virtual threads, redirects never followed); a client
     *                given here should not follow redirects either
     * @param timeout per-request timeout; null for {@link #DEFAULT_TIMEOUT}
     */
    public HttpsDestinationClient(HttpClient http, Duration timeout) {
        this(http, timeout, Clock.systemUTC());
    }

    HttpsDestinationClient(HttpClient http, Duration timeout, Clock clock) {
        super(DestinationType.HTTPS, http, timeout, DEFAULT_TIMEOUT);
        this.clock = clock;
    }

    @Override
    public String deliver(Lead lead, LeadDestination destination) throws DeliveryException {
        Map<String, String> settings = destination.settings();
        Set<String> secrets = secretValues(settings);
        URI target = targetUri(settings.get(URL));
        byte[] body = body(lead);
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(target);
        } catch (IllegalArgumentException e) {
            throw new DeliveryException(HttpsErrorClassifier.invalidUrl("the url setting cannot be requested"));
        }
        request.timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, */*;q=0.5")
                .header("User-Agent", USER_AGENT)
                .header(LEAD_ID_HEADER, lead.leadId())
                .header(IDEMPOTENCY_KEY_HEADER, lead.leadId())
                .POST(BodyPublishers.ofByteArray(body));
        String signingSecret = settings.get(SIGNING_SECRET);
        if (signingSecret != null && !signingSecret.isEmpty()) {
            request.header(
                    SIGNATURE_HEADER,
                    HmacSignature.sign(signingSecret, clock.instant().getEpochSecond(), body));
        }
        HttpResponse<InputStream> response = send(
                request.build(), BodyHandlers.ofInputStream(), e -> HttpsErrorClassifier.classifyError(e, timeout));
        String responseBody;
        try (InputStream in = response.body()) {
            responseBody = new String(in.readNBytes(MAX_BODY_READ), StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new DeliveryException(HttpsErrorClassifier.classifyError(e, timeout));
        }
        int status = response.statusCode();
        DeliveryFailure failure = HttpsErrorClassifier.classify(
                status, response.headers().firstValue("Retry-After").orElse(null), responseBody, secrets);
        if (failure != null) {
            throw new DeliveryException(failure);
        }
        return response.headers()
                .firstValue("Location")
                .filter(l -> !l.isBlank())
                .map(l -> recordId(l, secrets))
                .orElse("HTTP " + status);
    }

    /** {@code scheme://host[:port]} of the URL, lower case: no path, no query (they are secret). */
    @Override
    public String endpoint(LeadDestination destination) {
        try {
            URI uri = new URI(String.valueOf(destination.settings().get(URL)).trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                return "invalid-url";
            }
            // per URL without its query: unrelated flows on one host (prod-NN.<region>.logic.azure.com) are
            // different endpoints; the query carries the flow's signature, the path is hashed
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            return uri.getScheme().toLowerCase(Locale.ROOT) + "://"
                    + uri.getHost().toLowerCase(Locale.ROOT)
                    + (uri.getPort() >= 0 ? ":" + uri.getPort() : "")
                    + "#path-" + HttpSupport.sha256Hex(path).substring(0, 16);
        } catch (URISyntaxException e) {
            return "invalid-url";
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** The URL, checked: parseable, with a host, https (http only for a loopback host). The detail names no URL. */
    static URI targetUri(String value) throws DeliveryException {
        if (value == null || value.isBlank()) {
            throw new DeliveryException(HttpsErrorClassifier.invalidUrl("no url configured"));
        }
        URI uri;
        try {
            uri = new URI(value.trim());
        } catch (URISyntaxException e) {
            throw new DeliveryException(HttpsErrorClassifier.invalidUrl("the url setting is not a valid URL"));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null) {
            throw new DeliveryException(
                    HttpsErrorClassifier.invalidUrl("the url setting is not an absolute URL" + " with a host"));
        }
        if (!DestinationUrls.allowed(uri)) {
            throw new DeliveryException(HttpsErrorClassifier.invalidUrl("the url must be https"
                    + " (plain http only for a loopback host); its scheme is "
                    + (scheme.matches("[a-z][a-z0-9+.-]{0,15}") ? scheme : "unreadable") + "; nothing was sent"));
        }
        if (uri.getRawUserInfo() != null) {
            throw new DeliveryException(
                    HttpsErrorClassifier.invalidUrl("the url must not carry credentials (a userinfo part)"));
        }
        return uri;
    }

    static byte[] body(Lead lead) {
        return LeadFields.bytes(LeadJson.writeMarketplaceShape(lead));
    }

    /**
     * What must never leave in a detail: the redaction values of the HTTPS spec (the URL, its path, query and each
     * query value such as a Power Automate {@code sig}, and the signing secret).
     */
    static Set<String> secretValues(Map<String, String> settings) {
        return SPEC.redactionValues(settings);
    }

    private static String recordId(String location, Set<String> secrets) {
        String id = dev.leadpipe.core.error.Redaction.redact(location.trim(), secrets);
        return id.length() > 300 ? id.substring(0, 300) : id;
    }
}
