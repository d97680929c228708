package dev.leadpipe.sink.runtime;

import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.topic.Topics;

/**
 * Builds a sink's dead-letter record, the same shape the router writes: the delivery record's original key, raw
 * bytes, timestamp and headers (minus any {@code leadpipe.dlq.*} context of an earlier dead-lettering and the
 * {@code leadpipe.retry.*} state of a lead that waited in a retry tier), plus every {@link DeadLetterHeaders} header.
 * The source topic, partition and offset are where the lead was first read from its delivery topic. The upstream
 * detail must already be redacted.
 */
final class DeadLetterRecords {
    private DeadLetterRecords() {
    }

    /** What is known about a lead's failure when it is dead-lettered. */
    record Context(ErrorClass errorClass, boolean transientKind, String redactedDetail, String destinationType,
                   int attempts, Instant firstFailure, Instant lastFailure) {
    }

    /**
     * @param partition the dead-letter partition (the source partition when the topic has it), or null to let the
     *                  producer choose
     */
    static ProducerRecord<String, byte[]> build(PendingLead lead, Context c, Integer partition) {
        Headers headers = RetryRecords.withoutRetryHeaders(lead.headers);
        DeadLetterHeaders.put(headers, DeadLetterHeaders.LEAD_ID, lead.leadId());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.ERROR_CLASS, c.errorClass().code());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.ERROR_KIND, c.transientKind() ? "transient" : "permanent");
        DeadLetterHeaders.put(headers, DeadLetterHeaders.REMEDIATION, c.errorClass().remediation());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.UPSTREAM_DETAIL, c.redactedDetail());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.DESTINATION_TYPE, c.destinationType());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.OFFER_ID, lead.offerId());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.ATTEMPTS, c.attempts());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.FIRST_FAILURE_TIME, c.firstFailure());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.LAST_FAILURE_TIME, c.lastFailure());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.SOURCE_TOPIC, lead.sourceTopic);
        DeadLetterHeaders.put(headers, DeadLetterHeaders.SOURCE_PARTITION, lead.sourcePartition);
        DeadLetterHeaders.put(headers, DeadLetterHeaders.SOURCE_OFFSET, lead.sourceOffset);
        DeadLetterHeaders.put(headers, DeadLetterHeaders.REPLAY_COUNT, lead.replayCount);
        return new ProducerRecord<>(Topics.LEADS_DLQ.name(), partition, lead.timestamp >= 0 ? lead.timestamp : null,
                lead.key, lead.raw, headers);
    }
}
