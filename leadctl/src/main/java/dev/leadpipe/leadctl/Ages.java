package dev.leadpipe.leadctl;

import java.time.Duration;
import java.util.Locale;

/** How leadctl writes an age or a count for people: {@code 45s}, {@code 12m}, {@code 2h 14m}, {@code 3d 4h}; {@code 5,000}. */
final class Ages {
    private Ages() {}

    /** The age in its two largest units, to the second below a minute; a negative age is {@code 0s}. */
    static String compact(Duration age) {
        long s = Math.max(0, age.toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m";
        }
        if (s < 86_400) {
            return s / 3600 + "h " + s % 3600 / 60 + "m";
        }
        return s / 86_400 + "d " + s % 86_400 / 3600 + "h";
    }

    /** A count with thousands separators: {@code 5,000}. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
