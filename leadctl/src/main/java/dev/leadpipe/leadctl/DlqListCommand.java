package dev.leadpipe.leadctl;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.topic.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code leadctl dlq list}: reads {@code leads-dlq} from the beginning up to the end offsets captured at start (never
 * waiting for new records) and prints the dead-lettered leads that match the filters, oldest failure first: by
 * default the newest record of each lead (a lead dead-lettered again after a replay is listed once, as it is now),
 * with {@code --all-records} every record. Prints a table (lead id, offer, destination type, class, kind, attempts,
 * replay count, last failure time) and the summary line "N dead-lettered leads (by class: ...)"; with {@code --json}
 * one JSON object per line on stdout (position, lead id and every {@code leadpipe.dlq.*} header) and the summary on
 * stderr. Never prints a record's value (it may hold personal data); e-mail-shaped text in headers is redacted.
 * Exit 0 also when nothing matches.
 *
 * <p>Leads delivered since they were dead-lettered (their latest outcome on {@code lead-outcomes} is DELIVERED or
 * SENT_UNCONFIRMED, e.g. after a replay) are left out and counted in the summary ("N more delivered since, not
 * listed"); with {@code --include-delivered} they are listed, marked in the column DELIVERED SINCE (and
 * {@code deliveredSince} in JSON) with that outcome and its time.
 */
@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        versionProvider = Leadctl.Version.class,
        description = "List dead-lettered leads, filtered by their dead-letter headers. Never prints personal data.")
final class DlqListCommand extends ListCommand<DeadLetter> {
    @Option(names = "--all-records", description = "Every matching record, not only the newest record of each lead.")
    boolean allRecords;

    @Option(
            names = "--include-delivered",
            description = "Also list leads delivered since they were dead-lettered (latest outcome DELIVERED or "
                    + "SENT_UNCONFIRMED), marked; by default they are left out and counted.")
    boolean includeDelivered;

    /** The outcome of each listed lead delivered since, by lead id. */
    private final Map<String, Outcome> deliveredSince = new HashMap<>();

    private int hiddenDelivered;

    DlqListCommand() {
        super(Topics.LEADS_DLQ.name(), DlqListCommand::toJson);
    }

    @Override
    List<DeadLetter> matching(KafkaAccess kafka, DlqFilter filter) {
        List<DeadLetter> matching = select(kafka, filter, allRecords);
        Set<String> leadIds = new HashSet<>();
        matching.forEach(dl -> {
            if (dl.leadId() != null) {
                leadIds.add(dl.leadId());
            }
        });
        LatestOutcomes.of(kafka, leadIds).forEach((leadId, outcome) -> {
            if (LatestOutcomes.deliveredSince(outcome.outcome())) {
                deliveredSince.put(leadId, outcome);
            }
        });
        if (!includeDelivered) {
            int before = matching.size();
            matching.removeIf(dl -> dl.leadId() != null && deliveredSince.containsKey(dl.leadId()));
            hiddenDelivered = before - matching.size();
        }
        matching.sort(Comparator.comparing(DeadLetter::failureTime)
                .thenComparingLong(DeadLetter::timestamp)
                .thenComparingInt(d -> d.partition().partition())
                .thenComparingLong(DeadLetter::offset));
        return matching;
    }

    /** The records matching {@code filter}: the newest record of each lead, or every record. */
    static List<DeadLetter> select(KafkaAccess kafka, DlqFilter filter, boolean allRecords) {
        List<DeadLetter> every = new ArrayList<>();
        Map<String, DeadLetter> newest = new HashMap<>();
        try (var consumer = kafka.consumer(null)) {
            new DlqScanner(kafka, consumer).scanAll(dl -> {
                DeadLetter light = dl.withoutPayload();
                if (allRecords) {
                    if (filter.matches(light)) {
                        every.add(light);
                    }
                } else {
                    newest.merge(light.identity(), light, (a, b) -> b.isNewerThan(a) ? b : a);
                }
                return true;
            });
        }
        if (allRecords) {
            return every;
        }
        List<DeadLetter> out = new ArrayList<>();
        for (DeadLetter dl : newest.values()) {
            if (filter.matches(dl)) {
                out.add(dl);
            }
        }
        return out;
    }

    @Override
    String summary(List<DeadLetter> matching, int shown) {
        String counted = allRecords ? "dead-letter records" : "dead-lettered leads";
        String line = CountLine.of(matching, counted, counted, "class", DeadLetter::errorClass, shown);
        if (hiddenDelivered > 0) {
            line += "; " + hiddenDelivered + " more delivered since, not listed (--include-delivered lists them)";
        }
        return line;
    }

    /** How a lead delivered since is marked: its latest outcome and when, e.g. "DELIVERED 2025-06-01T10:00:00Z". */
    private String mark(DeadLetter dl) {
        Outcome o = dl.leadId() == null ? null : deliveredSince.get(dl.leadId());
        if (o == null) {
            return null;
        }
        return o.outcome() + (o.at() == null ? "" : " " + o.at());
    }

    @Override
    String json(DeadLetter dl) {
        String mark = mark(dl);
        if (mark == null) {
            return toJson(dl);
        }
        return node(dl).put("deliveredSince", mark).toString();
    }

    @Override
    void printTable(List<DeadLetter> rows) {
        List<String[]> table = new ArrayList<>();
        List<String> header = new ArrayList<>(
                List.of("LEAD ID", "OFFER", "DESTINATION", "CLASS", "KIND", "ATTEMPTS", "REPLAYS", "LAST FAILURE"));
        if (includeDelivered) {
            header.add("DELIVERED SINCE");
        }
        table.add(header.toArray(String[]::new));
        for (DeadLetter dl : rows) {
            List<String> row = Arrays.asList(
                    dl.leadId() == null ? "(none: " + dl.position() + ")" : dl.leadId(),
                    dl.offerId(),
                    dl.destinationType(),
                    dl.errorClass(),
                    dl.header(DeadLetterHeaders.ERROR_KIND),
                    dl.header(DeadLetterHeaders.ATTEMPTS),
                    String.valueOf(dl.replayCount()),
                    dl.header(DeadLetterHeaders.LAST_FAILURE_TIME) == null
                            ? dl.failureTime().toString()
                            : dl.header(DeadLetterHeaders.LAST_FAILURE_TIME));
            List<String> cells = new ArrayList<>(row);
            if (includeDelivered) {
                String mark = mark(dl);
                cells.add(mark == null ? "-" : mark);
            }
            table.add(cells.toArray(String[]::new));
        }
        TextTable.print(out(), table);
    }

    static String toJson(DeadLetter dl) {
        return node(dl).toString();
    }

    private static ObjectNode node(DeadLetter dl) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("leadId", Privacy.safe(dl.leadId()));
        node.put("topic", dl.partition().topic());
        node.put("partition", dl.partition().partition());
        node.put("offset", dl.offset());
        node.put("timestamp", Instant.ofEpochMilli(dl.timestamp()).toString());
        ObjectNode headers = node.putObject("headers");
        dl.dlqHeaders()
                .forEach((k, v) -> headers.put(
                        k, DeadLetterHeaders.UPSTREAM_DETAIL.equals(k) ? Privacy.safeUpstream(v) : Privacy.safe(v)));
        return node;
    }
}
