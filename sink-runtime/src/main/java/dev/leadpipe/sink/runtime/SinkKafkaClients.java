package dev.leadpipe.sink.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** How {@link SinkRuntime} configures its Kafka clients: the delivery consumer and the two producers. */
final class SinkKafkaClients {
    /** The runtime's Kafka clients, and the partition count of the dead-letter topic. */
    record Opened(
            KafkaProducer<String, byte[]> outcomes,
            KafkaProducer<String, byte[]> retries,
            KafkaConsumer<String, byte[]> consumer,
            int dlqPartitions) {}

    private SinkKafkaClients() {}

    /**
     * Opens the outcome and retry producers and the delivery consumer, with the metadata of the topics they write
     * fetched; when any step fails, closes what it had opened and throws.
     */
    static Opened open(SinkConfig config, String clientId, DestinationType type) {
        KafkaProducer<String, byte[]> outcomes = producer(config, clientId + "-outcomes");
        KafkaProducer<String, byte[]> retries = null;
        KafkaConsumer<String, byte[]> consumer = null;
        try {
            retries = producer(config, clientId + "-retries");
            consumer = new KafkaConsumer<>(
                    consumerConfig(config, clientId, type), new StringDeserializer(), new ByteArrayDeserializer());
            List<PartitionInfo> dlq = outcomes.partitionsFor(Topics.LEADS_DLQ.name());
            int dlqPartitions = dlq == null ? 0 : dlq.size();
            // fetched now so that the first write of each kind does not wait for metadata
            outcomes.partitionsFor(Topics.DESTINATION_CIRCUITS.name());
            outcomes.partitionsFor(Topics.LEAD_OUTCOMES.name());
            retries.partitionsFor(Topics.LEAD_WAITING.name());
            return new Opened(outcomes, retries, consumer, dlqPartitions);
        } catch (RuntimeException e) {
            if (consumer != null) {
                consumer.close(CloseOptions.timeout(Duration.ZERO));
            }
            if (retries != null) {
                retries.close(Duration.ZERO);
            }
            outcomes.close(Duration.ZERO);
            throw e;
        }
    }

    static KafkaProducer<String, byte[]> producer(SinkConfig config, String clientId) {
        Map<String, Object> p = config.kafka().clientProperties();
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // a lead's end is written record by record, each after the last was acknowledged: no lingering
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    static Map<String, Object> consumerConfig(SinkConfig config, String clientId, DestinationType type) {
        Map<String, Object> c = config.kafka().clientProperties();
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupIdFor(type));
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // small batches: a commit an endpoint asks for never waits long behind the records of one poll
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.min(100, config.maxInFlight()));
        // cooperative: a rebalance revokes only the partitions that move, so the others keep their leads
        c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        // the consumer thread polls at least every 100 ms: a crashed sink's partitions move after 10 s, not 45 s
        c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) SinkRuntime.SESSION_TIMEOUT.toMillis());
        c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) SinkRuntime.SESSION_TIMEOUT.toMillis() / 3);
        return c;
    }
}
