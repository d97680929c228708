package dev.leadpipe.bench.stages;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

import dev.leadpipe.bench.SampleLeads;
import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.KafkaSettings;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.LeadJson;
import dev.leadpipe.core.topic.TopicAdmin;
import dev.leadpipe.core.topic.TopicSpec;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Kafka side of the stages that feed one service a backlog (sink, table, notifier): topics, a consumer group
 * positioned at the current end of its topics (so a stage's service never sees an earlier stage's records), records
 * written as the pipeline's own writers write them (the topic's declared serdes), and offers' destinations.
 */
final class StageKafka {
    private StageKafka() {}

    /** Creates every missing topic of the registry with its declared settings, as each service does at start-up. */
    static void ensureTopics(String bootstrap) {
        TopicAdmin.ensureTopics(KafkaConnection.plaintext(bootstrap), KafkaSettings.replicationFactor());
    }

    /** Writes {@code records} (key, value) to {@code topic} with its declared serdes, acks=all, and waits for every ack. */
    static <V> void write(String bootstrap, TopicSpec<String, V> topic, List<Map.Entry<String, V>> records)
            throws Exception {
        Serde<V> serde = topic.valueSerde();
        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.LINGER_MS_CONFIG,
                5,
                ProducerConfig.BATCH_SIZE_CONFIG,
                256 * 1024);
        try (KafkaProducer<String, V> producer =
                new KafkaProducer<>(props, new StringSerializer(), serde.serializer())) {
            List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
            for (Map.Entry<String, V> r : records) {
                acks.add(producer.send(new ProducerRecord<>(topic.name(), r.getKey(), r.getValue())));
            }
            producer.flush();
            for (Future<RecordMetadata> ack : acks) {
                ack.get();
            }
        }
    }

    /** Saves {@code destinations} on {@code lead-destinations} (keyed by offer id), secrets already encrypted. */
    static void putDestinations(String bootstrap, List<LeadDestination> destinations) throws Exception {
        List<Map.Entry<String, LeadDestination>> records = new ArrayList<>();
        for (LeadDestination d : destinations) {
            records.add(Map.entry(d.offerId(), d));
        }
        write(bootstrap, Topics.LEAD_DESTINATIONS, records);
    }

    /**
     * {@code count} leads as the router hands them over (parsed from the sample feed's shape, received now), ids
     * {@code <prefix>-<i>}, offers taken in turn from {@code offers}; .edu customers are left out (the router
     * delivers none), so every lead answered is one the router would route.
     */
    static List<Lead> routableLeads(SampleLeads sample, String prefix, List<String> offers, int count)
            throws Exception {
        List<Lead> leads = new ArrayList<>(count);
        Instant now = Instant.now();
        for (long i = 0; leads.size() < count; i++) {
            String offer = offers.get(leads.size() % offers.size());
            String leadId = prefix + "-" + leads.size();
            LeadJson.Result read = LeadJson.read(Json.MAPPER.readTree(sample.json(i, offer, leadId)));
            if (!read.ok()) {
                throw new IllegalStateException("sample lead " + i + " is not a lead: " + read.errors());
            }
            Lead lead = read.lead();
            if (lead.userDetails() != null && lead.userDetails().isEdu()) {
                continue;
            }
            if (!leadId.equals(lead.leadId()) || !offer.equals(lead.offerId())) {
                throw new IllegalStateException("sample lead " + i + " does not carry the lead id and offer given");
            }
            leads.add(lead.receivedAt() == null ? lead.withReceivedAt(now) : lead);
        }
        return leads;
    }
}
