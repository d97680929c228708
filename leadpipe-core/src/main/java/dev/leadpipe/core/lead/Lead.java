package dev.leadpipe.core.lead;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One marketplace lead as it travels the pipeline: the marketplace's fields plus what the pipeline adds
 * ({@code leadId}, {@code offerId} as {@code publisherId.offerId}, {@code receivedAt}, {@code test}).
 * Read and written by {@link LeadJson}; {@link #toString()} prints no personal data.
 */
public record Lead(
        String leadId,
        String offerId,
        Instant receivedAt,
        boolean test,
        UserDetails userDetails,
        String leadSource,
        String actionCode,
        String offerTitle,
        String description,
        Map<String, JsonNode> otherFields) {

    /** The prefix of every field of the marketplace's test lead ({@code MSFT_TEST_636573304831318844}). */
    public static final String TEST_LEAD_PREFIX = "MSFT_TEST_";

    public Lead {
        userDetails = userDetails == null ? UserDetails.EMPTY : userDetails;
        otherFields = otherFields == null ? Map.of() : Map.copyOf(otherFields);
    }

    public LeadSource parsedLeadSource() {
        return LeadSource.parse(leadSource);
    }

    public Lead withLeadId(String id) {
        return new Lead(
                id,
                offerId,
                receivedAt,
                test,
                userDetails,
                leadSource,
                actionCode,
                offerTitle,
                description,
                otherFields);
    }

    public Lead withReceivedAt(Instant at) {
        return new Lead(
                leadId, offerId, at, test, userDetails, leadSource, actionCode, offerTitle, description, otherFields);
    }

    @Override
    public String toString() {
        return "Lead[leadId=" + leadId + ", offerId=" + offerId + ", test=" + test + "]";
    }
}
