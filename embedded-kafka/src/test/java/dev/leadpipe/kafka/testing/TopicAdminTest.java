package dev.leadpipe.kafka.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.topic.TopicAdmin;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.EmbeddedKafkaBroker;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TopicAdminTest {
    @Test
    void everyPartitionItCreatesTakesAWriteAsSoonAsItReturns() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            TopicAdmin.ensureTopics(KafkaConnection.plaintext(broker.bootstrapServers()), (short) 1);

            // no retries: a partition whose leader is not serving yet fails its write instead of being retried
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                    Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            broker.bootstrapServers(),
                            ProducerConfig.ACKS_CONFIG,
                            "all",
                            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                            false,
                            ProducerConfig.RETRIES_CONFIG,
                            0),
                    new StringSerializer(),
                    new StringSerializer())) {
                List<Future<RecordMetadata>> writes = new ArrayList<>();
                for (var topic : Topics.all()) {
                    for (int p = 0; p < topic.partitions(); p++) {
                        writes.add(producer.send(new ProducerRecord<>(topic.name(), p, "k", "v")));
                    }
                }
                for (Future<RecordMetadata> write : writes) {
                    assertThat(write.get(30, TimeUnit.SECONDS).offset()).isZero();
                }
            }

            // a second call, as every other service makes at its start, finds the topics and changes nothing
            TopicAdmin.ensureTopics(KafkaConnection.plaintext(broker.bootstrapServers()), (short) 1);
        }
    }
}
