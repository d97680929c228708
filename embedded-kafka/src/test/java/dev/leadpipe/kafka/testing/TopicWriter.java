package dev.leadpipe.kafka.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.function.Function;

import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.dlq.PipelineHeaders;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.topic.TopicSpec;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Writes test records to a topic with the registry's serdes; every call returns once Kafka acknowledged them all. */
public final class TopicWriter {
    private TopicWriter() {}

    /** Writes each value keyed by {@code key}, with {@code headers} on every record, in order. */
    public static <V> void write(
            String bootstrap,
            TopicSpec<String, V> topic,
            List<V> values,
            Function<V, String> key,
            Map<String, String> headers)
            throws Exception {
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 5),
                topic.keySerde().serializer(),
                topic.valueSerde().serializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (V value : values) {
                ProducerRecord<String, V> record = new ProducerRecord<>(topic.name(), key.apply(value), value);
                headers.forEach((name, text) ->
                        record.headers().add(new RecordHeader(name, text.getBytes(StandardCharsets.UTF_8))));
                sent.add(producer.send(record));
            }
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        }
    }

    /** Writes a tombstone (a null value) for each key, in order: on a compacted topic, each key's record is deleted. */
    public static void writeTombstones(String bootstrap, TopicSpec<String, ?> topic, List<String> keys)
            throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 5),
                topic.keySerde().serializer(),
                new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (String key : keys) {
                sent.add(producer.send(new ProducerRecord<>(topic.name(), key, null)));
            }
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        }
    }

    /** Writes offers' lead destinations to {@code lead-destinations}, keyed by offer id. */
    public static void writeDestinations(String bootstrap, List<LeadDestination> destinations) throws Exception {
        write(bootstrap, Topics.LEAD_DESTINATIONS, destinations, LeadDestination::offerId, Map.of());
    }

    /** Writes leads keyed by leadId; {@code replayCount} > 0 marks them as replayed ({@link PipelineHeaders#REPLAY_COUNT}). */
    public static void writeLeads(String bootstrap, TopicSpec<String, Lead> topic, List<Lead> leads, int replayCount)
            throws Exception {
        write(
                bootstrap,
                topic,
                leads,
                Lead::leadId,
                replayCount > 0 ? Map.of(PipelineHeaders.REPLAY_COUNT, Integer.toString(replayCount)) : Map.of());
    }
}
