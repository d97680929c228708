package dev.leadpipe.core.destination;

import java.util.Optional;
import java.util.regex.Pattern;

/** The value checks several destination types share. */
public final class ValueChecks {
    private ValueChecks() {}

    /** The whole value matches the pattern; otherwise the message. */
    public static SettingSpec.ValueCheck matching(Pattern pattern, String message) {
        return value -> pattern.matcher(value).matches() ? Optional.empty() : Optional.of(message);
    }

    /** The value has at least this many characters. */
    public static SettingSpec.ValueCheck atLeast(int characters) {
        return value -> value.length() >= characters
                ? Optional.empty()
                : Optional.of("must be at least " + characters + " characters");
    }
}
