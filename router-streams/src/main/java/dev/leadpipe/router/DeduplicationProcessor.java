package dev.leadpipe.router;

import java.time.Duration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadpipe.core.dlq.PipelineHeaders;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.core.lead.LeadJson;
import org.apache.kafka.streams.processor.api.ContextualFixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops a lead whose leadId was already routed within the de-duplication window with the same content, marks one
 * whose leadId was routed with different content as {@link ErrorClass#LEAD_ID_REUSED} (bound for the dead-letter
 * topic, not recorded), and records every lead it passes.
 *
 * <p>The store ({@link RouterTopology#DEDUP_STORE}) is a persistent, changelogged window store keyed by leadId
 * holding, at the record timestamp of each routed lead, its {@link ContentFingerprint}; its retention equals the
 * window, so Streams expires old entries by itself (no punctuator). A leadId is seen when the store holds it at a
 * timestamp within the window either side of the lead's own record timestamp (so out-of-order copies are caught
 * too); the lead is a duplicate when any entry seen has its content (or an unknown one, written by an older router),
 * and a reused leadId otherwise.
 * Because the store is updated in the same exactly-once transaction as the routed output, a crash can neither
 * lose the record of a routed lead nor record a lead that was not routed.
 *
 * <p>A lead carrying {@link PipelineHeaders#REPLAY_COUNT} (sent back by replay) always passes and is recorded again,
 * which restarts its window; one with a replay count above 0 is counted ({@link RouterMetrics#replays()}).
 */
final class DeduplicationProcessor extends ContextualFixedKeyProcessor<String, RoutingRecord, RoutingRecord> {
    private static final Logger LOG = LoggerFactory.getLogger(DeduplicationProcessor.class);

    private final long windowMs;
    private final RouterMetrics metrics;
    private WindowStore<String, ContentFingerprint> store;

    DeduplicationProcessor(Duration window, RouterMetrics metrics) {
        this.windowMs = window.toMillis();
        this.metrics = metrics;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, RoutingRecord> context) {
        super.init(context);
        this.store = context.getStateStore(RouterTopology.DEDUP_STORE);
    }

    @Override
    public void process(FixedKeyRecord<String, RoutingRecord> record) {
        String leadId = record.value().lead().leadId();
        long ts = record.timestamp();
        // the canonical form is written once: for the fingerprint, and as the delivery record's value
        ObjectNode canonical = LeadJson.write(record.value().lead());
        ContentFingerprint content = ContentFingerprint.of(canonical);
        boolean replayed = record.headers().lastHeader(PipelineHeaders.REPLAY_COUNT) != null;
        if (!replayed) {
            Seen seen = seenWithinWindow(leadId, ts, content);
            if (seen == Seen.SAME_CONTENT) {
                metrics.duplicateDropped();
                LOG.debug("dropping duplicate lead {}", leadId);
                return;
            }
            if (seen == Seen.OTHER_CONTENT) {
                context()
                        .forward(record.withValue(record.value()
                                .deadLetter(
                                        ErrorClass.LEAD_ID_REUSED,
                                        "leadId " + leadId
                                                + " was already routed within the de-duplication window for a lead with"
                                                + " different content")));
                return;
            }
        }
        store.put(leadId, content, ts);
        if (PipelineHeaders.replayCount(record.headers()) > 0) {
            metrics.replayRouted();
        }
        context().forward(record.withValue(record.value().withLeadJson(leadJson(canonical))));
    }

    private static byte[] leadJson(ObjectNode canonical) {
        try {
            return Json.MAPPER.writeValueAsBytes(canonical);
        } catch (JsonProcessingException e) {
            // the message names no field value; the lead's delivery writes it again and fails as before
            return null;
        }
    }

    private enum Seen {
        NOT_SEEN,
        SAME_CONTENT,
        OTHER_CONTENT
    }

    private Seen seenWithinWindow(String leadId, long ts, ContentFingerprint content) {
        long from = Math.max(0, ts - windowMs);
        long to = ts > Long.MAX_VALUE - windowMs ? Long.MAX_VALUE : ts + windowMs;
        Seen seen = Seen.NOT_SEEN;
        try (WindowStoreIterator<ContentFingerprint> entries = store.fetch(leadId, from, to)) {
            while (entries.hasNext()) {
                if (entries.next().value.sameContentAs(content)) {
                    return Seen.SAME_CONTENT;
                }
                seen = Seen.OTHER_CONTENT;
            }
        }
        return seen;
    }
}
