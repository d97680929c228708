package dev.leadpipe.router;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.topic.TopicAdmin;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.TopicReader;
import dev.leadpipe.kafka.testing.TopicWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The router on the broker operators deploy, the Apache Kafka image, started by Testcontainers: the exactly-once
 * topology, its internal topics and its global destinations table on a broker the project did not configure itself.
 * Where no Docker engine is present (these build machines) the class is skipped; every other Kafka test runs on the
 * embedded KRaft broker either way.
 */
@Testcontainers(disabledWithoutDocker = true)
class RouterOnKafkaImageTest {
    /** The image of the Kafka release the clients are built with. */
    @Container
    static final KafkaContainer KAFKA = new KafkaContainer(DockerImageName.parse("apache/kafka:4.3.1"));

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    @Test
    void routesALeadToItsDestinationAndSuppressesAnEduLead() throws Exception {
        String bootstrap = KAFKA.getBootstrapServers();
        TopicAdmin.ensureTopics(KafkaConnection.plaintext(bootstrap), (short) 1);
        String run = UUID.randomUUID().toString().substring(0, 8);
        String offer = "contoso-" + run + ".widget";
        String delivered = "l-table-" + run;
        String edu = "l-edu-" + run;
        Path stateDir = Files.createTempDirectory("router-image-test-");
        RouterConfig config = RouterConfig.of(bootstrap)
                .with(RouterConfig.APPLICATION_ID, "router-image-test-" + run)
                .with(RouterConfig.STATE_DIR, stateDir);

        try (RouterApp router = RouterApp.start(config, Duration.ofSeconds(120));
                KafkaProducer<String, byte[]> producer = RouterAppTest.producer(bootstrap)) {
            LeadDestination table = new LeadDestination(
                    offer,
                    DestinationType.TABLE,
                    Map.of("connectionString", "UseDevelopmentStorage=true"),
                    List.of(),
                    1,
                    Instant.now());
            TopicWriter.writeDestinations(bootstrap, List.of(table));
            RouterAppTest.awaitDestination(router, offer);
            RouterAppTest.send(producer, delivered, RouterAppTest.leadJson(delivered, offer, "ann@contoso.com"));
            RouterAppTest.send(producer, edu, RouterAppTest.leadJson(edu, offer, "alice@mit.edu"));

            List<ConsumerRecord<String, Lead>> deliveries = RouterAppTest.ofRun(
                    TopicReader.readUntil(
                            bootstrap,
                            Topics.DELIVERIES_TABLE,
                            r -> !RouterAppTest.ofRun(r, run).isEmpty(),
                            READ_TIMEOUT,
                            Duration.ofSeconds(1)),
                    run);
            List<ConsumerRecord<String, Outcome>> outcomes = RouterAppTest.ofRun(
                    TopicReader.readUntil(
                            bootstrap,
                            Topics.LEAD_OUTCOMES,
                            r -> !RouterAppTest.ofRun(r, run).isEmpty(),
                            READ_TIMEOUT,
                            Duration.ofSeconds(1)),
                    run);

            assertThat(deliveries).extracting(ConsumerRecord::key).containsExactly(delivered);
            assertThat(outcomes).singleElement().satisfies(o -> {
                assertThat(o.key()).isEqualTo(edu);
                assertThat(o.value().outcome()).isEqualTo(OutcomeType.SUPPRESSED);
            });
        }
    }
}
