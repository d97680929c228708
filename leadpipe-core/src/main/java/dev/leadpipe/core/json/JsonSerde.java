package dev.leadpipe.core.json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Predicate;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka serde for a Jackson-mapped type. A null value (a tombstone) maps to null both ways;
 * unreadable bytes raise {@link SerializationException} without echoing the bytes, which may hold personal data.
 * So does JSON that maps to a value lacking what every reader relies on (the {@code usable} check).
 */
public final class JsonSerde<T> implements Serde<T> {
    private final Class<T> type;
    private final Predicate<T> usable;

    public JsonSerde(Class<T> type) {
        this(type, value -> true);
    }

    /** @param usable whether a read value holds what every reader relies on; one that does not is unreadable */
    public JsonSerde(Class<T> type, Predicate<T> usable) {
        this.type = type;
        this.usable = usable;
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                return Json.MAPPER.writeValueAsBytes(value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            T value;
            try {
                value = Json.MAPPER.readValue(bytes, type);
            } catch (IOException e) {
                throw new SerializationException("record on " + topic + " is not a readable " + type.getSimpleName());
            }
            if (value != null && !usable.test(value)) {
                throw new SerializationException("record on " + topic + " is not a complete " + type.getSimpleName());
            }
            return value;
        };
    }
}
