package dev.leadpipe.core.topic;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadpipe.core.circuit.CircuitReport;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.UserDetails;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.retry.RetryWakeup;
import dev.leadpipe.core.retry.WaitingLead;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile bytes into every topic's key and value deserializer ({@link Topics#all()}): random bytes, and near-valid
 * JSON (a real record of the topic with one thing broken). Each returns a value or throws
 * {@link SerializationException}, the one type the consumers handle (Kafka hands it to the consumer as a
 * {@code RecordDeserializationException}, Kafka Streams to its deserialization handler), and its message never
 * repeats the record's content (a customer's e-mail address).
 */
class TopicSerdesPropertiesTest {
    /** Sits in every sample record: no exception message may repeat it. */
    private static final String CUSTOMER_EMAIL = "zephyrine.marker@contoso.example";

    private static final Instant AT = Instant.parse("2026-12-02T10:15:30Z");

    @Property(tries = 1500)
    void randomBytesGiveAValueOrTheDocumentedRefusal(
            @ForAll("topics") TopicSpec<?, ?> topic, @ForAll boolean key, @ForAll("randomBytes") byte[] bytes) {
        assertReadableOrRefused(topic, key, bytes);
    }

    @Property(tries = 2000)
    void nearValidJsonGivesAValueOrTheDocumentedRefusal(@ForAll("nearValidRecords") TopicRecord record) {
        assertReadableOrRefused(record.topic(), false, record.bytes());
    }

    /** A topic and the bytes of one of its values. */
    record TopicRecord(TopicSpec<?, ?> topic, byte[] bytes) {
        @Override
        public String toString() {
            return topic.name() + ": " + new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static void assertReadableOrRefused(TopicSpec<?, ?> topic, boolean key, byte[] bytes) {
        Deserializer<?> deserializer =
                key ? topic.keySerde().deserializer() : topic.valueSerde().deserializer();
        try {
            Object value = deserializer.deserialize(topic.name(), bytes);
            if (value instanceof LeadDestination destination) {
                // every reader of the topic (ingest, router, sinks, notifier) goes by the type
                assertThat(destination.type())
                        .as("a destination read has a type")
                        .isNotNull();
            }
            if (value instanceof CircuitReport report) {
                // the status service's verdict goes by the state
                assertThat(report.state())
                        .as("a circuit report read has a state")
                        .isNotNull();
            }
        } catch (SerializationException refused) {
            assertThat(String.valueOf(refused.getMessage()))
                    .contains(topic.name())
                    .doesNotContain("zephyrine.marker");
        }
    }

    @Provide
    Arbitrary<TopicSpec<?, ?>> topics() {
        return Arbitraries.of(Topics.all());
    }

    @Provide
    Arbitrary<byte[]> randomBytes() {
        Arbitrary<byte[]> any = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<byte[]> jsonish = Arbitraries.strings()
                .withChars("{}[]\":,.-+0123456789eEtruefalsn \\u\n")
                .ofMaxLength(200)
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(any, jsonish);
    }

    @Provide
    Arbitrary<TopicRecord> nearValidRecords() {
        return Combinators.combine(Arbitraries.of(Topics.all()), HostileJson.breakages())
                .as((topic, breakage) -> new TopicRecord(topic, breakage.apply(sample(topic))));
    }

    /** A real record of the topic's value type, as its serializer writes it (raw lead bytes for byte topics). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static JsonNode sample(TopicSpec<?, ?> topic) {
        Object value = sampleValue(topic);
        byte[] bytes = ((org.apache.kafka.common.serialization.Serializer)
                        topic.valueSerde().serializer())
                .serialize(topic.name(), value);
        try {
            return Json.MAPPER.readTree(bytes);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Object sampleValue(TopicSpec<?, ?> topic) {
        if (topic.name().equals(Topics.LEAD_DESTINATIONS.name())) {
            return new LeadDestination(
                    "contoso.widget",
                    DestinationType.HTTPS,
                    Map.of("url", "https://hooks.contoso.example/leads"),
                    List.of("sales@contoso.example"),
                    3,
                    AT);
        }
        if (topic.name().equals(Topics.LEAD_OUTCOMES.name())) {
            return Outcome.deadLettered(
                    "lead-1", "contoso.widget", "https", ErrorClass.UNKNOWN, 2, false, 0, AT, "upstream said no");
        }
        if (topic.name().equals(Topics.DESTINATION_CIRCUITS.name())) {
            return new CircuitReport("contoso.widget", "https", CircuitReport.State.OPEN, AT, ErrorClass.UNKNOWN);
        }
        if (topic.name().equals(Topics.LEAD_WAITING.name())) {
            return new WaitingLead(
                    "lead-1",
                    "contoso.widget",
                    "https",
                    WaitingLead.Reason.RETRY,
                    AT,
                    AT.plusSeconds(60),
                    2,
                    ErrorClass.UNKNOWN,
                    503,
                    AT);
        }
        if (topic.name().equals(Topics.RETRY_WAKEUPS.name())) {
            return new RetryWakeup("contoso.widget", "https", AT, Map.of("deliveries.https.retry-1:0", 17L));
        }
        ObjectNode lead = dev.leadpipe.core.lead.LeadJson.write(sampleLead());
        if (topic.valueSerde().deserializer() instanceof org.apache.kafka.common.serialization.ByteArrayDeserializer) {
            return lead.toString().getBytes(StandardCharsets.UTF_8);
        }
        return sampleLead();
    }

    private static Lead sampleLead() {
        return new Lead(
                "lead-1",
                "contoso.widget",
                AT,
                false,
                new UserDetails("Zephyrine", "Quill", CUSTOMER_EMAIL, "+1 555 0100", "US", "Contoso", "CTO", Map.of()),
                "AppSource-INS|contoso.widget",
                "INS",
                "Widget",
                "call me",
                Map.of());
    }
}
