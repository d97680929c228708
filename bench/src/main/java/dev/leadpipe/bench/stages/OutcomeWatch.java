package dev.leadpipe.bench.stages;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Follows {@code lead-outcomes} (read_committed, from its end when created) on a thread of its own and notes, per
 * leadId, when this JVM first saw its DELIVERED outcome ({@link System#nanoTime}) and how many other outcomes came.
 */
final class OutcomeWatch implements AutoCloseable {
    private final OutcomeFollower follower;
    private final Map<String, Long> delivered = new ConcurrentHashMap<>();
    private final Map<OutcomeType, Long> others = new ConcurrentHashMap<>();

    OutcomeWatch(String bootstrap) {
        follower = new OutcomeFollower(bootstrap, this::record);
    }

    private void record(ConsumerRecord<String, Outcome> r) {
        long now = System.nanoTime();
        Outcome o = r.value();
        if (o == null) {
            return;
        }
        if (o.outcome() == OutcomeType.DELIVERED) {
            delivered.putIfAbsent(o.leadId(), now);
        } else {
            others.merge(o.outcome(), 1L, Long::sum);
        }
    }

    /** When this JVM saw {@code leadId}'s DELIVERED outcome (nanoTime), or null. */
    Long deliveredAt(String leadId) {
        return delivered.get(leadId);
    }

    /** Outcomes other than DELIVERED seen so far, by type. */
    Map<OutcomeType, Long> others() {
        return Map.copyOf(others);
    }

    @Override
    public void close() {
        follower.close();
    }
}
