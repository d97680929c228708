package dev.leadpipe.local;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.topic.TopicFollower;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows the outcome, delivery and dead-letter topics (a {@link TopicFollower}: read_committed, from the beginning)
 * and records each lead's latest fate. A terminal outcome (delivered, suppressed, dead-lettered) wins over "routed
 * to a delivery topic", which is only where a lead waits for its sink.
 */
final class OutcomeWatcher implements AutoCloseable {
    private static final List<String> TOPICS = List.of(
            Topics.LEAD_OUTCOMES.name(),
            Topics.LEADS_DLQ.name(),
            Topics.DELIVERIES_DYNAMICS.name(),
            Topics.DELIVERIES_SALESFORCE.name(),
            Topics.DELIVERIES_TABLE.name(),
            Topics.DELIVERIES_HTTPS.name());
    private final Map<String, LeadFate> fates = new ConcurrentHashMap<>();
    private final Consumer<LeadFate> onNewFate;
    private final TopicFollower<String, byte[]> follower;

    OutcomeWatcher(KafkaConnection kafka, Consumer<LeadFate> onNewFate) {
        this.onNewFate = onNewFate;
        this.follower = new TopicFollower<>(
                        "outcome watcher",
                        TopicFollower.config(
                                kafka,
                                "leadpipe-local-watcher-" + UUID.randomUUID(),
                                Map.of(
                                        ConsumerConfig.GROUP_ID_CONFIG,
                                        "leadpipe-local-watcher-" + UUID.randomUUID(),
                                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                        "earliest")),
                        new StringDeserializer(),
                        new ByteArrayDeserializer(),
                        new Reader(),
                        TopicFollower.OnPollFailure.STOP)
                .start();
    }

    LeadFate fate(String leadId) {
        return fates.get(leadId);
    }

    /** Subscribes to every topic a lead's fate shows on, in a group of its own, and merges each record's fate. */
    private final class Reader implements TopicFollower.Handler<String, byte[]> {
        @Override
        public void start(org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer) {
            consumer.subscribe(TOPICS);
        }

        @Override
        public void handle(
                ConsumerRecords<String, byte[]> records,
                org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer) {
            for (ConsumerRecord<String, byte[]> r : records) {
                LeadFate fate = toFate(r);
                if (fate == null || fate.leadId() == null) {
                    continue;
                }
                LeadFate before = fates.get(fate.leadId());
                LeadFate merged = merge(before, fate);
                fates.put(fate.leadId(), merged);
                if (before == null || !before.what().equals(merged.what())) {
                    onNewFate.accept(merged);
                }
            }
        }
    }

    /** A terminal fate wins over ROUTED; of two equal fates (dead-letter record and outcome) the fuller detail is kept. */
    private static LeadFate merge(LeadFate before, LeadFate now) {
        if (before == null) {
            return now;
        }
        if (!now.terminal() && before.terminal()) {
            return before;
        }
        if (now.what().equals(before.what())) {
            return now.detail().length() >= before.detail().length() ? now : before;
        }
        return now;
    }

    private static LeadFate toFate(ConsumerRecord<String, byte[]> r) {
        String topic = r.topic();
        if (topic.equals(Topics.LEAD_OUTCOMES.name())) {
            Outcome o = Topics.LEAD_OUTCOMES.valueSerde().deserializer().deserialize(topic, r.value());
            String detail = switch (o.outcome()) {
                case DELIVERED ->
                    "to " + o.destinationType() + " as " + o.destinationRecordId() + " after " + o.attempts()
                            + " attempt(s)";
                case SENT_UNCONFIRMED -> "sent to " + o.destinationType() + ", which cannot confirm it kept the lead";
                case SUPPRESSED ->
                    o.errorClass() == null || o.errorClass() == ErrorClass.EDU_PRIVACY_SUPPRESSED
                            ? ".edu customer: personal data withheld, nothing forwarded"
                            : "not sent to " + o.destinationType() + ": "
                                    + o.errorClass().code();
                case DEAD_LETTERED -> o.errorClass().code();
            };
            return new LeadFate(
                    o.leadId(),
                    o.offerId(),
                    o.outcome().name(),
                    detail + (o.test() ? " [MSFT_TEST lead]" : ""),
                    true,
                    null);
        }
        if (topic.equals(Topics.LEADS_DLQ.name())) {
            String cls = DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.ERROR_CLASS);
            String remediation = DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.REMEDIATION);
            String leadId = DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.LEAD_ID);
            return new LeadFate(
                    leadId == null ? r.key() : leadId,
                    DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.OFFER_ID),
                    "DEAD_LETTERED",
                    cls + ": " + remediation,
                    true,
                    null);
        }
        Lead lead = Topics.LEADS.valueSerde().deserializer().deserialize(topic, r.value());
        String sink = "sink-" + topic.substring(topic.indexOf('.') + 1);
        return new LeadFate(
                r.key(),
                lead.offerId(),
                "ROUTED",
                "on " + topic + ", waiting for " + sink + (lead.test() ? " [MSFT_TEST lead]" : ""),
                false,
                topic);
    }

    @Override
    public void close() {
        follower.close();
    }
}
