package dev.leadpipe.leadctl;

import java.util.List;
import java.util.regex.Pattern;

import dev.leadpipe.core.error.Redaction;

/**
 * What leadctl may print: every text that reaches stdout or stderr without {@code --show-personal-data} passes
 * {@link #safe(String)}, which replaces anything shaped like an e-mail address, and upstream text additionally passes
 * the pipeline's {@link Redaction} (secrets by shape). Dead-letter headers never hold either by contract; this is the
 * second line of defence.
 */
final class Privacy {
    private static final Pattern EMAIL = Pattern.compile("[^\\s@<>\"',;:()\\[\\]]+@[^\\s@<>\"',;:()\\[\\]]+");

    private Privacy() {}

    /** The text with every e-mail address replaced by {@value Redaction#REDACTED}; null stays null. */
    static String safe(String text) {
        return text == null ? null : EMAIL.matcher(text).replaceAll(Redaction.REDACTED);
    }

    /** Upstream words (an error body, an exception message): secrets and e-mail addresses removed, one line. */
    static String safeUpstream(String text) {
        if (text == null) {
            return null;
        }
        return Redaction.redact(text, List.of()).replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
