package dev.leadpipe.faults;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every size, rate, duration and sink environment of every scenario, in one place, for the two sizes of the suite:
 * {@code short} (the default; runs inside {@code ./mvnw verify}) and {@code long} ({@code -Dfaults.suite=long}, run by
 * {@code bin/faults}). docs/reliability.md quotes these values; change them here and there together.
 *
 * <p>Time compression: the short suite's outages last seconds, not hours. The sink's retry tiers are scaled down
 * ({@link #RETRY_TIERS}) so that a lead parked in the slowest tier comes back within a minute of recovery, and the
 * long-outage scenario's outage stands for one longer than the old 10-minute budget.
 */
final class FaultSettings {
    /** {@code short} or {@code long}. */
    static final String SUITE = System.getProperty("faults.suite", "short").isBlank()
            ? "short"
            : System.getProperty("faults.suite", "short").trim();

    static final boolean LONG = SUITE.equals("long");

    /** The in-memory horizon a lead waits for before it moves to a retry tier (the runtime's default). */
    static final String RETRY_HORIZON = "5s";
    /** The retry tiers' delays, compressed from the default 10s,1m,10m,1h so a recovered endpoint drains within a minute. */
    static final String RETRY_TIERS = LONG ? "5s,15s,1m,2m" : "2s,5s,15s,30s";
    /**
     * The longest wait between two attempts, or two holds, of one lead, compressed with the tiers from the default 10 min
     * to the slowest tier: so a lead held back throughout an outage comes back within one slowest tier of recovery.
     */
    static final String MAX_BACKOFF = LONG ? "2m" : "30s";
    /** Concurrent calls to one endpoint; the kill-9 bound on re-sends is twice this. */
    static final int CONCURRENCY = 8;

    private FaultSettings() {}

    /**
     * Two phases of one fairness run: the same load, the first without a fault, the second with it. B's leads are
     * spread evenly over the phase. The short suite sends B 4,000 leads in 20 s (200/s), not the 20,000: at
     * 20,000 in 30 s (667/s) a loaded 2-core machine is saturated already in the no-fault phase (H's p99 12.5 s there
     * in a trial run), which makes the phase a poor baseline; the long suite sends 20,000 in 120 s (167/s).
     */
    record Fairness(String name, Duration phase, int healthyPerSecond, int burstLeads, Duration drainTimeout) {}

    static final Fairness FAIRNESS_503 = LONG
            ? new Fairness("fairness-503", Duration.ofSeconds(120), 20, 20_000, Duration.ofMinutes(20))
            : new Fairness("fairness-503", Duration.ofSeconds(20), 20, 4_000, Duration.ofMinutes(6));

    /**
     * B's endpoint takes {@link #SLOW_CALL} per call and succeeds. B's leads per phase must stay well above the
     * runtime's {@code SINK_MAX_IN_FLIGHT} (1,000): a trial with 1,000 showed no effect on H at all.
     */
    static final Fairness FAIRNESS_SLOW = LONG
            ? new Fairness("fairness-slow", Duration.ofSeconds(120), 20, 20_000, Duration.ofMinutes(20))
            : new Fairness("fairness-slow", Duration.ofSeconds(20), 20, 2_000, Duration.ofMinutes(4));

    /**
     * How long the slow endpoint takes per call: the 30 s is exactly sink-https's own per-request timeout
     * ({@code HttpsDestinationClient.DEFAULT_TIMEOUT}), which would turn every call into a timeout; 25 s stays a
     * slow success.
     */
    static final Duration SLOW_CALL = Duration.ofSeconds(25);

    static final Fairness SAME_HOST_PATHS = LONG
            ? new Fairness("same-host-paths", Duration.ofSeconds(120), 20, 20_000, Duration.ofMinutes(20))
            : new Fairness("same-host-paths", Duration.ofSeconds(20), 20, 2_000, Duration.ofMinutes(4));

    /** A destination down for {@code outage} while {@code leads} arrive for it, then recovering. */
    record LongOutage(Duration outage, int leads, int healthyPerSecond, Duration drainTimeout) {}

    /**
     * The short outage (90 s) stands for one longer than the old 10-minute budget; the long one really is longer
     * (12 min). Either way longer than {@link #RETRY_HORIZON} and than every retry tier but the last.
     */
    static final LongOutage LONG_OUTAGE = LONG
            ? new LongOutage(Duration.ofMinutes(12), 5_000, 5, Duration.ofMinutes(10))
            : new LongOutage(Duration.ofSeconds(90), 5_000, 5, Duration.ofMinutes(4));

    /**
     * long-outage's {@code SINK_MAX_RETRY_TIME}: unset by default (the runtime's own budget, 24 h);
     * {@code -Dfaults.longOutage.maxRetryTime=60s} gives the sink a budget shorter than the compressed outage, to show
     * what an outage longer than the budget does (the runtime before issue 14 had 10 minutes).
     */
    static final String LONG_OUTAGE_MAX_RETRY_TIME =
            System.getProperty("faults.longOutage.maxRetryTime", "").trim();

    /** {@code leads} at {@code perSecond} to one counting receiver, with {@code kills} kill -9 of the sink. */
    record Kill(int leads, int perSecond, int kills, Duration drainTimeout) {}

    /**
     * The 10,000 leads and 5 kills in both suites (about 90 s: a restarted sink gets its partitions within about
     * 8 s, once the killed member's 10 s session has expired).
     */
    static final Kill SINK_KILL = new Kill(10_000, 250, 5, LONG ? Duration.ofMinutes(10) : Duration.ofMinutes(4));

    static final Kill ROUTER_KILL = new Kill(20_000, 250, 5, Duration.ofMinutes(10));

    /** Long suite only: the broker (a JVM of its own) stopped {@code restarts} times under load, down {@code down} each. */
    record BrokerRestart(int leads, int perSecond, int restarts, Duration down, Duration drainTimeout) {}

    static final BrokerRestart BROKER_RESTART =
            new BrokerRestart(10_000, 100, 2, Duration.ofSeconds(15), Duration.ofMinutes(10));

    /** Two sinks in one group, the second stopped and started {@code cycles} times while leads are dead-lettered. */
    record Rebalance(int leadsPerOffer, int perSecondPerOffer, int cycles, Duration drainTimeout) {}

    static final Rebalance REBALANCE = LONG
            ? new Rebalance(10_000, 100, 10, Duration.ofMinutes(10))
            : new Rebalance(1_000, 50, 3, Duration.ofMinutes(3));

    /** Long suite only: B answers 429 with {@code Retry-After: retryAfterSeconds} for the fault phase. */
    static final Fairness RETRY_AFTER_STORM =
            new Fairness("retry-after-storm", Duration.ofSeconds(120), 20, 20_000, Duration.ofMinutes(20));

    static final int RETRY_AFTER_SECONDS = 5;

    /** The sink environment every scenario starts from: the new runtime's knobs compressed, concurrency explicit. */
    static Map<String, String> sinkEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SINK_RETRY_HORIZON", RETRY_HORIZON);
        env.put("SINK_RETRY_TIERS", RETRY_TIERS);
        env.put("SINK_MAX_BACKOFF", MAX_BACKOFF);
        env.put("SINK_MAX_CONCURRENCY_PER_ENDPOINT", Integer.toString(CONCURRENCY));
        return env;
    }

    /** long-outage's sink environment: {@link #sinkEnv()} plus {@link #LONG_OUTAGE_MAX_RETRY_TIME} when given. */
    static Map<String, String> longOutageSinkEnv() {
        Map<String, String> env = sinkEnv();
        if (!LONG_OUTAGE_MAX_RETRY_TIME.isEmpty()) {
            env.put("SINK_MAX_RETRY_TIME", LONG_OUTAGE_MAX_RETRY_TIME);
        }
        return env;
    }
}
