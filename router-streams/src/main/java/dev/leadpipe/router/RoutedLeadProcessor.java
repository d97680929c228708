package dev.leadpipe.router;

import java.time.Instant;

import dev.leadpipe.core.dlq.PipelineHeaders;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.RoutedLead;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Writes what the router did with a lead that passed the duplicate filter to {@code leads-routed}: a
 * {@link RoutedLead} keyed by the lead's own leadId, at the input record's timestamp, built from ids, offer title,
 * lead source, action, time and flags only, and carrying none of the input record's headers, so no personal data
 * reaches the topic. The result comes from the record: an error class means {@link RoutedLead.Result#HELD}, a .edu
 * customer {@link RoutedLead.Result#SUPPRESSED}, anything else {@link RoutedLead.Result#ROUTED}.
 */
final class RoutedLeadProcessor extends ContextualProcessor<String, RoutingRecord, String, RoutedLead> {

    @Override
    public void process(Record<String, RoutingRecord> record) {
        RoutingRecord v = record.value();
        Lead lead = v.lead();
        if (lead == null) {
            return;
        }
        RoutedLead.Result result = v.error() != null
                ? RoutedLead.Result.HELD
                : lead.userDetails().isEdu() ? RoutedLead.Result.SUPPRESSED : RoutedLead.Result.ROUTED;
        RoutedLead routed = RoutedLead.of(
                lead,
                result,
                v.destinationTypeName(),
                v.error(),
                PipelineHeaders.replayCount(record.headers()),
                Instant.ofEpochMilli(record.timestamp()));
        context().forward(new Record<>(lead.leadId(), routed, record.timestamp(), new RecordHeaders()));
    }
}
