package dev.leadpipe.router;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.lead.Lead;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands a routable lead to its delivery topic: keyed by its leadId, the lead as value, the original headers kept. */
final class DeliveryProcessor extends ContextualProcessor<String, RoutingRecord, String, Lead> {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryProcessor.class);

    private final DestinationType type;
    private final RouterMetrics metrics;

    DeliveryProcessor(DestinationType type, RouterMetrics metrics) {
        this.type = type;
        this.metrics = metrics;
    }

    @Override
    public void process(Record<String, RoutingRecord> record) {
        Lead lead = record.value().lead();
        metrics.leadDelivered(type);
        LOG.debug("lead {} routed to {}", lead.leadId(), type.wireName());
        context().forward(record.withKey(lead.leadId()).withValue(lead));
    }
}
