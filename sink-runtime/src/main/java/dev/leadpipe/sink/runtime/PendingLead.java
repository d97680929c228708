package dev.leadpipe.sink.runtime;

import java.time.Instant;
import java.util.concurrent.ScheduledFuture;

import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.retry.WaitingLead;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;

/**
 * One record the runtime read (from the delivery topic or a retry tier) and has not finished: where it was read (for
 * the offset tracker), its original key, bytes and headers, the parsed lead (null when unreadable), and its retry
 * state, which a lead read from a retry tier brings back from its headers ({@link RetryRecords#restore}). A lead is
 * handled by one thread at a time (consumer, scheduler, attempt), each handing it on through an executor, so the retry
 * state needs no lock; {@link #cancelled} is set from the consumer thread on revocation and read everywhere.
 */
final class PendingLead {
    /** Where this record was read, and the tracker epoch of that partition. */
    final TopicPartition partition;

    final long offset;
    final long epoch;
    final String key;
    final byte[] raw;
    /** The record's headers, retry headers included; never modified. */
    final Headers headers;

    final long timestamp;
    final Lead lead;
    final int replayCount;

    /** Where the lead was first read from its delivery topic (this record, unless it came from a retry tier). */
    String sourceTopic;

    int sourcePartition;
    long sourceOffset;

    int attempts;
    Instant firstAttemptAt;
    /** When the retry budget started: the first failure, or the first time an open circuit held the lead back. */
    Instant budgetStart;

    Instant firstFailureAt;
    Instant lastFailureAt;
    DeliveryFailure lastFailure;
    /** Times the lead was held back without an attempt (open circuit, busy endpoint). */
    int holds;
    /** When the lead started waiting in a retry tier, or null when it never has. */
    Instant waitingSince;
    /** Why it last waited in a retry tier. */
    WaitingLead.Reason reason;
    /** When a lead read from a retry tier is due for its next attempt (it may arrive early, between tiers). */
    Instant nextAttemptAt;

    boolean destinationGraceUsed;

    /**
     * The endpoint lane whose uncommitted-attempt token this lead holds (taken at its first attempt here, given back
     * once its completion is committed), or null.
     */
    EndpointLane tokenLane;

    /** When its endpoint lane last let an attempt of it through ({@link System#nanoTime()}). */
    long admittedAt;

    /** Its partition was revoked (or the sink is closing): nothing more is written for it; the new owner reads it. */
    volatile boolean cancelled;

    volatile ScheduledFuture<?> parkedTask;

    PendingLead(
            TopicPartition partition,
            long offset,
            long epoch,
            String key,
            byte[] raw,
            Headers headers,
            long timestamp,
            Lead lead,
            int replayCount) {
        this.partition = partition;
        this.offset = offset;
        this.epoch = epoch;
        this.key = key;
        this.raw = raw;
        this.headers = headers;
        this.timestamp = timestamp;
        this.lead = lead;
        this.replayCount = replayCount;
        this.sourceTopic = partition.topic();
        this.sourcePartition = partition.partition();
        this.sourceOffset = offset;
    }

    String leadId() {
        return lead != null && lead.leadId() != null ? lead.leadId() : key;
    }

    String offerId() {
        return lead == null ? null : lead.offerId();
    }

    boolean test() {
        return lead != null && lead.test();
    }

    /** Whether the lead has waited in a retry tier: its outcome is then followed by a {@code lead-waiting} tombstone. */
    boolean hasWaited() {
        return waitingSince != null;
    }

    void recordFailure(DeliveryFailure failure, Instant at) {
        if (firstFailureAt == null) {
            firstFailureAt = at;
        }
        if (budgetStart == null) {
            budgetStart = at;
        }
        lastFailureAt = at;
        lastFailure = failure;
    }

    @Override
    public String toString() {
        return "PendingLead[leadId=" + leadId() + ", offerId=" + offerId() + ", " + partition + "@" + offset + "]";
    }
}
