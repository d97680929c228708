package dev.leadpipe.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One setting of a service, declared once: the record component it fills ({@code name}), the environment variable it
 * is read from ({@code env}), how that variable is read ({@code parser}), what a value must be ({@code rule} and
 * {@code valid}), its default (or {@code required}), whether it is secret and a one-line description ({@code doc}).
 * A service lists its settings once and {@link Settings} reads, checks, copies and shows its configuration from that
 * list, in the manner of Kafka's {@code ConfigDef}.
 *
 * <p>Build one with a factory ({@link #text}, {@link #wholeNumber}, {@link #duration}, ...) and the copy methods
 * ({@link #defaultsTo}, {@link #required}, {@link #optional}, {@link #secret}, {@link #must}, ...).
 *
 * @param name        the record component the setting fills, used in problems found in-process
 * @param env         the environment variable it is read from
 * @param parser      reads the variable's value (trimmed unless secret); throws when it cannot
 * @param valid       whether a value is allowed
 * @param rule        what a value must be, completing "{@code <name> must be ...}"
 * @param defaultValue the value of an unset or blank variable; null for a required setting
 * @param isRequired  whether the variable must be set
 * @param isSecret    whether the value is hidden wherever settings are shown; its variable is not trimmed either
 * @param shown       how a value is shown, e.g. in {@code toString}
 * @param doc         a one-line description, the meaning column of {@link SettingsDoc#table}
 * @param defaultDoc  the default as documented (e.g. {@code 5 MiB}); null to show the default value
 */
public record Setting<T>(
        String name,
        String env,
        Function<String, T> parser,
        Predicate<? super T> valid,
        String rule,
        T defaultValue,
        boolean isRequired,
        boolean isSecret,
        Function<? super T, String> shown,
        String doc,
        String defaultDoc) {

    public static final String MASK = "********";
    /** Where a service listens, and finds its relay, unless told otherwise. */
    public static final String LOOPBACK = "127.0.0.1";
    /** What every duration setting accepts. */
    public static final String DURATION_SYNTAX = "(units ms, s, m, h, d, or ISO-8601 like PT10M)";

    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    public Setting {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(parser, "parser");
        Objects.requireNonNull(valid, "valid");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(shown, "shown");
        if (!isRequired && defaultValue == null) {
            throw new IllegalArgumentException(env + " needs a default, or to be required or optional");
        }
    }

    /** A setting read by {@code parser}; required until given a default. */
    public static <T> Setting<T> of(
            String name, String env, Function<String, T> parser, String rule, Predicate<? super T> valid, String doc) {
        return new Setting<>(name, env, parser, valid, rule, null, true, false, String::valueOf, doc, null);
    }

    /** Any non-blank text. */
    public static Setting<String> text(String name, String env, String rule, String doc) {
        return of(name, env, Function.identity(), rule, s -> !s.isBlank(), doc);
    }

    /**
     * One of {@code allowed}, compared after {@code normal} (such as upper-casing), so a variable may be written in
     * either case.
     */
    public static Setting<String> oneOf(
            String name, String env, UnaryOperator<String> normal, List<String> allowed, String doc) {
        Set<String> set = Set.copyOf(allowed);
        return of(name, env, s -> normal.apply(s.trim()), "one of " + String.join(", ", allowed), set::contains, doc);
    }

    /** A whole number from {@code min} to {@code max}. */
    public static Setting<Integer> wholeNumber(String name, String env, int min, int max, String doc) {
        return of(name, env, Integer::valueOf, numberRule(min, max, Integer.MAX_VALUE), n -> n >= min && n <= max, doc);
    }

    /** A count: a whole number of at least 1, {@code defaultValue} unless set. */
    public static Setting<Integer> count(String name, String env, int defaultValue, String doc) {
        return wholeNumber(name, env, 1, Integer.MAX_VALUE, doc).defaultsTo(defaultValue);
    }

    /** A whole number from {@code min} to {@code max}, beyond the range of an int. */
    public static Setting<Long> longNumber(String name, String env, long min, long max, String doc) {
        return of(name, env, Long::valueOf, numberRule(min, max, Long.MAX_VALUE), n -> n >= min && n <= max, doc);
    }

    /** A positive duration in the syntax of {@link #parseDuration}, e.g. {@code example} {@code 24h}. */
    public static Setting<Duration> duration(String name, String env, String example, String doc) {
        return of(
                        name,
                        env,
                        Setting::parseDuration,
                        "a positive duration such as " + example + " " + DURATION_SYNTAX,
                        d -> !d.isNegative() && !d.isZero(),
                        doc)
                .shownAs(Setting::formatDuration);
    }

    /** A positive duration, {@code defaultValue} unless set; the rule gives the default as its example. */
    public static Setting<Duration> duration(String name, String env, Duration defaultValue, String doc) {
        return duration(name, env, formatDuration(defaultValue), doc).defaultsTo(defaultValue);
    }

    /** A duration written as a whole number of {@code unit}s from {@code min} to {@code max}. */
    public static Setting<Duration> durationIn(
            String name, String env, ChronoUnit unit, long min, long max, String doc) {
        String units = unit.toString().toLowerCase(Locale.ROOT);
        return new Setting<>(
                name,
                env,
                s -> Duration.of(Long.parseLong(s), unit),
                d -> d.compareTo(Duration.of(min, unit)) >= 0 && d.compareTo(Duration.of(max, unit)) <= 0,
                numberRule(min, max, Integer.MAX_VALUE) + " of " + units,
                null,
                true,
                false,
                d -> String.valueOf(d.toNanos() / unit.getDuration().toNanos()),
                doc,
                null);
    }

    /** A host name or address, the loopback address {@value #LOOPBACK} unless set. */
    public static Setting<String> host(String name, String env, String doc) {
        return text(name, env, "a host name or address", doc).defaultsTo(LOOPBACK);
    }

    /** A port to listen on, {@code defaultPort} unless set; 0 takes any free port. */
    public static Setting<Integer> listenPort(String name, String env, int defaultPort, String doc) {
        return wholeNumber(name, env, 0, 65535, doc).defaultsTo(defaultPort);
    }

    /** A file system path. */
    public static Setting<Path> path(String name, String env, String doc) {
        return of(name, env, Path::of, "a file system path", p -> true, doc);
    }

    /** {@code true}, {@code yes}, {@code 1}, {@code false}, {@code no} or {@code 0}. */
    public static Setting<Boolean> flag(String name, String env, String doc) {
        return of(name, env, Setting::parseFlag, "true or false", b -> true, doc);
    }

    /** This setting with a default; it is no longer required. */
    public Setting<T> defaultsTo(T value) {
        return new Setting<>(
                name, env, parser, valid, rule, Objects.requireNonNull(value), false, isSecret, shown, doc, defaultDoc);
    }

    /** This setting without a default: a missing variable is a problem. */
    public Setting<T> required() {
        return new Setting<>(name, env, parser, valid, rule, null, true, isSecret, shown, doc, defaultDoc);
    }

    /** This setting as an {@link Optional}, empty when the variable is unset or blank. */
    public Setting<Optional<T>> optional() {
        return new Setting<>(
                name,
                env,
                s -> Optional.of(parser.apply(s)),
                o -> o.isEmpty() || valid.test(o.get()),
                rule,
                Optional.empty(),
                false,
                isSecret,
                o -> o.map(shown).orElse("none"),
                doc,
                defaultDoc);
    }

    /** This setting, shown as {@value #MASK} and read without trimming. */
    public Setting<T> secret() {
        Function<T, String> mask = v -> v instanceof Optional<?> o && o.isEmpty() ? "none" : MASK;
        return new Setting<>(name, env, parser, valid, rule, defaultValue, isRequired, true, mask, doc, defaultDoc);
    }

    /** This setting with a further condition, {@code rule} saying what a value must be. */
    public Setting<T> must(String newRule, Predicate<? super T> condition) {
        Predicate<T> both = v -> valid.test(v) && condition.test(v);
        return new Setting<>(
                name, env, parser, both, newRule, defaultValue, isRequired, isSecret, shown, doc, defaultDoc);
    }

    /** This setting, its values shown by {@code show} (to hide a part of them, say). */
    public Setting<T> shownAs(Function<? super T, String> show) {
        return new Setting<>(name, env, parser, valid, rule, defaultValue, isRequired, isSecret, show, doc, defaultDoc);
    }

    /** This setting, its default documented as {@code text}. */
    public Setting<T> documentedDefault(String text) {
        return new Setting<>(name, env, parser, valid, rule, defaultValue, isRequired, isSecret, shown, doc, text);
    }

    /**
     * Reads a variable's value: null when it is unset or blank (the caller takes the default).
     *
     * @throws IllegalArgumentException when it cannot be read (the message names nothing but the variable)
     */
    T read(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return parser.apply(isSecret ? raw : raw.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(env + " is unreadable");
        }
    }

    /**
     * What is wrong with a value: null when nothing is.
     *
     * @param byEnv whether to name the variable ({@code ENV}) or the component ({@code name (ENV)})
     */
    public String problem(Object value, boolean byEnv) {
        if (value == null) {
            return label(byEnv) + (isRequired ? " is not set: " : " must be set to ") + rule;
        }
        @SuppressWarnings("unchecked")
        T v = (T) value;
        return valid.test(v) ? null : label(byEnv) + " must be " + rule;
    }

    /** The variable, or the component and its variable. */
    public String label(boolean byEnv) {
        return byEnv ? env : name + " (" + env + ")";
    }

    /** A value as shown: {@value #MASK} for a secret, the documented default for an empty optional one. */
    public String show(Object value) {
        if (value instanceof Optional<?> o && o.isEmpty() && defaultDoc != null) {
            return defaultDoc;
        }
        @SuppressWarnings("unchecked")
        T v = (T) value;
        return v == null ? "none" : shown.apply(v);
    }

    /** The default as documented: {@code required}, the {@link #documentedDefault} or the default value shown. */
    public String defaultText() {
        if (defaultDoc != null) {
            return defaultDoc;
        }
        return isRequired ? "required" : shown.apply(defaultValue);
    }

    /**
     * A parser that reads a setting from several variables at once (such as the Kafka connection, made of the
     * bootstrap servers and the {@code KAFKA_SECURITY_*} variables): {@link Settings#fromEnvironment} hands it the
     * whole environment instead of the one variable's value, and {@link SettingsDoc} counts its parts as declared.
     * {@link #apply} still reads the setting's own variable alone, with every other part at its default.
     */
    public interface WholeEnvironment<T> extends Function<String, T> {
        /**
         * The value from the environment; null when the setting's own variable is unset and nothing else gives it.
         *
         * @throws IllegalArgumentException whose message lists every problem, {@code "; "}-separated on one line,
         *                                  naming variables and never a value
         */
        T fromEnvironment(java.util.Map<String, String> env);

        /** The settings it is read from, its own variable's first. */
        java.util.List<Setting<?>> parts();
    }

    /**
     * This setting's value from the environment, its default when unset or blank.
     *
     * @throws IllegalArgumentException {@code "<ENV> must be <rule>"} when the value is unreadable or invalid
     */
    public T fromEnvironment(java.util.Map<String, String> env) {
        T value;
        try {
            value = read(env.get(this.env));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(this.env + " must be " + rule);
        }
        value = value == null ? defaultValue : value;
        String problem = problem(value, true);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return value;
    }

    /** The variable, never a value. */
    @Override
    public String toString() {
        return "Setting[" + env + "]";
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

    /** A duration as {@link #parseDuration} reads it, in its largest whole unit: {@code 24h}, {@code 200ms}. */
    public static String formatDuration(Duration d) {
        long ms = d.toMillis();
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1000L};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (ms != 0 && ms % sizes[i] == 0) {
                return ms / sizes[i] + units[i];
            }
        }
        return ms + "ms";
    }

    private static Boolean parseFlag(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new IllegalArgumentException("not a flag");
        };
    }

    private static String numberRule(long min, long max, long unbounded) {
        return "a whole number "
                + (max >= unbounded || max >= Integer.MAX_VALUE ? "of at least " + min : "from " + min + " to " + max);
    }
}
