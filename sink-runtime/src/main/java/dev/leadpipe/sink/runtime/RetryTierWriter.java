package dev.leadpipe.sink.runtime;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.retry.WaitingLead;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends a waiting lead to a retry tier through the {@link LeadWriter}: the {@link WaitingLead} that makes its wait
 * visible on {@code lead-waiting}, then its tier record ({@link RetryRecords}). Once both are acknowledged the lead is
 * finished on the topic it was read from (its offset is released); it comes back when its tier record is due. The
 * waiting record goes first so that whatever follows the tier record (another hop, or the outcome and its
 * {@code lead-waiting} tombstone) is written after it. Uses its own producer, so a flood of waiting leads never queues
 * up in front of other offers' outcomes.
 */
final class RetryTierWriter {
    private final Producer<String, byte[]> producer;
    private final LeadWriter writer;
    private final RetryRecords records;
    private final Clock clock;

    RetryTierWriter(Producer<String, byte[]> producer, LeadWriter writer, RetryRecords records, Clock clock) {
        this.producer = producer;
        this.writer = writer;
        this.records = records;
        this.clock = clock;
    }

    /**
     * Makes {@code p} wait in a retry tier until {@code at} for {@code reason}, then runs {@code finished}.
     *
     * @param destination the destination whose secrets to redact from the last failure's detail, or null
     * @return false when nothing is written (the lead's partition is no longer this sink's, or it is closing)
     */
    boolean defer(
            PendingLead p, WaitingLead.Reason reason, Instant at, LeadDestination destination, Runnable finished) {
        Instant now = clock.instant();
        p.reason = reason;
        p.nextAttemptAt = at;
        if (p.waitingSince == null) {
            p.waitingSince = now;
        }
        String detail =
                p.lastFailure == null ? null : OutcomeWriter.redact(p.lastFailure.detail(), destination, p.lead);
        byte[] waiting = Topics.LEAD_WAITING
                .valueSerde()
                .serializer()
                .serialize(Topics.LEAD_WAITING.name(), records.waiting(p, now));
        return writer.write(
                p,
                List.of(
                        new LeadWriter.Step(
                                producer, new ProducerRecord<>(Topics.LEAD_WAITING.name(), p.leadId(), waiting)),
                        new LeadWriter.Step(producer, records.tierRecord(p, now, detail))),
                finished);
    }
}
