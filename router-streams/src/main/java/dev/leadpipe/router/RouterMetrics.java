package dev.leadpipe.router;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.error.ErrorClass;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Counters of what the router did since this object was created, as Micrometer counters on a registry (names as in
 * {@code docs/monitoring.md}), safe to read from any thread:
 * <ul>
 *   <li>{@value #ROUTED} ({@code leadpipe_router_routed_total}), tag {@code type}: leads forwarded to a delivery
 *       topic, by destination type (every deliverable type registered at 0);</li>
 *   <li>{@value #SUPPRESSED}: .edu leads suppressed;</li>
 *   <li>{@value #DEAD_LETTERED} ({@code leadpipe_router_dead_lettered_total}), tag {@code error_class}: records
 *       dead-lettered, by error class (the classes the router assigns registered at 0);</li>
 *   <li>{@value #DUPLICATES}: re-submitted leads dropped by de-duplication;</li>
 *   <li>{@value #REPLAYS}: replayed leads (replay count &gt; 0) that passed de-duplication and were routed again,
 *       whatever their end (delivery topic, suppression or dead letter).</li>
 * </ul>
 * Tags carry destination types and error classes only, never a lead id, an offer id or lead content. Each counts
 * records as the topology processes them: if a transaction aborts and its records are processed again (exactly-once
 * recovery), they are counted again, so treat these as monitoring figures, not as the pipeline's ledger (the
 * outcomes topic is that).
 */
public final class RouterMetrics {
    public static final String ROUTED = "leadpipe.router.routed";
    public static final String SUPPRESSED = "leadpipe.router.suppressed";
    /** Dots, so that Prometheus shows {@code leadpipe_router_dead_lettered_total}. */
    public static final String DEAD_LETTERED = "leadpipe.router.dead.lettered";

    public static final String DUPLICATES = "leadpipe.router.duplicates";
    public static final String REPLAYS = "leadpipe.router.replays";
    /** The error classes the topology assigns; registered at 0 so that every series exists from the start. */
    private static final ErrorClass[] ROUTER_ERROR_CLASSES = {
        ErrorClass.MALFORMED_RECORD,
        ErrorClass.NO_DESTINATION_CONFIGURED,
        ErrorClass.DESTINATION_UNSUPPORTED,
        ErrorClass.LEAD_ID_REUSED
    };

    private final MeterRegistry registry;
    private final Map<DestinationType, Counter> routed = new EnumMap<>(DestinationType.class);
    private final Map<ErrorClass, Counter> deadLettered = new ConcurrentHashMap<>();
    private final Counter suppressed;
    private final Counter duplicates;
    private final Counter replays;

    /** The registry the counters are on, where the router's Kafka Streams metrics go too. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Counters on a registry of their own (tests, and routers started without {@code Ops}). */
    public RouterMetrics() {
        this(new SimpleMeterRegistry());
    }

    /** Counters registered on {@code registry} (a service's {@code Ops.registry()}). */
    public RouterMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (DestinationType type : DestinationType.values()) {
            if (type.isDeliverable()) {
                routed.put(
                        type,
                        Counter.builder(ROUTED)
                                .description("Leads forwarded to a delivery topic, by destination type")
                                .tag("type", type.wireName())
                                .register(registry));
            }
        }
        for (ErrorClass error : ROUTER_ERROR_CLASSES) {
            deadLetteredCounter(error);
        }
        this.suppressed =
                Counter.builder(SUPPRESSED).description(".edu leads suppressed").register(registry);
        this.duplicates = Counter.builder(DUPLICATES)
                .description("Re-submitted leads dropped by de-duplication")
                .register(registry);
        this.replays = Counter.builder(REPLAYS)
                .description("Replayed leads (replay count > 0) routed again")
                .register(registry);
    }

    /** Leads dropped because the same leadId was routed within the de-duplication window. */
    public long duplicatesDropped() {
        return (long) duplicates.count();
    }

    /** Leads forwarded to a delivery topic, of every type. */
    public long delivered() {
        long sum = 0;
        for (Counter c : routed.values()) {
            sum += (long) c.count();
        }
        return sum;
    }

    /** Leads forwarded to the delivery topic of {@code type} (0 for a type without one). */
    public long routed(DestinationType type) {
        Counter c = routed.get(type);
        return c == null ? 0 : (long) c.count();
    }

    /** .edu leads suppressed. */
    public long suppressed() {
        return (long) suppressed.count();
    }

    /** Records written to the dead-letter topic (unreadable, no destination, unsupported destination). */
    public long deadLettered() {
        long sum = 0;
        for (Counter c : deadLettered.values()) {
            sum += (long) c.count();
        }
        return sum;
    }

    /** Records dead-lettered as {@code error}. */
    public long deadLettered(ErrorClass error) {
        Counter c = deadLettered.get(error);
        return c == null ? 0 : (long) c.count();
    }

    /** Replayed leads routed again. */
    public long replays() {
        return (long) replays.count();
    }

    void duplicateDropped() {
        duplicates.increment();
    }

    void leadDelivered(DestinationType type) {
        Counter c = routed.get(type);
        if (c == null) { // a type made deliverable after this object was built; not expected
            c = Counter.builder(ROUTED).tag("type", type.wireName()).register(registry);
        }
        c.increment();
    }

    void leadSuppressed() {
        suppressed.increment();
    }

    void recordDeadLettered(ErrorClass error) {
        deadLetteredCounter(error).increment();
    }

    void replayRouted() {
        replays.increment();
    }

    private Counter deadLetteredCounter(ErrorClass error) {
        return deadLettered.computeIfAbsent(
                error,
                e -> Counter.builder(DEAD_LETTERED)
                        .description("Records the router dead-lettered, by error class")
                        .tag("error_class", e.code())
                        .register(registry));
    }

    @Override
    public String toString() {
        return "RouterMetrics[delivered=" + delivered() + ", suppressed=" + suppressed() + ", deadLettered="
                + deadLettered() + ", duplicatesDropped=" + duplicatesDropped() + ", replays=" + replays() + "]";
    }
}
