package dev.leadpipe.sink.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.KafkaSettings;
import dev.leadpipe.core.config.Declaration;
import dev.leadpipe.core.config.DeclaredConfig;
import dev.leadpipe.core.config.Setting;
import dev.leadpipe.core.config.Settings;
import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.topic.TopicSpec;
import dev.leadpipe.core.topic.Topics;

/**
 * The settings of one sink instance, validated when built: every setting that cannot work is reported together in
 * one single-line {@link IllegalArgumentException}, naming the setting (the record component, or the environment
 * variable for {@link #fromEnvironment(Map)}). {@link #toString()} shows every setting but masks anything
 * secret-looking (a {@code user:password@} part of the bootstrap servers). Unknown variables are ignored, so a sink
 * module may read its own {@code SINK_<TYPE>_*} variables beside these.
 *
 * <p>Build one with {@link #of(String)} (every default) and {@link #with(Setting, Object)} (or the copy methods that
 * change settings which belong together), or read it with {@link #fromEnvironment(Map)}; each setting is declared once
 * (component, variable, parser, rule, default and description) in {@link #SETTINGS}.
 *
 * @param kafka                     how every Kafka client reaches the cluster: {@code KAFKA_BOOTSTRAP_SERVERS} (required) and the
 *                                  security settings ({@link KafkaSettings#CONNECTION}); secrets masked when shown
 * @param groupId                   the consumer group; empty means {@code leadpipe-sink-<type>} ({@link #groupIdFor})
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
 * @param allowedHosts              the destination allow-list every delivery's hosts are checked against, before
 *                                  anything is sent ({@code DESTINATION_ALLOWED_HOSTS}, default none; see
 *                                  {@link DestinationAddresses})
 */
public record SinkConfig(
        KafkaConnection kafka,
        Optional<String> groupId,
        int maxAttempts,
        Duration maxRetryTime,
        Duration initialBackoff,
        Duration maxBackoff,
        double jitter,
        int maxConcurrencyPerEndpoint,
        int breakerFailureThreshold,
        Duration breakerOpenDuration,
        int maxInFlight,
        Duration attemptTimeout,
        Duration commitInterval,
        Duration retryHorizon,
        List<Duration> retryTiers,
        DestinationAddresses allowedHosts)
        implements DeclaredConfig<SinkConfig> {

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
    public static final String MASK = Setting.MASK;
    /** The default retry tier delays. */
    public static final List<Duration> DEFAULT_RETRY_TIERS =
            List.of(Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMinutes(10), Duration.ofHours(1));

    public static final Setting<Optional<String>> GROUP_ID = Setting.text(
                    "groupId",
                    GROUP_ID_ENV,
                    "a non-blank consumer group id",
                    "consumer group (of the delivery topic and its retry tiers)")
            .optional()
            .documentedDefault(DEFAULT_GROUP_ID_PREFIX + "<type>");
    public static final Setting<Integer> MAX_ATTEMPTS =
            Setting.count("maxAttempts", MAX_ATTEMPTS_ENV, 200, "attempts per lead, the first included");
    public static final Setting<Duration> MAX_RETRY_TIME = Setting.duration(
            "maxRetryTime",
            MAX_RETRY_TIME_ENV,
            Duration.ofHours(24),
            "transient budget: how long after a lead's first failure it may still be retried");
    public static final Setting<Duration> INITIAL_BACKOFF = Setting.duration(
            "initialBackoff", INITIAL_BACKOFF_ENV, Duration.ofSeconds(1), "wait after the first failure, doubling");
    public static final Setting<Duration> MAX_BACKOFF = Setting.duration(
            "maxBackoff", MAX_BACKOFF_ENV, Duration.ofMinutes(10), "cap of that wait, and of a held-back lead's wait");
    public static final Setting<Double> JITTER = Setting.of(
                    "jitter",
                    JITTER_ENV,
                    SinkConfig::parseFraction,
                    "a fraction from 0 up to (not including) 1, e.g. 0.2",
                    j -> j >= 0 && j < 1,
                    "each wait spread by this fraction either way")
            .defaultsTo(0.2);
    public static final Setting<Integer> MAX_CONCURRENCY_PER_ENDPOINT = Setting.count(
            "maxConcurrencyPerEndpoint", MAX_CONCURRENCY_PER_ENDPOINT_ENV, 8, "concurrent calls to one endpoint");
    public static final Setting<Integer> BREAKER_FAILURE_THRESHOLD = Setting.count(
            "breakerFailureThreshold",
            BREAKER_FAILURE_THRESHOLD_ENV,
            5,
            "consecutive transient failures that open an endpoint's circuit");
    public static final Setting<Duration> BREAKER_OPEN_DURATION = Setting.duration(
            "breakerOpenDuration",
            BREAKER_OPEN_DURATION_ENV,
            Duration.ofSeconds(30),
            "how long a circuit stays open before one trial");
    public static final Setting<Integer> MAX_IN_FLIGHT = Setting.count(
            "maxInFlight", MAX_IN_FLIGHT_ENV, 1000, "leads held in memory above which consumption pauses");
    public static final Setting<Duration> ATTEMPT_TIMEOUT = Setting.duration(
            "attemptTimeout",
            ATTEMPT_TIMEOUT_ENV,
            Duration.ofMinutes(2),
            "a call not returned by then is a transient failure");
    public static final Setting<Duration> COMMIT_INTERVAL = Setting.duration(
            "commitInterval",
            COMMIT_INTERVAL_ENV,
            Duration.ofMillis(200),
            "the longest a finished lead waits for its commit");
    public static final Setting<Duration> RETRY_HORIZON = Setting.duration(
            "retryHorizon", RETRY_HORIZON_ENV, Duration.ofSeconds(5), "the longest a lead waits in memory");
    public static final Setting<List<Duration>> RETRY_TIERS = Setting.of(
                    "retryTiers",
                    RETRY_TIERS_ENV,
                    SinkConfig::parseDurations,
                    Topics.RETRY_TIERS
                            + " strictly increasing positive durations, comma-separated (e.g. 10s,1m,10m,1h), each"
                            + " shorter than the retry topics' retention ("
                            + Setting.formatDuration(TopicSpec.STREAM_RETENTION) + ")",
                    SinkConfig::validTiers,
                    "the delays of the retry tier topics")
            .shownAs(SinkConfig::formatDurations)
            .defaultsTo(DEFAULT_RETRY_TIERS);

    /** Every setting of a sink, in the order of the components. */
    public static final List<Setting<?>> SETTINGS = KafkaSettings.serviceSettings(
            GROUP_ID,
            MAX_ATTEMPTS,
            MAX_RETRY_TIME,
            INITIAL_BACKOFF,
            MAX_BACKOFF,
            JITTER,
            MAX_CONCURRENCY_PER_ENDPOINT,
            BREAKER_FAILURE_THRESHOLD,
            BREAKER_OPEN_DURATION,
            MAX_IN_FLIGHT,
            ATTEMPT_TIMEOUT,
            COMMIT_INTERVAL,
            RETRY_HORIZON,
            RETRY_TIERS,
            DestinationAddresses.ALLOWED_HOSTS);

    private static final List<Settings.Rule<?, ?>> RULES = List.of(new Settings.Rule<>(
            MAX_BACKOFF, "not be shorter than", INITIAL_BACKOFF, (max, initial) -> max.compareTo(initial) >= 0));
    public static final Declaration<SinkConfig> DECLARATION =
            new Declaration<>(SinkConfig.class, "sink settings", SETTINGS, RULES);

    public SinkConfig {
        DECLARATION.check(
                kafka,
                groupId,
                maxAttempts,
                maxRetryTime,
                initialBackoff,
                maxBackoff,
                jitter,
                maxConcurrencyPerEndpoint,
                breakerFailureThreshold,
                breakerOpenDuration,
                maxInFlight,
                attemptTimeout,
                commitInterval,
                retryHorizon,
                retryTiers,
                allowedHosts);
        retryTiers = List.copyOf(retryTiers);
    }

    /** Every default, for the given cluster. */
    public static SinkConfig of(String bootstrapServers) {
        return of(KafkaConnection.plaintext(bootstrapServers));
    }

    /** As {@link #of(String)}, reaching Kafka through {@code kafka}. */
    public static SinkConfig of(KafkaConnection kafka) {
        return DECLARATION.build(KafkaSettings.CONNECTION, kafka);
    }

    /** The consumer group of a sink of this type: {@link #groupId()} when set, else {@code leadpipe-sink-<type>}. */
    public String groupIdFor(DestinationType type) {
        return groupId.orElse(DEFAULT_GROUP_ID_PREFIX + type.wireName());
    }

    /** A copy with its own consumer group instead of {@code leadpipe-sink-<type>}. */
    public SinkConfig withGroupId(String id) {
        return with(GROUP_ID, Optional.of(id));
    }

    /** A copy whose deliveries may reach these allow-listed hosts ({@link DestinationAddresses}). */
    public SinkConfig withAllowedHosts(DestinationAddresses addresses) {
        return with(DestinationAddresses.ALLOWED_HOSTS, addresses);
    }

    /** A copy allowing {@code calls} concurrent delivery calls to one endpoint. */
    public SinkConfig withMaxConcurrencyPerEndpoint(int calls) {
        return with(MAX_CONCURRENCY_PER_ENDPOINT, calls);
    }

    /** The retry budget: at most {@code attempts} attempts within {@code retryTime} of the first failure. */
    public SinkConfig withRetryBudget(int attempts, Duration retryTime) {
        return DECLARATION.with(this, Map.of(MAX_ATTEMPTS, attempts, MAX_RETRY_TIME, retryTime));
    }

    /** The backoff: {@code initial} after the first failure, doubling up to {@code max}, spread by {@code jitter}. */
    public SinkConfig withBackoff(Duration initial, Duration max, double jitterFraction) {
        return DECLARATION.with(this, Map.of(INITIAL_BACKOFF, initial, MAX_BACKOFF, max, JITTER, jitterFraction));
    }

    /** The circuit breaker: opens after {@code failures} consecutive transient failures, for {@code openFor}. */
    public SinkConfig withCircuitBreaker(int failures, Duration openFor) {
        return DECLARATION.with(this, Map.of(BREAKER_FAILURE_THRESHOLD, failures, BREAKER_OPEN_DURATION, openFor));
    }

    /** Waits up to {@code horizon} stay in memory; longer ones go to the retry tiers, whose delays are {@code tiers}. */
    public SinkConfig withRetryTiers(Duration horizon, List<Duration> tiers) {
        return DECLARATION.with(this, Map.of(RETRY_HORIZON, horizon, RETRY_TIERS, tiers));
    }

    /** Every setting, with any {@code user:password@} part of the bootstrap servers masked. */
    @Override
    public String toString() {
        return DECLARATION.describe(this);
    }

    private static List<Duration> parseDurations(String s) {
        List<Duration> out = new ArrayList<>();
        for (String part : s.split(",")) {
            out.add(Setting.parseDuration(part.trim()));
        }
        return out;
    }

    private static String formatDurations(List<Duration> tiers) {
        return tiers.stream().map(Setting::formatDuration).collect(Collectors.joining(","));
    }

    private static boolean validTiers(List<Duration> tiers) {
        if (tiers.size() != Topics.RETRY_TIERS) {
            return false;
        }
        for (int i = 0; i < tiers.size(); i++) {
            Duration t = tiers.get(i);
            if (t == null
                    || t.isNegative()
                    || t.isZero()
                    || t.compareTo(TopicSpec.STREAM_RETENTION) >= 0
                    || (i > 0 && t.compareTo(tiers.get(i - 1)) <= 0)) {
                return false;
            }
        }
        return true;
    }

    private static Double parseFraction(String s) {
        double d = Double.parseDouble(s);
        if (Double.isNaN(d)) {
            throw new NumberFormatException("NaN");
        }
        return d;
    }

    @Override
    public Declaration<SinkConfig> declaration() {
        return DECLARATION;
    }
}
