package dev.leadpipe.router;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicReader;
import dev.leadpipe.kafka.testing.TopicWriter;
import dev.leadpipe.ops.Ops;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.leadpipe.router.RouterAppTest.awaitDestination;
import static dev.leadpipe.router.RouterAppTest.leadJson;
import static dev.leadpipe.router.RouterAppTest.ofRun;
import static dev.leadpipe.router.RouterAppTest.producer;
import static dev.leadpipe.router.RouterAppTest.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A record on {@code lead-destinations} that is not a readable destination (only a foreign producer can write one)
 * does not stop the router: that offer's leads are dead-lettered as having no destination, replayable once it is
 * saved again, and every other offer's leads are routed. Its own broker, so the other router tests' counts hold.
 */
class UnreadableDestinationTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void anUnreadableDestinationAlreadyOnTheTopicDoesNotStopRouting() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String unreadableOffer = "northwind-" + run + ".app";
        String goodOffer = "contoso-" + run + ".widget";
        String toUnreadable = "l-unreadable-" + run;
        String toGood = "l-good-" + run;
        // written before the router starts, so its global store restores them from the topic
        try (KafkaProducer<String, byte[]> producer = producer(KAFKA.bootstrapServers())) {
            producer.send(new ProducerRecord<>(
                            Topics.LEAD_DESTINATIONS.name(),
                            unreadableOffer,
                            "{\"offerId\": [".getBytes(StandardCharsets.UTF_8)))
                    .get(10, TimeUnit.SECONDS);
        }
        TopicWriter.writeDestinations(
                KAFKA.bootstrapServers(),
                List.of(new LeadDestination(
                        goodOffer,
                        DestinationType.TABLE,
                        Map.of("connectionString", "UseDevelopmentStorage=true"),
                        List.of(),
                        1,
                        Instant.now())));
        RouterConfig config = RouterConfig.of(KAFKA.bootstrapServers())
                .with(RouterConfig.APPLICATION_ID, "router-unreadable-" + run)
                .with(RouterConfig.STATE_DIR, Files.createTempDirectory("router-unreadable-test-"));
        try (Ops ops = Ops.forService("router");
                RouterApp router = RouterApp.start(config, ops);
                KafkaProducer<String, byte[]> producer = producer(KAFKA.bootstrapServers())) {
            awaitDestination(router, goodOffer);
            send(producer, toUnreadable, leadJson(toUnreadable, unreadableOffer, "ann@northwind.com"));
            send(producer, toGood, leadJson(toGood, goodOffer, "bob@contoso.com"));

            List<ConsumerRecord<String, byte[]>> deadLetters = ofRun(
                    TopicReader.readUntil(
                            KAFKA.bootstrapServers(),
                            Topics.LEADS_DLQ,
                            r -> ofRun(r, run).size() >= 1,
                            Duration.ofSeconds(20),
                            Duration.ofSeconds(1)),
                    run);
            List<ConsumerRecord<String, Lead>> deliveries = ofRun(
                    TopicReader.readUntil(
                            KAFKA.bootstrapServers(),
                            Topics.DELIVERIES_TABLE,
                            r -> ofRun(r, run).size() >= 1,
                            Duration.ofSeconds(20),
                            Duration.ofSeconds(1)),
                    run);
            assertThat(deadLetters).extracting(ConsumerRecord::key).containsExactly(toUnreadable);
            assertThat(DeadLetterHeaders.get(deadLetters.get(0).headers(), DeadLetterHeaders.ERROR_CLASS))
                    .isEqualTo("NO_DESTINATION_CONFIGURED");
            assertThat(deliveries).extracting(ConsumerRecord::key).containsExactly(toGood);
            assertThat(router.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }
}
