package dev.leadpipe.local;

import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

/** Formats the per-lead table the local run prints: one line per posted lead, ids and classes only. */
final class OutcomeTable {
    private static final String FORMAT = "%3s  %-36s  %-28s  %-13s  %s";

    private OutcomeTable() {}

    static String render(
            int count,
            Map<Integer, JsonNode> itemByIndex,
            Map<String, Integer> firstIndexOf,
            Function<String, LeadFate> fateOf) {
        StringJoiner out = new StringJoiner("\n");
        out.add(String.format(FORMAT, "#", "leadId", "offer", "outcome", "detail"));
        out.add("-".repeat(140));
        for (int i = 0; i < count; i++) {
            JsonNode item = itemByIndex.get(i);
            int n = i + 1;
            if (item == null) {
                out.add(String.format(FORMAT, n, "-", "-", "UNKNOWN", "no answer from ingest for this line"));
                continue;
            }
            if (!item.hasNonNull("leadId")) {
                StringJoiner errors = new StringJoiner("; ");
                item.path("errors")
                        .forEach(e -> errors.add(e.path("pointer").asText() + " "
                                + e.path("detail").asText()));
                out.add(String.format(
                        FORMAT,
                        n,
                        "-",
                        "-",
                        "REJECTED",
                        "HTTP " + item.path("status").asInt() + ": " + errors));
                continue;
            }
            String leadId = item.get("leadId").asText();
            int first = firstIndexOf.get(leadId);
            LeadFate fate = fateOf.apply(leadId);
            String offer = fate == null ? item.path("offerId").asText("-") : fate.offerId();
            if (first != i) {
                out.add(String.format(
                        FORMAT,
                        n,
                        leadId,
                        offer,
                        "DUPLICATE",
                        "same lead as #" + (first + 1) + ": same leadId, dropped by the router, not routed twice"));
            } else if (fate == null) {
                out.add(String.format(FORMAT, n, leadId, offer, "PENDING", "no outcome yet"));
            } else {
                out.add(String.format(FORMAT, n, leadId, offer, fate.what(), fate.detail()));
            }
        }
        return out.toString();
    }

    static String liveLine(LeadFate fate) {
        return String.format(FORMAT, "now", fate.leadId(), fate.offerId(), fate.what(), fate.detail());
    }
}
