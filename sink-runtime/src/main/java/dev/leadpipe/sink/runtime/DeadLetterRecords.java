package dev.leadpipe.sink.runtime;

import java.time.Instant;

import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.dlq.DeadLetterRecord;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.retry.RetryHeaders;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * Builds a sink's dead-letter record with {@link DeadLetterRecord}, as the router does: the delivery record's
 * original key, raw bytes, timestamp and headers (minus any {@code leadpipe.dlq.*} context of an earlier
 * dead-lettering and the {@code leadpipe.retry.*} state of a lead that waited in a retry tier), plus every
 * {@link DeadLetterHeaders} header. The source topic, partition and offset are where the lead was first read from its
 * delivery topic. The upstream detail must already be redacted.
 */
final class DeadLetterRecords {
    private DeadLetterRecords() {}

    /**
     * What is known about a lead's failure when it is dead-lettered.
     *
     * @param httpStatus the upstream HTTP status of the last failure, 0 when none (decides {@code error.kind})
     */
    record Context(
            ErrorClass errorClass,
            int httpStatus,
            String redactedDetail,
            String destinationType,
            int attempts,
            Instant firstFailure,
            Instant lastFailure) {}

    /**
     * @param partition the dead-letter partition (the source partition when the topic has it), or null to let the
     *                  producer choose
     */
    static ProducerRecord<String, byte[]> build(PendingLead lead, Context c, Integer partition) {
        Headers headers = DeadLetterRecord.headers(
                lead.headers,
                new DeadLetterRecord.Context(
                        lead.leadId(),
                        lead.offerId(),
                        c.errorClass(),
                        c.httpStatus(),
                        c.redactedDetail(),
                        c.destinationType(),
                        c.attempts(),
                        c.firstFailure(),
                        c.lastFailure(),
                        lead.sourceTopic,
                        lead.sourcePartition,
                        lead.sourceOffset,
                        lead.replayCount),
                RetryHeaders.PREFIX);
        return new ProducerRecord<>(
                Topics.LEADS_DLQ.name(),
                partition,
                lead.timestamp >= 0 ? lead.timestamp : null,
                lead.key,
                lead.raw,
                headers);
    }
}
