package dev.leadpipe.router;

import java.time.Duration;

import dev.leadpipe.core.dlq.PipelineHeaders;
import org.apache.kafka.streams.processor.api.ContextualFixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops a lead whose leadId was already routed within the de-duplication window, and records every lead it passes.
 *
 * <p>The store ({@link RouterTopology#DEDUP_STORE}) is a persistent, changelogged window store keyed by leadId
 * holding, at the record timestamp of each routed lead, that timestamp; its retention equals the window, so Streams
 * expires old entries by itself (no punctuator). A lead is a duplicate when the store holds its leadId at a
 * timestamp within the window either side of its own record timestamp (so out-of-order copies are caught too).
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
    private WindowStore<String, Long> store;

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
        boolean replayed = record.headers().lastHeader(PipelineHeaders.REPLAY_COUNT) != null;
        if (!replayed && seenWithinWindow(leadId, ts)) {
            metrics.duplicateDropped();
            LOG.debug("dropping duplicate lead {}", leadId);
            return;
        }
        store.put(leadId, ts, ts);
        if (PipelineHeaders.replayCount(record.headers()) > 0) {
            metrics.replayRouted();
        }
        context().forward(record);
    }

    private boolean seenWithinWindow(String leadId, long ts) {
        long from = Math.max(0, ts - windowMs);
        long to = ts > Long.MAX_VALUE - windowMs ? Long.MAX_VALUE : ts + windowMs;
        try (WindowStoreIterator<Long> seen = store.fetch(leadId, from, to)) {
            return seen.hasNext();
        }
    }
}
