package dev.leadpipe.sink.runtime;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sink's endpoints, each an {@link EndpointLane} made on first use, and what they share: the sink's memory. An
 * endpoint's share is {@link SinkConfig#maxInFlight()} over the endpoints holding leads, itself included, and unlimited
 * while no other endpoint holds any (it may fill the memory: the consumer then pauses, which holds nobody else up).
 * The endpoints holding leads are counted at most every {@link #SHARE_REFRESH}. Thread-safe.
 */
final class EndpointLanes {
    /** How often the endpoints holding leads are counted for {@link #share}. */
    static final Duration SHARE_REFRESH = Duration.ofMillis(100);

    private final SinkConfig config;
    private final Clock clock;
    private final Map<String, EndpointLane> lanes = new ConcurrentHashMap<>();
    private volatile int active;
    private volatile long countedAt;

    EndpointLanes(SinkConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** The lane of an endpoint ({@link DestinationClient#endpoint}), with its own circuit breaker. */
    EndpointLane get(String endpoint) {
        return lanes.computeIfAbsent(
                endpoint,
                e -> new EndpointLane(
                        e,
                        new CircuitBreaker(config.breakerFailureThreshold(), config.breakerOpenDuration(), clock),
                        config.maxConcurrencyPerEndpoint()));
    }

    /** How many leads {@code lane} may hold in calls and queue now. */
    int share(EndpointLane lane) {
        long now = System.nanoTime();
        if (now - countedAt > SHARE_REFRESH.toNanos()) {
            active = (int) lanes.values().stream().filter(EndpointLane::active).count();
            countedAt = now;
        }
        int others = active - (lane.active() ? 1 : 0);
        return others <= 0 ? Integer.MAX_VALUE : Math.max(1, config.maxInFlight() / (others + 1));
    }

    /** Drops queued leads whose partition was revoked, from every lane. */
    void purgeCancelled() {
        lanes.values().forEach(EndpointLane::purgeCancelled);
    }

    /** Leads queued in memory for a slot, over every endpoint. */
    int queued() {
        return lanes.values().stream().mapToInt(EndpointLane::queued).sum();
    }

    /** Endpoints whose circuit is not closed. */
    long openCircuits() {
        return lanes.values().stream()
                .filter(l -> l.breaker.state() != CircuitBreaker.State.CLOSED)
                .count();
    }
}
