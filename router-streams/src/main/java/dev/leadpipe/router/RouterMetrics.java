package dev.leadpipe.router;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of what the router did since this object was created, safe to read from any thread. Each counts records
 * as the topology processes them: if a transaction aborts and its records are processed again (exactly-once
 * recovery), they are counted again, so treat these as monitoring figures, not as the pipeline's ledger (the
 * outcomes topic is that).
 */
public final class RouterMetrics {
    private final LongAdder duplicatesDropped = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder suppressed = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();

    /** Leads dropped because the same leadId was routed within the de-duplication window. */
    public long duplicatesDropped() {
        return duplicatesDropped.sum();
    }

    /** Leads forwarded to a delivery topic. */
    public long delivered() {
        return delivered.sum();
    }

    /** .edu leads suppressed. */
    public long suppressed() {
        return suppressed.sum();
    }

    /** Records written to the dead-letter topic (unreadable, no destination, unsupported destination). */
    public long deadLettered() {
        return deadLettered.sum();
    }

    void duplicateDropped() {
        duplicatesDropped.increment();
    }

    void leadDelivered() {
        delivered.increment();
    }

    void leadSuppressed() {
        suppressed.increment();
    }

    void recordDeadLettered() {
        deadLettered.increment();
    }

    @Override
    public String toString() {
        return "RouterMetrics[delivered=" + delivered() + ", suppressed=" + suppressed() + ", deadLettered="
                + deadLettered() + ", duplicatesDropped=" + duplicatesDropped() + "]";
    }
}
