package dev.leadpipe.leadctl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.dlq.PipelineHeaders;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.core.lead.FieldError;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.LeadJson;
import dev.leadpipe.core.lead.UserDetails;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.common.header.Header;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code leadctl dlq show LEADID}: the newest dead-letter record of one lead (scanning {@code leads-dlq} up to the end
 * offsets captured at start): its position, every {@code leadpipe.dlq.*} header, the remediation, where it failed
 * (source topic, partition, offset), the names of its original headers, and the lead's non-personal fields parsed
 * from the value (offerId, LeadSource, ActionCode, OfferTitle, receivedAt, test). The personal fields (UserDetails,
 * Description; the raw bytes of an unreadable record) are printed only with {@code --show-personal-data}; without it
 * e-mail-shaped text is redacted everywhere. A lead with no dead-letter record: exit 1 with one line.
 */
@Command(
        name = "show",
        mixinStandardHelpOptions = true,
        versionProvider = Leadctl.Version.class,
        description = "Show the newest dead-letter record of one lead: every leadpipe.dlq.* header, the fix, where it "
                + "failed and the lead's non-personal fields.")
final class DlqShowCommand extends LeadctlCommand {
    @Parameters(
            paramLabel = "LEADID",
            description = "The lead's id (the leadpipe.dlq.lead.id header, else the record key).")
    String leadId;

    @Option(
            names = "--show-personal-data",
            description =
                    "Also print the customer's personal data (UserDetails, Description). Mind where the output goes.")
    boolean showPersonalData;

    @Override
    int execute() {
        KafkaAccess kafka = kafka(Topics.LEADS_DLQ.name());
        String wanted = leadId.trim();
        DeadLetter[] newest = new DeadLetter[1];
        int[] count = new int[1];
        try (var consumer = kafka.consumer(null)) {
            new DlqScanner(kafka, consumer).scanAll(dl -> {
                if (wanted.equals(dl.leadId())) {
                    count[0]++;
                    if (newest[0] == null || dl.isNewerThan(newest[0])) {
                        newest[0] = dl;
                    }
                }
                return true;
            });
        }
        if (newest[0] == null) {
            throw new LeadctlException(
                    ExitCodes.NOT_FOUND,
                    "no dead-lettered lead " + Privacy.safe(wanted) + " in " + Topics.LEADS_DLQ.name() + " at "
                            + kafka.bootstrapServers());
        }
        print(newest[0], count[0]);
        return ExitCodes.OK;
    }

    private void print(DeadLetter dl, int count) {
        Map<String, String> h = dl.dlqHeaders();
        List<String[]> summary = new ArrayList<>();
        summary.add(new String[] {"lead", dl.leadId()});
        summary.add(new String[] {
            "record",
            dl.position() + " at " + Instant.ofEpochMilli(dl.timestamp())
                    + (count > 1 ? " (newest of " + count + " dead-letter records of this lead)" : "")
        });
        summary.add(new String[] {
            "error class",
            h.get(DeadLetterHeaders.ERROR_CLASS)
                    + (h.get(DeadLetterHeaders.ERROR_KIND) == null
                            ? ""
                            : " (" + h.get(DeadLetterHeaders.ERROR_KIND) + ")")
        });
        summary.add(new String[] {"remediation", h.get(DeadLetterHeaders.REMEDIATION)});
        summary.add(new String[] {"upstream detail", Privacy.safeUpstream(h.get(DeadLetterHeaders.UPSTREAM_DETAIL))});
        summary.add(new String[] {"offer", h.get(DeadLetterHeaders.OFFER_ID)});
        summary.add(new String[] {"destination type", h.get(DeadLetterHeaders.DESTINATION_TYPE)});
        summary.add(new String[] {"attempts", h.get(DeadLetterHeaders.ATTEMPTS)});
        summary.add(new String[] {"first failure", h.get(DeadLetterHeaders.FIRST_FAILURE_TIME)});
        summary.add(new String[] {"last failure", h.get(DeadLetterHeaders.LAST_FAILURE_TIME)});
        summary.add(new String[] {"replay count", String.valueOf(dl.replayCount())});
        summary.add(new String[] {"failed at", source(h)});
        printPairs(summary);

        out().println();
        out().println("dead-letter headers:");
        List<String[]> headers = new ArrayList<>();
        h.forEach((k, v) -> headers.add(
                new String[] {"  " + k, DeadLetterHeaders.UPSTREAM_DETAIL.equals(k) ? Privacy.safeUpstream(v) : v}));
        printPairs(headers);

        List<String> others = new ArrayList<>();
        for (Header o : dl.originalHeaders()) {
            if (!others.contains(o.key())) {
                others.add(o.key());
            }
        }
        String replayHeader = others.contains(PipelineHeaders.REPLAY_COUNT)
                ? " (" + PipelineHeaders.REPLAY_COUNT + " is replaced on replay)"
                : "";
        out().println("original headers: "
                + (others.isEmpty() ? "none" : Privacy.safe(String.join(", ", others)) + replayHeader)
                + " (values not shown)");

        out().println();
        printLead(dl.value());
    }

    private static String source(Map<String, String> h) {
        String topic = h.get(DeadLetterHeaders.SOURCE_TOPIC);
        if (topic == null) {
            return null;
        }
        return "topic " + topic + ", partition " + h.get(DeadLetterHeaders.SOURCE_PARTITION) + ", offset "
                + h.get(DeadLetterHeaders.SOURCE_OFFSET);
    }

    private void printLead(byte[] value) {
        if (value == null) {
            out().println("lead: (no value)");
            return;
        }
        JsonNode node = null;
        try {
            node = Json.MAPPER.readTree(value);
        } catch (IOException e) {
            // not JSON: handled below
        }
        LeadJson.Result result = node == null ? null : LeadJson.read(node);
        if (result == null || !result.ok()) {
            StringBuilder why = new StringBuilder(node == null ? "not JSON" : "not a readable lead");
            if (result != null) {
                List<String> pointers = new ArrayList<>();
                for (FieldError e : result.errors()) {
                    pointers.add((e.pointer().isEmpty() ? "/" : e.pointer()) + " " + e.detail());
                }
                why.append(": ").append(String.join("; ", pointers));
            }
            out().println("lead: the value (" + value.length + " bytes) is " + Privacy.safe(why.toString()));
            if (showPersonalData) {
                out().println("raw value:");
                out().println(new String(value, StandardCharsets.UTF_8));
            } else {
                out().println("(the raw value may hold personal data: --show-personal-data prints it)");
            }
            return;
        }
        Lead lead = result.lead();
        out().println("lead:");
        List<String[]> fields = new ArrayList<>();
        fields.add(new String[] {"  offerId", lead.offerId()});
        fields.add(new String[] {"  LeadSource", lead.leadSource()});
        fields.add(new String[] {"  ActionCode", lead.actionCode()});
        fields.add(new String[] {"  OfferTitle", lead.offerTitle()});
        fields.add(new String[] {
            "  receivedAt", lead.receivedAt() == null ? null : lead.receivedAt().toString()
        });
        fields.add(new String[] {"  test", String.valueOf(lead.test())});
        if (showPersonalData) {
            UserDetails u = lead.userDetails();
            Map<String, String> personal = new LinkedHashMap<>();
            personal.put("  UserDetails.FirstName", u.firstName());
            personal.put("  UserDetails.LastName", u.lastName());
            personal.put("  UserDetails.Email", u.email());
            personal.put("  UserDetails.Phone", u.phone());
            personal.put("  UserDetails.Country", u.country());
            personal.put("  UserDetails.Company", u.company());
            personal.put("  UserDetails.Title", u.title());
            u.otherFields()
                    .forEach((k, v) -> personal.put("  UserDetails." + k, v.isTextual() ? v.asText() : v.toString()));
            personal.put("  Description", lead.description());
            List<String[]> rows = new ArrayList<>(fields);
            personal.forEach((k, v) -> rows.add(new String[] {k, v}));
            printPairs(rows, false);
        } else {
            printPairs(fields);
            out().println("personal data (UserDetails, Description) withheld: --show-personal-data prints it");
        }
    }

    private void printPairs(List<String[]> rows) {
        printPairs(rows, true);
    }

    /** Label/value lines with aligned values; {@code safe} redacts e-mail-shaped text in the values. */
    private void printPairs(List<String[]> rows, boolean safe) {
        int width = 0;
        for (String[] r : rows) {
            width = Math.max(width, r[0].length());
        }
        for (String[] r : rows) {
            String value = r[1] == null ? "-" : (safe ? Privacy.safe(r[1]) : r[1]);
            out().println(r[0] + " ".repeat(width - r[0].length() + 2) + value);
        }
    }
}
