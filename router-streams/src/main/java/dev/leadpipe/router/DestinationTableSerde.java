package dev.leadpipe.router;

import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code lead-destinations} as the router's global table reads it: a record that is not a readable
 * {@link LeadDestination} reads as no destination (null, like a tombstone) instead of stopping the router's global
 * thread, which would halt routing for every offer. That offer's leads are then dead-lettered
 * {@code NO_DESTINATION_CONFIGURED} (replayable) until the destination is saved again; other offers are routed as
 * before. Ingest validates every destination it writes, so only a foreign producer can write such a record. Writes
 * are the topic's own serializer.
 */
final class DestinationTableSerde implements Serde<LeadDestination> {
    private static final Logger LOG = LoggerFactory.getLogger(DestinationTableSerde.class);
    private final Serde<LeadDestination> strict = Topics.LEAD_DESTINATIONS.valueSerde();

    @Override
    public Serializer<LeadDestination> serializer() {
        return strict.serializer();
    }

    @Override
    public Deserializer<LeadDestination> deserializer() {
        Deserializer<LeadDestination> reader = strict.deserializer();
        return (topic, bytes) -> {
            try {
                return reader.deserialize(topic, bytes);
            } catch (SerializationException e) {
                // the record's bytes are not logged: they may hold contact addresses or secrets
                LOG.warn(
                        "an unreadable record on {} reads as no destination: its offer's leads are dead-lettered "
                                + "NO_DESTINATION_CONFIGURED until the destination is saved again",
                        topic);
                return null;
            }
        };
    }
}
