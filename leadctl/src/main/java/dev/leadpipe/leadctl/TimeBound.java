package dev.leadpipe.leadctl;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A time for {@code --since} / {@code --until}: an ISO-8601 instant ({@code 2025-06-01T10:00:00Z}), a UTC date
 * ({@code 2025-06-01}, its start), or an age relative to now: {@code 90s}, {@code 30m}, {@code 2h}, {@code 7d}
 * (combinable: {@code 1d12h}) or an ISO-8601 duration ({@code PT2H}). A relative bound is resolved against the
 * command's start time; its {@link #normalized()} form stays relative, so the same command line is the same replay
 * selection on every run.
 */
record TimeBound(Instant instant, Duration age) {
    private static final Pattern SHORT = Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

    Instant resolve(Instant now) {
        return instant != null ? instant : now.minus(age);
    }

    /** The bound as the replay checkpoint hashes it: the instant, or the relative age as an ISO duration. */
    String normalized() {
        return instant != null ? instant.toString() : "now-" + age;
    }

    static TimeBound parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty time");
        }
        try {
            return new TimeBound(Instant.parse(t), null);
        } catch (DateTimeParseException e) {
            // not an instant
        }
        try {
            return new TimeBound(LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant(), null);
        } catch (DateTimeParseException e) {
            // not a date
        }
        if (t.toUpperCase(Locale.ROOT).startsWith("P")) {
            try {
                return positive(Duration.parse(t.toUpperCase(Locale.ROOT)), text);
            } catch (DateTimeParseException e) {
                throw invalid(text);
            }
        }
        Matcher m = SHORT.matcher(t.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw invalid(text);
        }
        Duration d = Duration.ZERO;
        try {
            if (m.group(1) != null) {
                d = d.plusDays(Long.parseLong(m.group(1)));
            }
            if (m.group(2) != null) {
                d = d.plusHours(Long.parseLong(m.group(2)));
            }
            if (m.group(3) != null) {
                d = d.plusMinutes(Long.parseLong(m.group(3)));
            }
            if (m.group(4) != null) {
                d = d.plusSeconds(Long.parseLong(m.group(4)));
            }
        } catch (NumberFormatException | ArithmeticException e) {
            throw invalid(text);
        }
        return positive(d, text);
    }

    private static TimeBound positive(Duration d, String text) {
        if (d.isZero() || d.isNegative()) {
            throw invalid(text);
        }
        return new TimeBound(null, d);
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("'" + text + "' is neither an ISO-8601 instant (2025-06-01T10:00:00Z), "
                + "a date (2025-06-01) nor an age such as 90s, 30m, 2h, 7d or PT2H");
    }

    /** The picocli converter; a bad value is a usage error (exit 2). */
    static final class Converter implements ITypeConverter<TimeBound> {
        @Override
        public TimeBound convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
