package dev.leadpipe.router;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
 *
 * <p>The router looks up its offer's destination for every lead, and the store hands back the record's bytes each
 * time: a destination read once is kept by its exact bytes (a {@link LeadDestination} is immutable), so the JSON is
 * read again only when the record changes. At most {@value #CACHED} destinations are kept; beyond that the cache
 * starts again empty.
 */
final class DestinationTableSerde implements Serde<LeadDestination> {
    private static final Logger LOG = LoggerFactory.getLogger(DestinationTableSerde.class);
    /** How many destinations the deserializer keeps read. */
    static final int CACHED = 4096;

    private final Serde<LeadDestination> strict = Topics.LEAD_DESTINATIONS.valueSerde();
    private final Map<ByteBuffer, LeadDestination> read = new ConcurrentHashMap<>();

    @Override
    public Serializer<LeadDestination> serializer() {
        return strict.serializer();
    }

    @Override
    public Deserializer<LeadDestination> deserializer() {
        Deserializer<LeadDestination> reader = strict.deserializer();
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            ByteBuffer key = ByteBuffer.wrap(bytes);
            LeadDestination known = read.get(key);
            if (known != null) {
                return known;
            }
            try {
                LeadDestination destination = reader.deserialize(topic, bytes);
                if (destination != null) {
                    if (read.size() >= CACHED) {
                        read.clear();
                    }
                    read.put(ByteBuffer.wrap(bytes.clone()), destination);
                }
                return destination;
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
