package dev.leadpipe.leadctl;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The latest outcome of given leads, read from {@code lead-outcomes} (keyed by leadId, so a lead's outcomes are in one
 * partition in the order written): the topic from its beginning to its end offsets now, read_committed, keeping the
 * last readable outcome of each lead asked about. Outcomes of other leads are not even parsed. An unreadable outcome
 * is ignored (the lead keeps its previous one). Used by {@code dlq replay} (skip leads delivered since) and
 * {@code dlq list} (hide them).
 */
final class LatestOutcomes {
    private LatestOutcomes() {}

    /** Whether an outcome means the lead reached its destination since it was dead-lettered. */
    static boolean deliveredSince(OutcomeType type) {
        return type == OutcomeType.DELIVERED || type == OutcomeType.SENT_UNCONFIRMED;
    }

    /** The latest outcome of each of {@code leadIds} that has one. */
    static Map<String, Outcome> of(KafkaAccess kafka, Set<String> leadIds) {
        Map<String, Outcome> latest = new HashMap<>();
        if (leadIds.isEmpty()) {
            return latest;
        }
        Deserializer<Outcome> outcomes = Topics.LEAD_OUTCOMES.valueSerde().deserializer();
        String topic = Topics.LEAD_OUTCOMES.name();
        try (var consumer = kafka.consumer(null)) {
            new TopicScanner(kafka, consumer, topic).scanAllRecords(r -> {
                if (r.key() == null || r.value() == null) {
                    return true;
                }
                String leadId = new String(r.key(), StandardCharsets.UTF_8);
                if (!leadIds.contains(leadId)) {
                    return true;
                }
                try {
                    Outcome o = outcomes.deserialize(topic, r.value());
                    if (o != null && o.outcome() != null) {
                        latest.put(leadId, o);
                    }
                } catch (RuntimeException unreadable) {
                    // keeps the lead's previous outcome
                }
                return true;
            });
        }
        return latest;
    }
}
