package dev.leadpipe.sink.runtime;

import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;

/**
 * The small HTTP helpers destination clients share: their default HTTP client, {@code Retry-After},
 * percent-encoding, hashing of credentials.
 */
public final class HttpSupport {
    private HttpSupport() {}

    /**
     * Whether {@code t} means a call got no answer in time: an HTTP, socket or future timeout, or the wait for the
     * answer interrupted.
     */
    public static boolean isTimeout(Throwable t) {
        return t instanceof HttpTimeoutException
                || t instanceof SocketTimeoutException
                || t instanceof TimeoutException
                || t instanceof InterruptedException
                || t instanceof InterruptedIOException;
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

    /**
     * How long a {@code Retry-After} header asks to wait: delta-seconds, or an HTTP date (RFC 1123) measured from
     * now (a date in the past is zero); null when the header is absent or unreadable.
     */
    public static Duration retryAfter(String value) {
        return retryAfter(value, Instant.now());
    }

    /** {@link #retryAfter(String)} with the current instant given. */
    static Duration retryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(
                        now,
                        ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME)
                                .toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException notADate) {
                return null;
            }
        }
    }

    /** Percent-encodes everything but RFC 3986 unreserved characters (a key value in a URL path). */
    public static String percentEncode(String value) {
        StringBuilder b = new StringBuilder();
        for (byte x : value.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c >= 'a' && c <= 'z'
                    || c >= 'A' && c <= 'Z'
                    || c >= '0' && c <= '9'
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~') {
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
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
