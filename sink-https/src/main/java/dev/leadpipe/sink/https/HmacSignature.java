package dev.leadpipe.sink.https;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of an HTTPS delivery, in the {@value #HEADER} header:
 * {@code t=<unix seconds>,v1=<lower-case hex HMAC-SHA256(secret, "<t>.<exact body bytes>")>}. The key is the
 * UTF-8 bytes of the destination's {@code signingSecret}; the signed payload is the decimal timestamp, one {@code .},
 * then the request body exactly as sent (no re-serialisation).
 *
 * <p>A receiver verifies it thus ({@link #verify} does exactly this):
 * <ol>
 * <li>split the header on {@code ,} into {@code key=value} pairs; take {@code t} and every {@code v1} (ignore other
 * keys, so new schemes can be added beside {@code v1});</li>
 * <li>reject when {@code |now - t|} exceeds the tolerance (5 minutes is usual): an old, captured request replayed
 * later fails here;</li>
 * <li>compute {@code HMAC-SHA256(secret, t + "." + rawBody)} as lower-case hex and compare it with each {@code v1}
 * in constant time ({@link MessageDigest#isEqual}); accept when one matches.</li>
 * </ol>
 * Within the tolerance a replay still verifies: receivers dedupe on the {@code Idempotency-Key} header. Stateless and
 * thread-safe.
 */
public final class HmacSignature {
    /** The request header carrying the signature. */
    public static final String HEADER = "X-Leadpipe-Signature";
    /** The tolerance a receiver should allow between the signature's timestamp and its own clock. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    private static final String ALGORITHM = "HmacSHA256";

    private HmacSignature() {}

    /** The header value for {@code body} signed with {@code secret} at {@code unixSeconds}. */
    public static String sign(String secret, long unixSeconds, byte[] body) {
        return "t=" + unixSeconds + ",v1=" + hmacHex(secret, unixSeconds, body);
    }

    /** {@code HMAC-SHA256(secret, "<t>.<body>")} in lower-case hex. */
    public static String hmacHex(String secret, long unixSeconds, byte[] body) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("the signing secret is empty");
        }
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
            mac.update((unixSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    /**
     * Whether {@code header} is a valid signature of {@code body} with {@code secret}, made within {@code tolerance}
     * of {@code now}. False (never an exception) for a missing, malformed, stale or wrong signature.
     */
    public static boolean verify(String secret, String header, byte[] body, Instant now, Duration tolerance) {
        if (secret == null || secret.isEmpty() || header == null || body == null) {
            return false;
        }
        Long t = null;
        java.util.List<String> candidates = new java.util.ArrayList<>();
        for (String part : header.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                return false;
            }
            String key = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            if (key.equals("t")) {
                try {
                    t = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    return false;
                }
            } else if (key.equals("v1")) {
                candidates.add(value);
            }
        }
        if (t == null || candidates.isEmpty()) {
            return false;
        }
        if (Math.abs(now.getEpochSecond() - t) > tolerance.toSeconds()) {
            return false;
        }
        byte[] expected = hmacHex(secret, t, body).getBytes(StandardCharsets.US_ASCII);
        boolean match = false;
        for (String candidate : candidates) {
            match |= MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.US_ASCII));
        }
        return match;
    }
}
