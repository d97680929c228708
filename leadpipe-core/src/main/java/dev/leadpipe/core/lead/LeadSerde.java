package dev.leadpipe.core.lead;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.leadpipe.core.json.Json;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** The serde of a {@link Lead} on a topic, in {@link LeadJson}'s canonical form. Unreadable bytes raise {@link SerializationException}. */
public final class LeadSerde implements Serde<Lead> {

    @Override
    public Serializer<Lead> serializer() {
        return (topic, lead) -> {
            if (lead == null) {
                return null;
            }
            try {
                return Json.MAPPER.writeValueAsBytes(LeadJson.write(lead));
            } catch (JsonProcessingException e) {
                throw new SerializationException("lead " + lead.leadId() + " could not be written");
            }
        };
    }

    @Override
    public Deserializer<Lead> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            LeadJson.Result result;
            try {
                result = LeadJson.read(Json.MAPPER.readTree(bytes));
            } catch (IOException e) {
                throw new SerializationException("record on " + topic + " is not JSON");
            }
            if (!result.ok()) {
                throw new SerializationException("record on " + topic + " is not a lead: " + result.errors());
            }
            return result.lead();
        };
    }
}
