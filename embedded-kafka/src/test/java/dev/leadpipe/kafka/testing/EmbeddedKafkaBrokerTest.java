package dev.leadpipe.kafka.testing;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedKafkaBrokerTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void brokerHasEveryPipelineTopicAndAcknowledgesAnIdempotentWrite() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            assertThat(names)
                    .containsAll(Topics.all().stream().map(t -> t.name()).toList());
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        KAFKA.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true),
                new StringSerializer(),
                new ByteArraySerializer())) {
            RecordMetadata md = producer.send(new ProducerRecord<>(Topics.LEADS_DLQ.name(), "k", new byte[] {1, 2, 3}))
                    .get(30, TimeUnit.SECONDS);
            assertThat(md.hasOffset()).isTrue();
        }
        var read = TopicReader.readUntil(
                KAFKA.bootstrapServers(), Topics.LEADS_DLQ, r -> r.size() >= 1, Duration.ofSeconds(30), Duration.ZERO);
        assertThat(read).hasSize(1);
        assertThat(read.get(0).value()).containsExactly(1, 2, 3);
    }
}
