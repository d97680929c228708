package dev.leadpipe.ingest;

import java.util.Optional;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.topic.Topics;

/**
 * The cap on one lead's size ({@link IngestConfig#MAX_LEAD_BYTES}), measured as the bytes its value takes on the
 * {@code leads} topic, serialized exactly as ingest writes it. The cap sits well below Kafka's default 1 MiB message
 * size, so every record derived from the lead (its dead letter with all the context headers, a retry) fits too. A
 * lead over the cap is answered 413 {@code lead-too-large}, naming the lead by its id and offer only.
 */
record LeadSizeCap(long maxBytes) {
    static final String SLUG = "lead-too-large";

    /** The lead's value on {@code leads}, serialized exactly as ingest writes it (and measures it). */
    static byte[] serialized(Lead lead) {
        return Topics.LEADS.valueSerde().serializer().serialize(Topics.LEADS.name(), lead);
    }

    /** The detail of the 413 when the lead is over the cap, or empty when it fits. */
    Optional<String> excess(Lead lead) {
        return excess(serialized(lead));
    }

    /** The detail of the 413 when the lead's {@link #serialized} value is over the cap, or empty when it fits. */
    Optional<String> excess(byte[] value) {
        int size = value.length;
        if (size <= maxBytes) {
            return Optional.empty();
        }
        return Optional.of("the lead is " + size + " bytes once serialized; at most " + maxBytes
                + " are accepted (INGEST_MAX_LEAD_BYTES), so that its dead-letter record fits a Kafka message");
    }

    /** The 413 problem of a single lead over the cap: {@code leadId} and {@code offerId} name it. */
    Problem problem(Lead lead, String detail) {
        return Problem.of(413, SLUG, "Lead Too Large", detail)
                .withExtension("leadId", TextNode.valueOf(lead.leadId()))
                .withExtension("offerId", TextNode.valueOf(lead.offerId()));
    }
}
