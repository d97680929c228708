package dev.leadpipe.core.json;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonSerdeTest {
    record Sample(String name, Instant at, Integer count) {}

    private final JsonSerde<Sample> serde = new JsonSerde<>(Sample.class);

    @Test
    void writesIsoInstantsLeavesNullsOutAndReadsBack() {
        Sample s = new Sample("a", Instant.parse("2026-03-01T10:15:30Z"), null);
        byte[] bytes = serde.serializer().serialize("t", s);
        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .isEqualTo("{\"name\":\"a\",\"at\":\"2026-03-01T10:15:30Z\"}");
        assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(s);
    }

    @Test
    void toleratesFieldsItDoesNotKnow() {
        byte[] newer = "{\"name\":\"a\",\"count\":2,\"addedLater\":true}".getBytes(StandardCharsets.UTF_8);
        assertThat(serde.deserializer().deserialize("t", newer)).isEqualTo(new Sample("a", null, 2));
    }

    @Test
    void aTombstoneStaysATombstoneAndUnreadableBytesAreNotEchoed() {
        assertThat(serde.serializer().serialize("t", null)).isNull();
        assertThat(serde.deserializer().deserialize("t", null)).isNull();
        byte[] bad = "{\"name\": \"ann@contoso.com\"".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> serde.deserializer().deserialize("lead-outcomes", bad))
                .isInstanceOf(SerializationException.class)
                .hasMessage("record on lead-outcomes is not a readable Sample");
    }
}
