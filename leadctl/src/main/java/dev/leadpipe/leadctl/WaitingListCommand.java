package dev.leadpipe.leadctl;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.core.retry.WaitingLead;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import picocli.CommandLine.Command;

/**
 * {@code leadctl waiting list}: reads {@code lead-waiting} from the beginning up to the end offsets captured at start
 * (never waiting for new records). The topic is compacted and keyed by leadId: the latest record of a leadId says
 * whether it waits, and a tombstone says it no longer does, so each lead's latest record is kept and tombstoned leads
 * are dropped. Prints the waiting leads that match the filters (the {@code dlq} filters; {@code --since} and
 * {@code --until} apply to when a lead started waiting), oldest wait first: a table (lead id, offer, destination
 * type, reason, attempts, waiting since, next attempt, last failure's class and HTTP status) and the summary line
 * "N waiting leads (by offer: ...)"; with {@code --json} one JSON object per line on stdout (the record's fields and
 * the class's fix) and the summary on stderr. A record that cannot be read is counted on stderr and its lead left
 * out. A waiting-lead record holds no customer data; every cell still passes {@link Privacy#safe}. Exit 0 also when
 * nothing waits.
 */
@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        versionProvider = Leadctl.Version.class,
        description = {
            "List the leads waiting in Kafka for their next delivery attempt, oldest wait first.",
            "--since and --until select by when a lead started waiting; --class by its last failure's class."
        },
        footer = {"", "Exit codes: 0 ok (nothing waiting included), 1 failed, 2 bad arguments, 3 Kafka unreachable."})
final class WaitingListCommand extends ListCommand<WaitingLead> {
    WaitingListCommand() {
        super(Topics.LEAD_WAITING.name(), WaitingListCommand::toJson);
    }

    @Override
    List<WaitingLead> matching(KafkaAccess kafka, DlqFilter filter) {
        Waiting read = read(kafka);
        List<WaitingLead> matching = new ArrayList<>();
        for (WaitingLead w : read.leads().values()) {
            if (filter.matches(
                    w.errorClass() == null ? null : w.errorClass().code(),
                    w.offerId(),
                    w.destinationType(),
                    w.since())) {
                matching.add(w);
            }
        }
        matching.sort(Comparator.comparing(WaitingLead::since, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(WaitingLead::leadId));
        if (read.unreadable() > 0) {
            err().println("leadctl: skipped " + read.unreadable() + " unreadable record"
                    + (read.unreadable() == 1 ? "" : "s") + " of " + Topics.LEAD_WAITING.name());
        }
        return matching;
    }

    /** Each leadId's latest record, tombstoned leads dropped, and how many records could not be read. */
    record Waiting(Map<String, WaitingLead> leads, int unreadable) {}

    static Waiting read(KafkaAccess kafka) {
        Deserializer<WaitingLead> values = Topics.LEAD_WAITING.valueSerde().deserializer();
        Map<String, WaitingLead> latest = new HashMap<>();
        int[] unreadable = {0};
        try (var consumer = kafka.consumer(null)) {
            new TopicScanner(kafka, consumer, Topics.LEAD_WAITING.name()).scanAllRecords(r -> {
                String leadId = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
                WaitingLead w;
                try {
                    w = values.deserialize(r.topic(), r.value());
                } catch (SerializationException e) {
                    unreadable[0]++;
                    if (leadId != null) {
                        latest.remove(leadId); // its latest word is unknown
                    }
                    return true;
                }
                if (leadId == null) {
                    leadId = w == null ? null : w.leadId();
                }
                if (leadId == null) {
                    return true;
                }
                if (w == null) {
                    latest.remove(leadId); // tombstone: it has its outcome
                } else {
                    latest.put(
                            leadId,
                            w.leadId() != null
                                    ? w
                                    : new WaitingLead(
                                            leadId,
                                            w.offerId(),
                                            w.destinationType(),
                                            w.reason(),
                                            w.since(),
                                            w.nextAttemptAt(),
                                            w.attempts(),
                                            w.errorClass(),
                                            w.httpStatus(),
                                            w.at()));
                }
                return true;
            });
        }
        return new Waiting(latest, unreadable[0]);
    }

    @Override
    String summary(List<WaitingLead> matching, int shown) {
        return CountLine.of(matching, "waiting lead", "waiting leads", "offer", WaitingLead::offerId, shown);
    }

    @Override
    void printTable(List<WaitingLead> rows) {
        List<String[]> table = new ArrayList<>();
        table.add(new String[] {
            "LEAD ID", "OFFER", "DESTINATION", "REASON", "ATTEMPTS", "WAITING SINCE", "NEXT ATTEMPT", "CLASS", "HTTP"
        });
        for (WaitingLead w : rows) {
            table.add(new String[] {
                w.leadId(),
                w.offerId(),
                w.destinationType(),
                w.reason() == null ? null : w.reason().name(),
                String.valueOf(w.attempts()),
                StatusCommand.time(text(w.since())),
                StatusCommand.time(text(w.nextAttemptAt())),
                w.errorClass() == null ? null : w.errorClass().code(),
                w.httpStatus() == 0 ? null : String.valueOf(w.httpStatus())
            });
        }
        TextTable.print(out(), table);
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }

    static String toJson(WaitingLead w) {
        ObjectNode node = Json.MAPPER.valueToTree(w);
        if (w.errorClass() != null) {
            node.put("fix", w.errorClass().remediation());
        }
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            if (node.get(name).isTextual()) {
                node.put(name, Privacy.safe(node.get(name).asText()));
            }
        }
        return node.toString();
    }
}
