package dev.leadpipe.notifier;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.notice.DestinationNotice;
import dev.leadpipe.core.topic.CompactedTopicSnapshot;
import dev.leadpipe.core.topic.KafkaClientMeters;
import dev.leadpipe.core.topic.TopicFollower;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier's record of what it told each offer about its destination, on the compacted
 * {@code destination-notices} topic: {@link #load} reads every offer's latest {@link DestinationNotice} once at start
 * (the notifier is the topic's only writer, so what it read plus what it wrote since is the truth); {@link #write}
 * writes one and returns only once Kafka acknowledged it ({@code acks=all}, idempotent). Unreadable records are skipped
 * with a warning naming the offer id and offset only.
 */
final class DestinationNoticeStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DestinationNoticeStore.class);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaProducer<String, DestinationNotice> producer;
    private KafkaClientMeters.Binding meters;

    DestinationNoticeStore(KafkaConnection kafka) {
        this.producer = new KafkaProducer<>(
                kafka.clientProperties(Map.of(
                        ProducerConfig.CLIENT_ID_CONFIG,
                        "leadpipe-notifier-notices-" + UUID.randomUUID(),
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.MAX_BLOCK_MS_CONFIG,
                        (int) WRITE_TIMEOUT.toMillis())),
                Topics.DESTINATION_NOTICES.keySerde().serializer(),
                Topics.DESTINATION_NOTICES.valueSerde().serializer());
    }

    /** Exports the producer's metrics through {@code meters}. */
    void bindMeters(KafkaClientMeters kafkaMeters) {
        meters = kafkaMeters.bind(producer);
    }

    /**
     * Every offer's latest notice, read from the beginning to the end the topic had when called.
     *
     * @throws IllegalStateException when the end was not reached within {@code timeout}
     */
    static Map<String, DestinationNotice> load(KafkaConnection kafka, Duration timeout) {
        Map<String, Object> config = TopicFollower.config(
                kafka,
                "leadpipe-notifier-notices-load-" + UUID.randomUUID(),
                Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        Map<String, DestinationNotice> notices;
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            notices = CompactedTopicSnapshot.read(
                    consumer,
                    Topics.DESTINATION_NOTICES.name(),
                    timeout,
                    (offerId, value) -> Topics.DESTINATION_NOTICES
                            .valueSerde()
                            .deserializer()
                            .deserialize(Topics.DESTINATION_NOTICES.name(), value),
                    (offerId, partition, offset) -> LOG.warn(
                            "skipping an unreadable destination notice of offer {} at {}/{}",
                            offerId,
                            partition,
                            offset));
        }
        LOG.info("read {} offers' destination notices", notices.size());
        return notices;
    }

    /**
     * Writes the offer's notice and waits for the acknowledgement.
     *
     * @throws KafkaException when Kafka did not acknowledge it in time
     */
    void write(DestinationNotice notice) {
        try {
            producer.send(new ProducerRecord<>(Topics.DESTINATION_NOTICES.name(), notice.offerId(), notice))
                    .get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while writing a destination notice", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof KafkaException k ? k : new KafkaException(e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("writing a destination notice timed out", e);
        }
    }

    @Override
    public void close() {
        if (meters != null) {
            meters.close();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
