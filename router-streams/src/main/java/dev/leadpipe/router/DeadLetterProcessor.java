package dev.leadpipe.router;

import java.time.Instant;
import java.util.Optional;

import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.dlq.DeadLetterRecord;
import dev.leadpipe.core.dlq.PipelineHeaders;
import dev.leadpipe.core.error.ErrorClass;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.ContextualFixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a record bound for the dead-letter topic into its dead-letter form: the original key, the original raw
 * bytes as the value, and the headers {@link DeadLetterRecord} builds (the original ones plus the
 * {@link DeadLetterHeaders} context, any of an earlier dead-lettering replaced). Failure times are the record's
 * timestamp; the source topic, partition and offset are those of the leads record being processed.
 */
final class DeadLetterProcessor extends ContextualFixedKeyProcessor<String, RoutingRecord, byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessor.class);

    private final RouterMetrics metrics;

    DeadLetterProcessor(RouterMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void process(FixedKeyRecord<String, RoutingRecord> record) {
        RoutingRecord v = record.value();
        ErrorClass error = v.error() == null ? ErrorClass.UNKNOWN : v.error();
        String leadId = v.lead() == null ? record.key() : v.lead().leadId();
        String offerId = v.lead() == null ? null : v.lead().offerId();
        Instant time = Instant.ofEpochMilli(record.timestamp());
        Optional<RecordMetadata> source = context().recordMetadata();
        Headers headers = DeadLetterRecord.headers(
                record.headers(),
                new DeadLetterRecord.Context(
                        leadId,
                        offerId,
                        error,
                        0,
                        v.detail(),
                        v.destinationTypeName(),
                        0,
                        time,
                        time,
                        source.map(RecordMetadata::topic).orElse(null),
                        source.map(RecordMetadata::partition).orElse(null),
                        source.map(RecordMetadata::offset).orElse(null),
                        PipelineHeaders.replayCount(record.headers())));

        metrics.recordDeadLettered(error);
        LOG.warn("lead {} dead-lettered as {}: {}", leadId, error.code(), v.detail());
        context().forward(record.withValue(v.raw()).withHeaders(headers));
    }
}
