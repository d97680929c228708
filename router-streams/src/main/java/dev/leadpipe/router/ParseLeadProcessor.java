package dev.leadpipe.router;

import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.core.lead.FieldError;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.LeadJson;
import org.apache.kafka.streams.processor.api.ContextualFixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Reads each raw value of the leads topic as a lead. Never throws for bad input: a value that is not JSON, not a
 * lead, or a lead without {@code leadId} or {@code offerId} is forwarded as {@link RoutingRecord#malformed}, with a
 * description naming the problem and never a field's value.
 */
final class ParseLeadProcessor extends ContextualFixedKeyProcessor<String, byte[], RoutingRecord> {
    private static final int MAX_DETAIL_LENGTH = 500;

    @Override
    public void process(FixedKeyRecord<String, byte[]> record) {
        context().forward(record.withValue(parse(record.value())));
    }

    static RoutingRecord parse(byte[] raw) {
        if (raw == null) {
            return RoutingRecord.malformed(null, "the record has no value");
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(raw);
        } catch (IOException e) {
            // the parser's message quotes the input, which may hold personal data: leave it out
            return RoutingRecord.malformed(raw, "the value is not JSON");
        }
        LeadJson.Result result;
        try {
            result = LeadJson.read(node);
        } catch (RuntimeException e) {
            return RoutingRecord.malformed(
                    raw,
                    "the value could not be read as a lead (" + e.getClass().getSimpleName() + ")");
        }
        if (!result.ok()) {
            return RoutingRecord.malformed(raw, truncate("the value is not a lead: " + describe(result.errors())));
        }
        Lead lead = result.lead();
        if (lead.leadId() == null || lead.leadId().isBlank()) {
            return RoutingRecord.malformed(raw, "the lead has no leadId");
        }
        if (lead.offerId() == null || lead.offerId().isBlank()) {
            return RoutingRecord.malformed(raw, "the lead has no offerId");
        }
        return RoutingRecord.readable(raw, lead);
    }

    private static String describe(List<FieldError> errors) {
        return errors.stream()
                .map(e -> (e.pointer() == null || e.pointer().isEmpty() ? "/" : e.pointer()) + " " + e.detail())
                .collect(Collectors.joining("; "));
    }

    private static String truncate(String s) {
        return s.length() <= MAX_DETAIL_LENGTH ? s : s.substring(0, MAX_DETAIL_LENGTH - 3) + "...";
    }
}
