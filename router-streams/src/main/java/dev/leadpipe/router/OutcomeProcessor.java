package dev.leadpipe.router;

import java.time.Instant;

import dev.leadpipe.core.dlq.PipelineHeaders;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.outcome.Outcome;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the terminal outcome of a suppressed or dead-lettered lead, keyed by its leadId (an unreadable record's
 * outcome is keyed by, and names as leadId, the record's key, which may be null). The outcome is built from ids,
 * the destination type and the error class only, at the record's timestamp, and carries none of the input
 * record's headers, so no personal data can reach the outcomes topic.
 */
final class OutcomeProcessor extends ContextualProcessor<String, RoutingRecord, String, Outcome> {
    private static final Logger LOG = LoggerFactory.getLogger(OutcomeProcessor.class);

    enum Kind {
        SUPPRESSED,
        DEAD_LETTERED
    }

    private final Kind kind;
    private final RouterMetrics metrics;

    OutcomeProcessor(Kind kind, RouterMetrics metrics) {
        this.kind = kind;
        this.metrics = metrics;
    }

    @Override
    public void process(Record<String, RoutingRecord> record) {
        RoutingRecord v = record.value();
        Lead lead = v.lead();
        int replayCount = PipelineHeaders.replayCount(record.headers());
        Instant at = Instant.ofEpochMilli(record.timestamp());
        String key;
        Outcome outcome;
        if (kind == Kind.SUPPRESSED) {
            key = lead.leadId();
            outcome = Outcome.suppressed(lead.leadId(), lead.offerId(), lead.test(), replayCount, at);
            metrics.leadSuppressed();
            LOG.info("lead {} suppressed: the customer's e-mail domain is .edu", key);
        } else if (lead == null) {
            key = record.key();
            outcome = Outcome.deadLettered(
                    key, null, null, ErrorClass.MALFORMED_RECORD, null, false, replayCount, at, null);
        } else {
            key = lead.leadId();
            ErrorClass error = v.error() == null ? ErrorClass.UNKNOWN : v.error();
            outcome = Outcome.deadLettered(
                    key, lead.offerId(), v.destinationTypeName(), error, null, lead.test(), replayCount, at, null);
        }
        context().forward(new Record<>(key, outcome, record.timestamp(), new RecordHeaders()));
    }
}
