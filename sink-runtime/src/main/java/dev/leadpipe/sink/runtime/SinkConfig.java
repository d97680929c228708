package dev.leadpipe.sink.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import dev.leadpipe.core.config.EnvReader;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.topic.Topics;

/**
 * The settings of one sink instance, validated when built: every setting that cannot work is reported together in
 * one single-line {@link IllegalArgumentException}, naming the setting (the record component, or the environment
 * variable for {@link #fromEnvironment()}). {@link #toString()} shows every setting but masks anything
 * secret-looking (a {@code user:password@} part of the bootstrap servers). Unknown variables are ignored, so a sink
 * module may read its own {@code SINK_<TYPE>_*} variables beside these.
 *
 * <p>Build one with {@link #of(String)} (every default) and the {@code with...} copy methods, or read it with
 * {@link #fromEnvironment()}; each setting is declared once (component, variable, parser, rule and default) in the
 * private parameter table below.
 *
 * @param bootstrapServers          the Kafka cluster ({@code host:port,...}); required ({@code KAFKA_BOOTSTRAP_SERVERS})
 * @param groupId                   the consumer group; null means {@code leadpipe-sink-<type>} ({@link #groupIdFor})
 *                                  ({@value #GROUP_ID_ENV})
 * @param maxAttempts               delivery attempts per lead, the first included, before it is dead-lettered with its
 *                                  last failure's class; default 200 ({@value #MAX_ATTEMPTS_ENV})
 * @param maxRetryTime              how long after a lead's first failure (or the first time an open circuit held it
 *                                  back) it may still be retried: the transient budget, long enough to ride out a CRM
 *                                  outage; default 24 h ({@value #MAX_RETRY_TIME_ENV})
 * @param initialBackoff            the wait after the first failure, doubled after each further one; default 1 s
 *                                  ({@value #INITIAL_BACKOFF_ENV})
 * @param maxBackoff                the cap of that wait, and of the wait of a lead held back by an open circuit or a
 *                                  busy endpoint; default 10 min ({@value #MAX_BACKOFF_ENV})
 * @param jitter                    each wait is spread by up to this fraction either way (0 to &lt;1); default 0.2
 *                                  ({@value #JITTER_ENV})
 * @param maxConcurrencyPerEndpoint concurrent delivery calls to one endpoint; an endpoint also has at most twice as
 *                                  many leads attempted and not yet committed, which bounds the re-sends after a
 *                                  crash; default 8 ({@value #MAX_CONCURRENCY_PER_ENDPOINT_ENV})
 * @param breakerFailureThreshold   consecutive transient failures of an endpoint that open its circuit; default 5
 *                                  ({@value #BREAKER_FAILURE_THRESHOLD_ENV})
 * @param breakerOpenDuration       how long an open circuit holds its endpoint's leads back before one trial attempt;
 *                                  default 30 s ({@value #BREAKER_OPEN_DURATION_ENV})
 * @param maxInFlight               leads held in memory (under way, queued for a slot, or waiting at most the retry
 *                                  horizon) above which consumption pauses; default 1000 ({@value #MAX_IN_FLIGHT_ENV})
 * @param attemptTimeout            a delivery call not returned by then counts as a transient failure and its thread
 *                                  is interrupted; keep it above the client's own timeouts; default 2 min
 *                                  ({@value #ATTEMPT_TIMEOUT_ENV})
 * @param commitInterval            the longest a finished lead waits for its offset to be committed; default 200 ms
 *                                  ({@value #COMMIT_INTERVAL_ENV})
 * @param retryHorizon              the longest wait a lead spends in memory: a lead whose next attempt is further away
 *                                  is written to a retry tier; default 5 s ({@value #RETRY_HORIZON_ENV})
 * @param retryTiers                the delays of the {@value Topics#RETRY_TIERS} retry tier topics, shortest first,
 *                                  strictly increasing; every instance of a sink group must use the same; default
 *                                  10 s, 1 min, 10 min, 1 h ({@value #RETRY_TIERS_ENV}, comma-separated)
 */
public record SinkConfig(String bootstrapServers, String groupId, int maxAttempts, Duration maxRetryTime,
                         Duration initialBackoff, Duration maxBackoff, double jitter, int maxConcurrencyPerEndpoint,
                         int breakerFailureThreshold, Duration breakerOpenDuration, int maxInFlight,
                         Duration attemptTimeout, Duration commitInterval, Duration retryHorizon,
                         List<Duration> retryTiers) {

    public static final String GROUP_ID_ENV = "SINK_GROUP_ID";
    public static final String MAX_ATTEMPTS_ENV = "SINK_MAX_ATTEMPTS";
    /** Durations are {@code 500ms}, {@code 30s}, {@code 10m}, {@code 1h}, {@code 1d} or ISO-8601 ({@code PT10M}). */
    public static final String MAX_RETRY_TIME_ENV = "SINK_MAX_RETRY_TIME";
    public static final String INITIAL_BACKOFF_ENV = "SINK_INITIAL_BACKOFF";
    public static final String MAX_BACKOFF_ENV = "SINK_MAX_BACKOFF";
    public static final String JITTER_ENV = "SINK_BACKOFF_JITTER";
    public static final String MAX_CONCURRENCY_PER_ENDPOINT_ENV = "SINK_MAX_CONCURRENCY_PER_ENDPOINT";
    public static final String BREAKER_FAILURE_THRESHOLD_ENV = "SINK_BREAKER_FAILURE_THRESHOLD";
    public static final String BREAKER_OPEN_DURATION_ENV = "SINK_BREAKER_OPEN_DURATION";
    public static final String MAX_IN_FLIGHT_ENV = "SINK_MAX_IN_FLIGHT";
    public static final String ATTEMPT_TIMEOUT_ENV = "SINK_ATTEMPT_TIMEOUT";
    public static final String COMMIT_INTERVAL_ENV = "SINK_COMMIT_INTERVAL";
    public static final String RETRY_HORIZON_ENV = "SINK_RETRY_HORIZON";
    public static final String RETRY_TIERS_ENV = "SINK_RETRY_TIERS";

    public static final String DEFAULT_GROUP_ID_PREFIX = "leadpipe-sink-";
    public static final String MASK = "********";
    /** The default retry tier delays. */
    public static final List<Duration> DEFAULT_RETRY_TIERS = List.of(Duration.ofSeconds(10), Duration.ofMinutes(1),
            Duration.ofMinutes(10), Duration.ofHours(1));

    private static final Pattern URL_USER_INFO = Pattern.compile("(?:(?<=//)|^|(?<=,))[^/@,\\s]+@");

    /** One setting, declared once: its component, its variable, how the variable is read and what is valid. */
    private record Param<T>(String field, String env, Function<String, T> parser, Predicate<T> valid, String rule) {
        String check(T value, boolean byEnv) {
            return value == null || !valid.test(value) ? (byEnv ? env : field) + " must be " + rule : null;
        }
    }

    private static final Param<String> GROUP_ID = new Param<>("groupId", GROUP_ID_ENV, String::trim,
            s -> !s.isBlank(), "a non-blank consumer group id");
    private static final Param<Integer> MAX_ATTEMPTS = new Param<>("maxAttempts", MAX_ATTEMPTS_ENV,
            SinkConfig::parseInt, n -> n >= 1, "a whole number of at least 1");
    private static final Param<Duration> MAX_RETRY_TIME = new Param<>("maxRetryTime", MAX_RETRY_TIME_ENV,
            EnvReader::parseDuration, SinkConfig::positive, "a positive duration (e.g. 24h, 90s, PT10M)");
    private static final Param<Duration> INITIAL_BACKOFF = new Param<>("initialBackoff", INITIAL_BACKOFF_ENV,
            EnvReader::parseDuration, SinkConfig::positive, "a positive duration (e.g. 1s, 500ms)");
    private static final Param<Duration> MAX_BACKOFF = new Param<>("maxBackoff", MAX_BACKOFF_ENV,
            EnvReader::parseDuration, SinkConfig::positive, "a positive duration (e.g. 10m)");
    private static final Param<Double> JITTER = new Param<>("jitter", JITTER_ENV,
            SinkConfig::parseDouble, j -> j >= 0 && j < 1, "a fraction from 0 up to (not including) 1, e.g. 0.2");
    private static final Param<Integer> MAX_CONCURRENCY = new Param<>("maxConcurrencyPerEndpoint",
            MAX_CONCURRENCY_PER_ENDPOINT_ENV, SinkConfig::parseInt, n -> n >= 1, "a whole number of at least 1");
    private static final Param<Integer> BREAKER_THRESHOLD = new Param<>("breakerFailureThreshold",
            BREAKER_FAILURE_THRESHOLD_ENV, SinkConfig::parseInt, n -> n >= 1, "a whole number of at least 1");
    private static final Param<Duration> BREAKER_OPEN = new Param<>("breakerOpenDuration", BREAKER_OPEN_DURATION_ENV,
            EnvReader::parseDuration, SinkConfig::positive, "a positive duration (e.g. 30s)");
    private static final Param<Integer> MAX_IN_FLIGHT = new Param<>("maxInFlight", MAX_IN_FLIGHT_ENV,
            SinkConfig::parseInt, n -> n >= 1, "a whole number of at least 1");
    private static final Param<Duration> ATTEMPT_TIMEOUT = new Param<>("attemptTimeout", ATTEMPT_TIMEOUT_ENV,
            EnvReader::parseDuration, SinkConfig::positive, "a positive duration (e.g. 2m)");
    private static final Param<Duration> COMMIT_INTERVAL = new Param<>("commitInterval", COMMIT_INTERVAL_ENV,
            EnvReader::parseDuration, SinkConfig::positive, "a positive duration (e.g. 200ms)");
    private static final Param<Duration> RETRY_HORIZON = new Param<>("retryHorizon", RETRY_HORIZON_ENV,
            EnvReader::parseDuration, SinkConfig::positive, "a positive duration (e.g. 5s)");
    private static final Param<List<Duration>> RETRY_TIERS = new Param<>("retryTiers", RETRY_TIERS_ENV,
            SinkConfig::parseDurations, SinkConfig::validTiers,
            Topics.RETRY_TIERS + " strictly increasing positive durations, comma-separated (e.g. 10s,1m,10m,1h)");

    public SinkConfig {
        List<String> errors = new ArrayList<>();
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            errors.add("bootstrapServers is required (host:port,...)");
        } else {
            bootstrapServers = bootstrapServers.trim();
        }
        if (groupId != null) {
            add(errors, GROUP_ID.check(groupId, false));
            groupId = groupId.trim();
        }
        add(errors, MAX_ATTEMPTS.check(maxAttempts, false));
        add(errors, MAX_RETRY_TIME.check(maxRetryTime, false));
        add(errors, INITIAL_BACKOFF.check(initialBackoff, false));
        add(errors, MAX_BACKOFF.check(maxBackoff, false));
        add(errors, backoffOrder(initialBackoff, maxBackoff, false));
        add(errors, JITTER.check(jitter, false));
        add(errors, MAX_CONCURRENCY.check(maxConcurrencyPerEndpoint, false));
        add(errors, BREAKER_THRESHOLD.check(breakerFailureThreshold, false));
        add(errors, BREAKER_OPEN.check(breakerOpenDuration, false));
        add(errors, MAX_IN_FLIGHT.check(maxInFlight, false));
        add(errors, ATTEMPT_TIMEOUT.check(attemptTimeout, false));
        add(errors, COMMIT_INTERVAL.check(commitInterval, false));
        add(errors, RETRY_HORIZON.check(retryHorizon, false));
        add(errors, RETRY_TIERS.check(retryTiers, false));
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid sink settings: " + String.join("; ", errors));
        }
        retryTiers = List.copyOf(retryTiers);
    }

    /** Every default, for the given cluster. */
    public static SinkConfig of(String bootstrapServers) {
        return new SinkConfig(bootstrapServers, null, 200, Duration.ofHours(24), Duration.ofSeconds(1),
                Duration.ofMinutes(10), 0.2, 8, 5, Duration.ofSeconds(30), 1000, Duration.ofMinutes(2),
                Duration.ofMillis(200), Duration.ofSeconds(5), DEFAULT_RETRY_TIERS);
    }

    /**
     * Reads the settings from the process environment: {@code KAFKA_BOOTSTRAP_SERVERS} (required), the optional
     * {@code SINK_*} variables named by the {@code *_ENV} constants. Other variables are ignored (a sink module may
     * read its own).
     *
     * @throws IllegalArgumentException naming every missing or unreadable variable at once, on one line; secret
     *                                  values are never echoed
     */
    public static SinkConfig fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** As {@link #fromEnvironment()}, reading the given variables instead of the process environment. */
    public static SinkConfig fromEnvironment(Map<String, String> env) {
        EnvReader kafka = new EnvReader(env);
        String bootstrap = kafka.kafkaBootstrapServers();
        List<String> errors = new ArrayList<>(kafka.problems());
        SinkConfig d = of("unused:0");
        String groupId = read(env, GROUP_ID, null, errors);
        int maxAttempts = read(env, MAX_ATTEMPTS, d.maxAttempts, errors);
        Duration maxRetryTime = read(env, MAX_RETRY_TIME, d.maxRetryTime, errors);
        Duration initialBackoff = read(env, INITIAL_BACKOFF, d.initialBackoff, errors);
        Duration maxBackoff = read(env, MAX_BACKOFF, d.maxBackoff, errors);
        add(errors, backoffOrder(initialBackoff, maxBackoff, true));
        double jitter = read(env, JITTER, d.jitter, errors);
        int concurrency = read(env, MAX_CONCURRENCY, d.maxConcurrencyPerEndpoint, errors);
        int threshold = read(env, BREAKER_THRESHOLD, d.breakerFailureThreshold, errors);
        Duration open = read(env, BREAKER_OPEN, d.breakerOpenDuration, errors);
        int inFlight = read(env, MAX_IN_FLIGHT, d.maxInFlight, errors);
        Duration attemptTimeout = read(env, ATTEMPT_TIMEOUT, d.attemptTimeout, errors);
        Duration commitInterval = read(env, COMMIT_INTERVAL, d.commitInterval, errors);
        Duration horizon = read(env, RETRY_HORIZON, d.retryHorizon, errors);
        List<Duration> tiers = read(env, RETRY_TIERS, d.retryTiers, errors);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid sink settings: " + String.join("; ", errors));
        }
        return new SinkConfig(bootstrap, groupId, maxAttempts, maxRetryTime, initialBackoff, maxBackoff, jitter,
                concurrency, threshold, open, inFlight, attemptTimeout, commitInterval, horizon, tiers);
    }

    /** The consumer group of a sink of this type: {@link #groupId()} when set, else {@code leadpipe-sink-<type>}. */
    public String groupIdFor(DestinationType type) {
        return groupId != null ? groupId : DEFAULT_GROUP_ID_PREFIX + type.wireName();
    }

    public SinkConfig withGroupId(String id) {
        return copy(b -> b.groupId = id);
    }

    /** The per-destination retry budget: at most {@code attempts} attempts within {@code retryTime} of the first failure. */
    public SinkConfig withRetryBudget(int attempts, Duration retryTime) {
        return copy(b -> {
            b.maxAttempts = attempts;
            b.maxRetryTime = retryTime;
        });
    }

    public SinkConfig withMaxAttempts(int attempts) {
        return withRetryBudget(attempts, maxRetryTime);
    }

    public SinkConfig withMaxRetryTime(Duration retryTime) {
        return withRetryBudget(maxAttempts, retryTime);
    }

    /** The backoff: {@code initial} after the first failure, doubling up to {@code max}, spread by {@code jitter}. */
    public SinkConfig withBackoff(Duration initial, Duration max, double jitterFraction) {
        return copy(b -> {
            b.initialBackoff = initial;
            b.maxBackoff = max;
            b.jitter = jitterFraction;
        });
    }

    public SinkConfig withMaxConcurrencyPerEndpoint(int calls) {
        return copy(b -> b.maxConcurrencyPerEndpoint = calls);
    }

    /** The circuit breaker: opens after {@code failures} consecutive transient failures, for {@code openFor}. */
    public SinkConfig withCircuitBreaker(int failures, Duration openFor) {
        return copy(b -> {
            b.breakerFailureThreshold = failures;
            b.breakerOpenDuration = openFor;
        });
    }

    public SinkConfig withMaxInFlight(int leads) {
        return copy(b -> b.maxInFlight = leads);
    }

    public SinkConfig withAttemptTimeout(Duration timeout) {
        return copy(b -> b.attemptTimeout = timeout);
    }

    public SinkConfig withCommitInterval(Duration interval) {
        return copy(b -> b.commitInterval = interval);
    }

    /** Waits up to {@code horizon} stay in memory; longer ones go to the retry tiers, whose delays are {@code tiers}. */
    public SinkConfig withRetryTiers(Duration horizon, List<Duration> tiers) {
        return copy(b -> {
            b.retryHorizon = horizon;
            b.retryTiers = tiers;
        });
    }

    /** The settings as fields to change one by one, for the copy methods. */
    private static final class Copy {
        String bootstrapServers;
        String groupId;
        int maxAttempts;
        Duration maxRetryTime;
        Duration initialBackoff;
        Duration maxBackoff;
        double jitter;
        int maxConcurrencyPerEndpoint;
        int breakerFailureThreshold;
        Duration breakerOpenDuration;
        int maxInFlight;
        Duration attemptTimeout;
        Duration commitInterval;
        Duration retryHorizon;
        List<Duration> retryTiers;
    }

    private SinkConfig copy(java.util.function.Consumer<Copy> change) {
        Copy b = new Copy();
        b.bootstrapServers = bootstrapServers;
        b.groupId = groupId;
        b.maxAttempts = maxAttempts;
        b.maxRetryTime = maxRetryTime;
        b.initialBackoff = initialBackoff;
        b.maxBackoff = maxBackoff;
        b.jitter = jitter;
        b.maxConcurrencyPerEndpoint = maxConcurrencyPerEndpoint;
        b.breakerFailureThreshold = breakerFailureThreshold;
        b.breakerOpenDuration = breakerOpenDuration;
        b.maxInFlight = maxInFlight;
        b.attemptTimeout = attemptTimeout;
        b.commitInterval = commitInterval;
        b.retryHorizon = retryHorizon;
        b.retryTiers = retryTiers;
        change.accept(b);
        return new SinkConfig(b.bootstrapServers, b.groupId, b.maxAttempts, b.maxRetryTime, b.initialBackoff,
                b.maxBackoff, b.jitter, b.maxConcurrencyPerEndpoint, b.breakerFailureThreshold, b.breakerOpenDuration,
                b.maxInFlight, b.attemptTimeout, b.commitInterval, b.retryHorizon, b.retryTiers);
    }

    /** Every setting, with any {@code user:password@} part of the bootstrap servers masked. */
    @Override
    public String toString() {
        return "SinkConfig[bootstrapServers=" + URL_USER_INFO.matcher(bootstrapServers).replaceAll(MASK + "@")
                + ", groupId=" + (groupId == null ? DEFAULT_GROUP_ID_PREFIX + "<type>" : groupId)
                + ", maxAttempts=" + maxAttempts + ", maxRetryTime=" + maxRetryTime
                + ", initialBackoff=" + initialBackoff + ", maxBackoff=" + maxBackoff + ", jitter=" + jitter
                + ", maxConcurrencyPerEndpoint=" + maxConcurrencyPerEndpoint
                + ", breakerFailureThreshold=" + breakerFailureThreshold
                + ", breakerOpenDuration=" + breakerOpenDuration + ", maxInFlight=" + maxInFlight
                + ", attemptTimeout=" + attemptTimeout + ", commitInterval=" + commitInterval
                + ", retryHorizon=" + retryHorizon + ", retryTiers=" + retryTiers + "]";
    }

    private static <T> T read(Map<String, String> env, Param<T> param, T fallback, List<String> errors) {
        String raw = blankToNull(env.get(param.env()));
        if (raw == null) {
            return fallback;
        }
        T value;
        try {
            value = param.parser().apply(raw);
        } catch (RuntimeException e) {
            value = null;
        }
        String problem = param.check(value, true);
        if (problem != null) {
            errors.add(problem);
            return fallback;
        }
        return value;
    }

    private static String backoffOrder(Duration initial, Duration max, boolean byEnv) {
        if (positive(initial) && positive(max) && max.compareTo(initial) < 0) {
            return byEnv ? MAX_BACKOFF_ENV + " must not be shorter than " + INITIAL_BACKOFF_ENV
                    : "maxBackoff must not be shorter than initialBackoff";
        }
        return null;
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    private static void add(List<String> errors, String problem) {
        if (problem != null) {
            errors.add(problem);
        }
    }

    private static List<Duration> parseDurations(String s) {
        List<Duration> out = new ArrayList<>();
        for (String part : s.split(",")) {
            out.add(EnvReader.parseDuration(part.trim()));
        }
        return out;
    }

    private static boolean validTiers(List<Duration> tiers) {
        if (tiers.size() != Topics.RETRY_TIERS) {
            return false;
        }
        for (int i = 0; i < tiers.size(); i++) {
            if (!positive(tiers.get(i)) || (i > 0 && tiers.get(i).compareTo(tiers.get(i - 1)) <= 0)) {
                return false;
            }
        }
        return true;
    }

    private static Integer parseInt(String s) {
        return Integer.valueOf(s.trim());
    }

    private static Double parseDouble(String s) {
        double d = Double.parseDouble(s.trim());
        if (Double.isNaN(d)) {
            throw new NumberFormatException("NaN");
        }
        return d;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
