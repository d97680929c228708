package dev.leadpipe.core.error;

import java.util.Collection;
import java.util.regex.Pattern;

/**
 * Removes secrets and e-mail addresses from upstream text (an error body, an exception message) before it goes into
 * a dead-letter header, an outcome, a log line or an exception that leaves the process. Removes every known secret
 * value given (the destination's own settings) and, by shape, e-mail addresses, storage account keys, SAS signatures,
 * bearer tokens and OAuth secrets in forms or JSON.
 */
public final class Redaction {
    public static final String REDACTED = "[redacted]";
    private static final int MAX_LENGTH = 1_000;

    // starts only where a run of address characters starts, so a long run without '@' is scanned once, not once
    // per position (quadratic on a 50 KB token)
    private static final Pattern EMAIL =
            Pattern.compile("(?<![^\\s@<>\"',;:()\\[\\]])[^\\s@<>\"',;:()\\[\\]]++@[^\\s@<>\"',;:()\\[\\]]+");
    private static final Pattern KEY_VALUE = Pattern.compile(
            "(?i)((?:AccountKey|SharedAccessSignature|SharedAccessKey|sig|client_secret|password|access_token|refresh_token|assertion|code)\"?\\s*[=:]\\s*\"?)[^;&\\s\"]+");
    private static final Pattern BEARER = Pattern.compile("(?i)(Bearer\\s+)[A-Za-z0-9._~+/=-]+");

    private Redaction() {}

    /** The text with every secret value and e-mail address replaced by {@value #REDACTED}, cut to 1,000 characters. */
    public static String redact(String text, Collection<String> secretValues) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : secretValues) {
            if (secret != null && secret.length() >= 4) {
                out = out.replace(secret, REDACTED);
            }
        }
        out = KEY_VALUE.matcher(out).replaceAll("$1" + REDACTED);
        out = BEARER.matcher(out).replaceAll("$1" + REDACTED);
        out = EMAIL.matcher(out).replaceAll(REDACTED);
        return out.length() > MAX_LENGTH ? out.substring(0, MAX_LENGTH) + "..." : out;
    }
}
