package dev.leadpipe.ingest;

import java.net.http.HttpRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.ops.testing.Scrape;
import dev.leadpipe.ops.testing.TestKeys;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a client sees when Kafka does not acknowledge: the producer is a {@link MockProducer} whose sends the test
 * completes or fails by hand, so the answer is shown to wait for the acknowledgement.
 */
class KafkaFailureTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static String key;

    private static MockProducer<byte[], byte[]> producer;
    private static IngestService service;
    private static Http http;

    @BeforeAll
    static void start() {
        producer = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        key = TestKeys.operator(KAFKA.bootstrapServers());
        service = IngestService.start(
                IngestConfig.defaults(KAFKA.bootstrapServers())
                        .with(DestinationAddresses.ALLOWED_HOSTS, DestinationAddresses.LOCAL_STAND_INS)
                        .with(IngestConfig.PORT, 0),
                producer);
        http = new Http(service.port(), key);
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.stop();
        }
    }

    private static CompletableFuture<Http.Answer> postAsync(String path, String body) {
        return http.sendAsync(http.request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    private static void awaitSends(int total) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (producer.history().size() < total && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(producer.history()).hasSizeGreaterThanOrEqualTo(total);
    }

    @Test
    void theAnswerWaitsForTheAcknowledgementAndAFailedWriteIs503WithRetryAfter() throws Exception {
        int before = producer.history().size();
        double unavailableBefore = rejectedAsKafkaUnavailable();
        CompletableFuture<Http.Answer> pending = postAsync("/v1/leads", LeadIngestTest.lead("m-1"));
        awaitSends(before + 1);
        Thread.sleep(200);
        assertThat(pending).as("no answer before Kafka acknowledged").isNotDone();

        assertThat(producer.errorNext(new TimeoutException("simulated: no acknowledgement")))
                .isTrue();
        Http.Answer answer = pending.get(10, TimeUnit.SECONDS);

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.header("Retry-After")).isNotBlank();
        assertThat(answer.json().path("type").asText()).isEqualTo("https://leadpipe.dev/problems/kafka-unavailable");
        assertThat(answer.body()).doesNotContain("simulated").doesNotContain("ada@example.com");
        assertThat(rejectedAsKafkaUnavailable())
                .as("the refused lead, counted once on /metrics")
                .isEqualTo(unavailableBefore + 1);
    }

    /** What operations see of leads refused because Kafka did not acknowledge them. */
    private static double rejectedAsKafkaUnavailable() {
        return Scrape.parse(http.get("/metrics").body())
                .value("leadpipe_ingest_leads_total", "result=rejected", "reason=kafka_unavailable");
    }

    @Test
    void anAcknowledgedWriteIs202() throws Exception {
        int before = producer.history().size();
        CompletableFuture<Http.Answer> pending = postAsync("/v1/leads", LeadIngestTest.lead("m-2"));
        awaitSends(before + 1);
        assertThat(producer.completeNext()).isTrue();
        assertThat(pending.get(10, TimeUnit.SECONDS).status()).isEqualTo(202);
    }

    @Test
    void aRecordTooLargeForKafkaIs413() throws Exception {
        int before = producer.history().size();
        CompletableFuture<Http.Answer> pending = postAsync("/v1/leads", LeadIngestTest.lead("m-3"));
        awaitSends(before + 1);
        producer.errorNext(new RecordTooLargeException("simulated"));
        Http.Answer answer = pending.get(10, TimeUnit.SECONDS);
        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.json().path("type").asText()).isEqualTo("https://leadpipe.dev/problems/record-too-large");
    }

    @Test
    void aBatchWhoseWritesPartlyFailIs207WithPerItem503() throws Exception {
        int before = producer.history().size();
        String body = "[" + LeadIngestTest.lead("m-4") + "," + LeadIngestTest.lead("m-5") + "]";
        CompletableFuture<Http.Answer> pending = postAsync("/v1/leads/batch", body);
        awaitSends(before + 2);
        producer.completeNext();
        producer.errorNext(new TimeoutException("simulated"));
        Http.Answer answer = pending.get(10, TimeUnit.SECONDS);

        assertThat(answer.status()).as(answer.body()).isEqualTo(207);
        assertThat(answer.header("Retry-After")).isNotBlank();
        assertThat(answer.json().path("accepted").asInt()).isEqualTo(1);
        assertThat(answer.json().path("items").get(0).path("status").asInt()).isEqualTo(202);
        assertThat(answer.json().path("items").get(1).path("status").asInt()).isEqualTo(503);
        assertThat(answer.json().path("items").get(1).path("leadId").asText()).isNotBlank();
    }

    @Test
    void aBatchWhoseWritesAllFailIs503() throws Exception {
        int before = producer.history().size();
        CompletableFuture<Http.Answer> pending = postAsync("/v1/leads/batch", "[" + LeadIngestTest.lead("m-6") + "]");
        awaitSends(before + 1);
        producer.errorNext(new TimeoutException("simulated"));
        Http.Answer answer = pending.get(10, TimeUnit.SECONDS);

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.header("Retry-After")).isNotBlank();
        assertThat(answer.json().path("items").get(0).path("status").asInt()).isEqualTo(503);
    }

    @Test
    void aDestinationIsNotVisibleUntilItsWriteWasAcknowledged() throws Exception {
        int before = producer.history().size();
        String path = "/v1/offers/contoso.pending/lead-destination";
        CompletableFuture<Http.Answer> pending = http.sendAsync(http.request(path)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"type\": \"none\"}"))
                .build());
        awaitSends(before + 1);
        assertThat(http.get(path).status()).isEqualTo(404);
        producer.errorNext(new TimeoutException("simulated"));
        assertThat(pending.get(10, TimeUnit.SECONDS).status()).isEqualTo(503);
        assertThat(http.get(path).status()).isEqualTo(404);
    }
}
