package dev.leadpipe.sink.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.dlq.DeadLetterRecord;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.error.Redaction;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.UserDetails;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a lead's terminal outcome through the {@link LeadWriter}: {@code DELIVERED} (or {@code SENT_UNCONFIRMED} when
 * the destination could not confirm it kept the lead); {@code SUPPRESSED} for a lead not to be sent; or a dead-letter
 * record
 * ({@link DeadLetterRecords}, to the source partition of {@code leads-dlq}) followed by {@code DEAD_LETTERED}; for a
 * lead that waited in a retry tier, a {@code lead-waiting} tombstone last. The upstream detail is redacted of the
 * destination's secret settings and the lead's personal fields ({@link #redact}).
 */
final class OutcomeWriter {
    private static final Logger LOG = LoggerFactory.getLogger(OutcomeWriter.class);

    private final DestinationType type;
    private final Producer<String, byte[]> producer;
    private final LeadWriter writer;
    private final Clock clock;
    private final int deadLetterPartitions;

    OutcomeWriter(
            DestinationType type,
            Producer<String, byte[]> producer,
            LeadWriter writer,
            Clock clock,
            int deadLetterPartitions) {
        this.type = type;
        this.producer = producer;
        this.writer = writer;
        this.clock = clock;
        this.deadLetterPartitions = deadLetterPartitions;
    }

    /**
     * Writes {@code DELIVERED} with the destination's record id, or {@code SENT_UNCONFIRMED} with the client's detail
     * (redacted like a dead letter's) when the result is not confirmed, and the latency since the lead's arrival (else
     * its first attempt), then runs {@code finished}.
     *
     * @return false when nothing is written (the lead's partition is no longer this sink's, or it is closing)
     */
    boolean delivered(PendingLead p, DeliveryResult result, Runnable finished) {
        Instant now = clock.instant();
        Instant from =
                p.lead.receivedAt() != null ? p.lead.receivedAt() : p.firstAttemptAt != null ? p.firstAttemptAt : now;
        long latencyMs = Math.max(0, Duration.between(from, now).toMillis());
        Outcome outcome = result.confirmed()
                ? Outcome.delivered(
                        p.leadId(),
                        p.offerId(),
                        type.wireName(),
                        result.recordId(),
                        p.attempts,
                        latencyMs,
                        p.test(),
                        p.replayCount,
                        now)
                : Outcome.sentUnconfirmed(
                        p.leadId(),
                        p.offerId(),
                        type.wireName(),
                        p.attempts,
                        latencyMs,
                        p.test(),
                        p.replayCount,
                        now,
                        redact(result.detail(), null, p.lead));
        List<LeadWriter.Step> steps = new ArrayList<>();
        steps.add(new LeadWriter.Step(producer, outcomeRecord(outcome)));
        addWaitingTombstone(p, steps);
        return writer.write(p, steps, finished);
    }

    /**
     * Writes {@code SUPPRESSED} with {@code errorClass} for a lead that is not to be sent (no attempt made), then
     * runs {@code finished}.
     *
     * @return false when nothing is written
     */
    boolean notSent(PendingLead p, ErrorClass errorClass, Runnable finished) {
        Outcome outcome = Outcome.notSent(
                p.leadId(), p.offerId(), type.wireName(), errorClass, p.test(), p.replayCount, clock.instant());
        List<LeadWriter.Step> steps = new ArrayList<>();
        steps.add(new LeadWriter.Step(producer, outcomeRecord(outcome)));
        addWaitingTombstone(p, steps);
        return writer.write(p, steps, finished);
    }

    /** The delivery latency {@link #delivered} reports, for the latency histogram. */
    Duration latency(PendingLead p) {
        Instant from = p.lead.receivedAt() != null ? p.lead.receivedAt() : p.firstAttemptAt;
        return from == null ? Duration.ZERO : Duration.between(from, clock.instant());
    }

    /**
     * Writes the dead-letter record, then {@code DEAD_LETTERED}, then runs {@code finished}.
     *
     * @param destination the destination whose secrets to redact from the detail, or null
     * @param why         for the log line only: why the lead is dead-lettered, with no customer data
     * @return false when nothing is written
     */
    boolean deadLettered(
            PendingLead p, LeadDestination destination, DeliveryFailure failure, String why, Runnable finished) {
        Instant now = clock.instant();
        Instant first = p.firstFailureAt != null ? p.firstFailureAt : p.budgetStart != null ? p.budgetStart : now;
        Instant last = p.lastFailureAt != null ? p.lastFailureAt : now;
        String detail = redact(failure.detail(), destination, p.lead);
        DeadLetterRecord.Context context = new DeadLetterRecord.Context(
                p.leadId(),
                p.offerId(),
                failure.errorClass(),
                failure.httpStatus(),
                detail,
                type.wireName(),
                p.attempts,
                first,
                last,
                p.sourceTopic,
                p.sourcePartition,
                p.sourceOffset,
                p.replayCount);
        Integer partition = p.sourcePartition < deadLetterPartitions ? p.sourcePartition : null;
        // attempts null when none was made, as Outcome documents (the dead-letter header says 0)
        Outcome outcome = Outcome.deadLettered(
                p.leadId(),
                p.offerId(),
                type.wireName(),
                failure.errorClass(),
                p.attempts > 0 ? p.attempts : null,
                p.test(),
                p.replayCount,
                now,
                detail);
        List<LeadWriter.Step> steps = new ArrayList<>();
        steps.add(new LeadWriter.Step(producer, DeadLetterRecords.build(p, context, partition)));
        steps.add(new LeadWriter.Step(producer, outcomeRecord(outcome)));
        addWaitingTombstone(p, steps);
        boolean writing = writer.write(p, steps, finished);
        if (writing) {
            LOG.warn(
                    "lead {} of offer {} ({}@{}) dead-lettered as {} after {} attempt(s): {}",
                    p.leadId(),
                    p.offerId(),
                    p.partition,
                    p.offset,
                    failure.errorClass(),
                    p.attempts,
                    why);
        }
        return writing;
    }

    private void addWaitingTombstone(PendingLead p, List<LeadWriter.Step> steps) {
        if (p.hasWaited()) {
            steps.add(
                    new LeadWriter.Step(producer, new ProducerRecord<>(Topics.LEAD_WAITING.name(), p.leadId(), null)));
        }
    }

    private static ProducerRecord<String, byte[]> outcomeRecord(Outcome outcome) {
        byte[] value = Topics.LEAD_OUTCOMES.valueSerde().serializer().serialize(Topics.LEAD_OUTCOMES.name(), outcome);
        return new ProducerRecord<>(Topics.LEAD_OUTCOMES.name(), outcome.leadId(), value);
    }

    /** Removes from upstream text what the destination's spec redacts and the lead's personal fields. */
    static String redact(String detail, LeadDestination destination, Lead lead) {
        List<String> secrets = new ArrayList<>();
        if (destination != null) {
            secrets.addAll(destination.spec().redactionValues(destination.settings()));
        }
        if (lead != null) {
            UserDetails u = lead.userDetails();
            secrets.addAll(Stream.of(u.firstName(), u.lastName(), u.email(), u.phone(), u.company(), u.title())
                    .filter(Objects::nonNull)
                    .toList());
        }
        return Redaction.redact(detail, secrets);
    }
}
