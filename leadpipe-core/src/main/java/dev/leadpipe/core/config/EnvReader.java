package dev.leadpipe.core.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.leadpipe.core.KafkaSettings;

/**
 * Reads one service's settings from environment variables and collects every problem, so that a misconfigured
 * service refuses to start with one {@link IllegalArgumentException} naming every missing or unreadable variable, on
 * one line ({@link #throwIfProblems}). A problem names the variable and what it must be, never the value given (a
 * value may be a secret). A variable that is unset or blank takes its default; one that is unreadable is recorded
 * as a problem and read as its default, so that the variables after it are still checked.
 */
public final class EnvReader {
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();

    public EnvReader(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** The variable's value, trimmed; null when it is unset or blank. */
    public String text(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** The variable's value, trimmed; {@code fallback} when it is unset or blank. */
    public String text(String name, String fallback) {
        String v = text(name);
        return v == null ? fallback : v;
    }

    /**
     * {@code KAFKA_BOOTSTRAP_SERVERS}, which every service requires (null, recorded as a problem, when unset), after
     * checking {@code KAFKA_REPLICATION_FACTOR}, which the service reads when it creates its topics.
     */
    public String kafkaBootstrapServers() {
        String bootstrap = text(KafkaSettings.BOOTSTRAP_ENV);
        if (bootstrap == null) {
            problem(KafkaSettings.BOOTSTRAP_ENV + " is not set: point it at the Kafka cluster, e.g. "
                    + KafkaSettings.BOOTSTRAP_ENV + "=localhost:9092");
        }
        wholeNumber(KafkaSettings.REPLICATION_FACTOR_ENV, 1, 1, Short.MAX_VALUE);
        return bootstrap;
    }

    /** A whole number from {@code min} to {@code max}; {@code fallback} when unset or unreadable. */
    public long wholeNumber(String name, long fallback, long min, long max) {
        String raw = text(name);
        if (raw == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(raw);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // recorded below
        }
        problem(name + " must be a whole number " + (max >= Integer.MAX_VALUE ? "of at least " + min : "from " + min + " to " + max));
        return fallback;
    }

    /**
     * A positive duration in the syntax of {@link #parseDuration}; {@code fallback} when unset or unreadable.
     *
     * @param example what the problem offers as an example, such as {@code "24h"}
     */
    public Duration positiveDuration(String name, Duration fallback, String example) {
        String raw = text(name);
        if (raw == null) {
            return fallback;
        }
        try {
            Duration d = parseDuration(raw);
            if (!d.isNegative() && !d.isZero()) {
                return d;
            }
        } catch (IllegalArgumentException e) {
            // recorded below
        }
        problem(name + " must be a positive duration such as " + example + " (units ms, s, m, h, d, or ISO-8601 like PT10M)");
        return fallback;
    }

    /** A file system path; null when unset or not a path. */
    public Path path(String name) {
        String raw = text(name);
        if (raw == null) {
            return null;
        }
        try {
            return Path.of(raw);
        } catch (InvalidPathException e) {
            problem(name + " must be a file system path");
            return null;
        }
    }

    /** Records a problem the caller found (a rule between two variables, say). */
    public void problem(String problem) {
        problems.add(problem);
    }

    /** The problems recorded so far, in the order found. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /**
     * @param what what is being read, such as {@code "router settings"}
     * @throws IllegalArgumentException {@code "invalid <what>: <problem>; <problem>..."} when any problem was recorded
     */
    public void throwIfProblems(String what) {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid " + what + ": " + String.join("; ", problems));
        }
    }

    /**
     * A duration as operators write it: {@code 500ms}, {@code 30s}, {@code 10m}, {@code 24h}, {@code 7d}, or
     * ISO-8601 such as {@code PT10M} or {@code P7D} (either case).
     *
     * @throws IllegalArgumentException when it is neither
     */
    public static Duration parseDuration(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE_DURATION.matcher(t);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            return Duration.parse(t.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("not a duration");
        }
    }
}
