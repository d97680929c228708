package dev.leadpipe.bench.stages;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.leadpipe.bench.Bench;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Follows {@code lead-outcomes} from its end at construction (no consumer group) and keeps, for the leads whose id
 * starts with a prefix, each lead's first outcome: counts per outcome type, and the record time (the sink's producer
 * time) of every DELIVERED one, from which {@link #drainRate} is computed. Its own thread; {@link #close} stops it.
 */
final class OutcomeTally implements AutoCloseable {
    private final String prefix;
    private final OutcomeFollower follower;
    private final Set<String> seen = new HashSet<>();
    private final Map<OutcomeType, Integer> byType = new EnumMap<>(OutcomeType.class);
    private final List<Long> deliveredAt = new ArrayList<>();
    private int repeated;

    OutcomeTally(String bootstrap, String leadIdPrefix) {
        this.prefix = leadIdPrefix;
        this.follower = new OutcomeFollower(bootstrap, this::record);
    }

    private synchronized void record(ConsumerRecord<String, Outcome> r) {
        if (r.key() == null || !r.key().startsWith(prefix) || r.value() == null) {
            return;
        }
        if (!seen.add(r.key())) {
            repeated++;
            return;
        }
        byType.merge(r.value().outcome(), 1, Integer::sum);
        if (r.value().outcome() == OutcomeType.DELIVERED) {
            deliveredAt.add(r.timestamp());
        }
        notifyAll();
    }

    /**
     * Waits until {@code expected} leads have an outcome; throws, naming what is missing, when none came for
     * {@code stall} or {@code deadline} has passed.
     */
    synchronized void awaitOutcomes(int expected, Duration stall, Duration deadline, Bench bench, String what)
            throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        long lastProgress = System.nanoTime();
        int last = -1;
        long lastReport = 0;
        while (seen.size() < expected) {
            if (follower.failure() != null) {
                throw new IllegalStateException(what + ": reading lead-outcomes failed", follower.failure());
            }
            long now = System.nanoTime();
            if (seen.size() != last) {
                last = seen.size();
                lastProgress = now;
            }
            if (now - lastProgress > stall.toNanos() || now > end) {
                throw new IllegalStateException(what + ": " + seen.size() + " of " + expected
                        + " leads have an outcome (" + byType + ") after "
                        + (now - end > 0 ? "the deadline of " + deadline : stall + " without progress"));
            }
            if (now - lastReport > 5_000_000_000L) {
                lastReport = now;
                bench.progress(what + ": " + seen.size() + " of " + expected + " outcomes");
            }
            wait(200);
        }
    }

    synchronized int count(OutcomeType type) {
        return byType.getOrDefault(type, 0);
    }

    /** Outcomes read again for a lead that already had one (a re-delivery after an uncommitted attempt). */
    synchronized int repeated() {
        return repeated;
    }

    synchronized Map<OutcomeType, Integer> counts() {
        return Map.copyOf(byType);
    }

    /**
     * Leads per second between the first and the last DELIVERED outcome, over the {@code from}..{@code to} fraction
     * of them in time order ((0, 1) for the whole drain): {@code (k - 1) / (t_last - t_first)}.
     */
    synchronized double drainRate(double from, double to) {
        List<Long> times = new ArrayList<>(deliveredAt);
        times.sort(null);
        int first = (int) Math.floor(from * (times.size() - 1));
        int last = (int) Math.ceil(to * (times.size() - 1));
        if (last <= first) {
            return Double.NaN;
        }
        double seconds = Math.max(1, times.get(last) - times.get(first)) / 1000.0;
        return (last - first) / seconds;
    }

    /** Seconds between the first and the last DELIVERED outcome. */
    synchronized double drainSeconds() {
        if (deliveredAt.size() < 2) {
            return 0;
        }
        long min = deliveredAt.stream().mapToLong(Long::longValue).min().orElse(0);
        long max = deliveredAt.stream().mapToLong(Long::longValue).max().orElse(0);
        return (max - min) / 1000.0;
    }

    @Override
    public void close() {
        follower.close();
    }
}
