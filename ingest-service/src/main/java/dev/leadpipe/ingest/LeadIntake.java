package dev.leadpipe.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.lead.EduPrivacy;
import dev.leadpipe.core.lead.FieldError;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.LeadIds;
import dev.leadpipe.core.lead.LeadJson;

/**
 * Turns one submitted lead (a parsed JSON value) into the {@link Lead} ingest writes, or into the complete list of
 * what is wrong with it. The lead id is the body's {@code leadId}, else the {@code Idempotency-Key} header, else
 * {@link LeadIds#deterministicId} (the same lead resubmitted keeps its id); {@code receivedAt} is the time of
 * receipt, whatever the body said. A .edu customer's personal data is withheld ({@link EduPrivacy}) before the lead
 * is written anywhere.
 */
final class LeadIntake {
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final String IDEMPOTENCY_KEY_POINTER = "header:" + IDEMPOTENCY_KEY;

    private LeadIntake() {}

    /** A lead ready to write ({@code errors} empty), or every problem found. */
    record Outcome(Lead lead, List<FieldError> errors) {
        boolean ok() {
            return errors.isEmpty();
        }
    }

    /**
     * @param idempotencyKey the request's {@code Idempotency-Key} header, or null (batches pass null)
     */
    static Outcome prepare(JsonNode node, String idempotencyKey, Instant now) {
        List<FieldError> errors = new ArrayList<>();
        if (idempotencyKey != null
                && !LeadJson.LEAD_ID_PATTERN.matcher(idempotencyKey).matches()) {
            errors.add(new FieldError(
                    IDEMPOTENCY_KEY_POINTER,
                    "must be 1-128 letters, digits or . _ : - (starting with a letter or digit)"));
        }
        LeadJson.Result read = LeadJson.readForIngest(node);
        errors.addAll(read.errors());
        if (!errors.isEmpty()) {
            return new Outcome(null, errors);
        }
        Lead lead = read.lead();
        String leadId = lead.leadId() != null
                ? lead.leadId()
                : idempotencyKey != null ? idempotencyKey : LeadIds.deterministicId(lead);
        // The id is computed from the full lead first, so a resubmitted .edu lead keeps its id too.
        return new Outcome(EduPrivacy.withhold(lead.withLeadId(leadId).withReceivedAt(now)), List.of());
    }
}
