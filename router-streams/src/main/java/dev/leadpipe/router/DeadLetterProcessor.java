package dev.leadpipe.router;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.dlq.PipelineHeaders;
import dev.leadpipe.core.error.ErrorClass;

/**
 * Turns a record bound for the dead-letter topic into its dead-letter form: the original key, the original raw
 * bytes as the value, the original headers, and the {@link DeadLetterHeaders} context (any {@code leadpipe.dlq.*}
 * headers the record already carried, from an earlier dead-lettering, are replaced). Failure times are the record's
 * timestamp; the source topic, partition and offset are those of the leads record being processed.
 */
final class DeadLetterProcessor implements FixedKeyProcessor<String, RoutingRecord, byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessor.class);

    private final RouterMetrics metrics;
    private FixedKeyProcessorContext<String, byte[]> context;

    DeadLetterProcessor(RouterMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, RoutingRecord> record) {
        RoutingRecord v = record.value();
        ErrorClass error = v.error() == null ? ErrorClass.UNKNOWN : v.error();
        String leadId = v.lead() == null ? record.key() : v.lead().leadId();
        String offerId = v.lead() == null ? null : v.lead().offerId();
        String time = Instant.ofEpochMilli(record.timestamp()).toString();

        Headers headers = withoutDeadLetterContext(record.headers());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.LEAD_ID, leadId);
        DeadLetterHeaders.put(headers, DeadLetterHeaders.ERROR_CLASS, error.code());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.ERROR_KIND, error.kind().label());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.REMEDIATION, error.remediation());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.UPSTREAM_DETAIL, v.detail());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.DESTINATION_TYPE, v.destinationTypeName());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.OFFER_ID, offerId);
        DeadLetterHeaders.put(headers, DeadLetterHeaders.ATTEMPTS, 0);
        DeadLetterHeaders.put(headers, DeadLetterHeaders.FIRST_FAILURE_TIME, time);
        DeadLetterHeaders.put(headers, DeadLetterHeaders.LAST_FAILURE_TIME, time);
        context.recordMetadata().ifPresent(md -> {
            DeadLetterHeaders.put(headers, DeadLetterHeaders.SOURCE_TOPIC, md.topic());
            DeadLetterHeaders.put(headers, DeadLetterHeaders.SOURCE_PARTITION, md.partition());
            DeadLetterHeaders.put(headers, DeadLetterHeaders.SOURCE_OFFSET, md.offset());
        });
        DeadLetterHeaders.put(headers, DeadLetterHeaders.REPLAY_COUNT, PipelineHeaders.replayCount(record.headers()));

        metrics.recordDeadLettered(error);
        LOG.warn("lead {} dead-lettered as {}: {}", leadId, error.code(), v.detail());
        context.forward(record.withValue(v.raw()).withHeaders(headers));
    }

    /** A copy of the headers without earlier dead-letter context; the record's own headers stay untouched. */
    private static Headers withoutDeadLetterContext(Headers original) {
        List<Header> kept = new ArrayList<>();
        for (Header h : original) {
            if (!h.key().startsWith(DeadLetterHeaders.PREFIX)) {
                kept.add(h);
            }
        }
        return new RecordHeaders(kept);
    }
}
