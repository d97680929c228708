package dev.leadpipe.sink.runtime;

import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.dlq.DeadLetterRecord;
import dev.leadpipe.core.retry.RetryHeaders;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * Builds a sink's dead-letter record with {@link DeadLetterRecord}, as the router does: the delivery record's
 * original key, raw bytes, timestamp and headers (minus any {@code leadpipe.dlq.*} context of an earlier
 * dead-lettering and the {@code leadpipe.retry.*} state of a lead that waited in a retry tier), plus every
 * {@link DeadLetterHeaders} header. The source topic, partition and offset are where the lead was first read from its
 * delivery topic, which the caller puts in the {@link DeadLetterRecord.Context} with the failure; the upstream detail
 * must already be redacted.
 */
final class DeadLetterRecords {
    private DeadLetterRecords() {}

    /**
     * @param partition the dead-letter partition (the source partition when the topic has it), or null to let the
     *                  producer choose
     */
    static ProducerRecord<String, byte[]> build(PendingLead lead, DeadLetterRecord.Context c, Integer partition) {
        Headers headers = DeadLetterRecord.headers(lead.headers, c, RetryHeaders.PREFIX);
        return new ProducerRecord<>(
                Topics.LEADS_DLQ.name(),
                partition,
                lead.timestamp >= 0 ? lead.timestamp : null,
                lead.key,
                lead.raw,
                headers);
    }
}
