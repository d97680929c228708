package dev.leadpipe.sink.runtime;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Executors;

/**
 * The small HTTP helpers destination clients share: their default HTTP client, percent-encoding,
 * hashing of credentials.
 */
public final class HttpSupport {
    private HttpSupport() {
    }

    /**
     * A destination client's own HTTP client: redirects never followed (a POST must not be re-sent elsewhere),
     * connect timeout the request timeout but at most 10 s, one virtual thread per exchange.
     */
    public static HttpClient newClient(Duration requestTimeout) {
        Duration tenSeconds = Duration.ofSeconds(10);
        return HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(requestTimeout.compareTo(tenSeconds) < 0 ? requestTimeout : tenSeconds)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    /** Percent-encodes everything but RFC 3986 unreserved characters (a key value in a URL path). */
    public static String percentEncode(String value) {
        StringBuilder b = new StringBuilder();
        for (byte x : value.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(HexFormat.of().withUpperCase().toHexDigits((byte) c));
            }
        }
        return b.toString();
    }

    /** The trimmed value without trailing slashes. */
    public static String stripTrailingSlashes(String s) {
        String out = s.trim();
        while (out.endsWith("/")) {
            out = out.substring(0, out.length() - 1);
        }
        return out;
    }

    /** The trimmed value, or null when it is null or blank. */
    public static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** Lower-case hex SHA-256 of the text: a cache key for a credential that must not be kept in clear. */
    public static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
