package dev.leadpipe.sink.runtime;

import java.time.Instant;
import java.util.concurrent.ScheduledFuture;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;

import dev.leadpipe.core.lead.Lead;

/**
 * One delivery record the runtime received and has not finished: where it came from (for the offset tracker and the
 * dead-letter record), its original key, bytes and headers, the parsed lead (null when unreadable), and its retry
 * state. A lead is handled by one thread at a time (consumer, scheduler, attempt), each handing it on through an
 * executor, so the retry state needs no lock; {@link #cancelled} is set from the consumer thread on revocation.
 */
final class PendingLead {
    final TopicPartition partition;
    final long offset;
    final long epoch;
    final String key;
    final byte[] raw;
    final Headers headers;
    final long timestamp;
    final Lead lead;
    final int replayCount;

    int attempts;
    Instant firstAttemptAt;
    /** When the retry budget started: the first failure, or the first time an open circuit held the lead back. */
    Instant budgetStart;
    Instant firstFailureAt;
    Instant lastFailureAt;
    DeliveryFailure lastFailure;
    boolean destinationGraceUsed;

    /** Its partition was revoked: drop it, the new owner reads it again. */
    volatile boolean cancelled;
    volatile ScheduledFuture<?> parkedTask;

    PendingLead(TopicPartition partition, long offset, long epoch, String key, byte[] raw, Headers headers,
                long timestamp, Lead lead, int replayCount) {
        this.partition = partition;
        this.offset = offset;
        this.epoch = epoch;
        this.key = key;
        this.raw = raw;
        this.headers = headers;
        this.timestamp = timestamp;
        this.lead = lead;
        this.replayCount = replayCount;
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
