package dev.leadpipe.local;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.ingest.IngestConfig;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicReader;
import dev.leadpipe.ops.testing.TestKeys;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A lead of exactly the default {@code INGEST_MAX_LEAD_BYTES}, for an offer without a destination, travels through
 * ingest and the router onto {@code leads-dlq} on a broker with Kafka's default 1 MiB message size, carrying every
 * dead-letter header the router writes: the cap leaves room for the whole dead letter.
 */
class LeadSizeCapSystemTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final long CAP = IngestConfig.defaults("unused:9092").maxLeadBytes();
    private static final String OFFER = "nowhere.size-cap";

    private static RunningPipeline pipeline;

    @BeforeAll
    static void start() throws Exception {
        pipeline = RunningPipeline.start(KAFKA.bootstrapServers());
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void aLeadExactlyAtTheCapReachesTheDeadLetterTopicWithEveryHeader() throws Exception {
        ConsumerRecord<String, Lead> atCap = postLeadOfExactlyTheCap();
        String leadId = atCap.key();

        List<ConsumerRecord<String, byte[]>> deadLetters = TopicReader.readUntil(
                        KAFKA.bootstrapServers(),
                        Topics.LEADS_DLQ,
                        rs -> rs.stream().anyMatch(r -> leadId.equals(r.key())),
                        Duration.ofSeconds(60),
                        Duration.ZERO)
                .stream()
                .filter(r -> leadId.equals(r.key()))
                .toList();
        assertThat(deadLetters).as("the dead letter of the lead at the cap").hasSize(1);
        ConsumerRecord<String, byte[]> deadLetter = deadLetters.get(0);
        assertThat(deadLetter.value()).hasSize((int) CAP);
        List<String> missing = routerDeadLetterHeaders().stream()
                .filter(h -> deadLetter.headers().lastHeader(h) == null)
                .toList();
        assertThat(missing).as("dead-letter headers missing").isEmpty();
        assertThat(DeadLetterHeaders.get(deadLetter.headers(), DeadLetterHeaders.ERROR_CLASS))
                .isEqualTo(ErrorClass.NO_DESTINATION_CONFIGURED.code());
    }

    /**
     * Posts leads padded to the cap until one is exactly the cap on the {@code leads} topic: ingest stamps its own
     * {@code receivedAt}, whose text may be a few characters shorter or longer than the estimate.
     */
    private static ConsumerRecord<String, Lead> postLeadOfExactlyTheCap() throws Exception {
        int padding = (int) CAP - 400;
        for (int attempt = 1; attempt <= 5; attempt++) {
            String leadId = "size-cap-" + attempt;
            HttpResponse<String> answer = post(leadOf(leadId, padding));
            assertThat(answer.statusCode()).as(answer.body()).isIn(202, 413);
            if (answer.statusCode() == 413) {
                padding -= 64;
                continue;
            }
            ConsumerRecord<String, Lead> written = TopicReader.readUntil(
                            KAFKA.bootstrapServers(),
                            Topics.LEADS,
                            rs -> rs.stream().anyMatch(r -> leadId.equals(r.key())),
                            Duration.ofSeconds(30),
                            Duration.ZERO)
                    .stream()
                    .filter(r -> leadId.equals(r.key()))
                    .findFirst()
                    .orElseThrow();
            if (written.serializedValueSize() == CAP) {
                return written;
            }
            padding += (int) CAP - written.serializedValueSize();
        }
        throw new AssertionError("no lead of exactly " + CAP + " bytes was written in 5 attempts");
    }

    private static String leadOf(String leadId, int padding) throws Exception {
        return Json.MAPPER.writeValueAsString(Json.MAPPER
                .createObjectNode()
                .put("leadId", leadId)
                .put("offerId", OFFER)
                .put("LeadSource", "AzureMarketplace-INS|" + OFFER)
                .put("Notes", "n".repeat(padding)));
    }

    private static HttpResponse<String> post(String body) throws Exception {
        return SystemTestSupport.HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.ingestPort() + "/v1/leads"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", TestKeys.bearer(pipeline.key))
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Every header {@link DeadLetterHeaders} declares, but the destination type: this offer has none. */
    private static List<String> routerDeadLetterHeaders() throws IllegalAccessException {
        List<String> names = new ArrayList<>();
        for (Field f : DeadLetterHeaders.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers())
                    && f.getType() == String.class
                    && !f.getName().equals("PREFIX")
                    && !f.get(null).equals(DeadLetterHeaders.DESTINATION_TYPE)) {
                names.add((String) f.get(null));
            }
        }
        return names;
    }
}
