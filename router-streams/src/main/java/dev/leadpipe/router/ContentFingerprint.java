package dev.leadpipe.router;

import java.nio.ByteBuffer;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.LeadIds;
import dev.leadpipe.core.lead.LeadJson;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What the de-duplication store keeps per routed leadId: a fingerprint of the lead's content, the name-based UUID of
 * the SHA-256 of its canonical form without leadId and receive time ({@link LeadIds#deterministicId}), so the same
 * lead resubmitted (which ingest stamps with a new receive time) has the same fingerprint and a different lead under
 * the same leadId has another.
 *
 * <p>On the store and its changelog a fingerprint is its UUID's 16 bytes. Routers before fingerprints stored the
 * routed time as an 8-byte long; such a value reads as {@link #UNKNOWN}, which counts as the same content as any
 * lead, so a store written by an older router keeps dropping duplicates as it did and never dead-letters.
 *
 * @param value the fingerprint, or null when unknown (an older store value)
 */
record ContentFingerprint(UUID value) {
    /** The fingerprint of a value an older router stored: unknown content. */
    static final ContentFingerprint UNKNOWN = new ContentFingerprint(null);

    private static final int FINGERPRINT_BYTES = 16;
    private static final int LEGACY_BYTES = Long.BYTES;

    static ContentFingerprint of(Lead lead) {
        return of(LeadJson.write(lead));
    }

    /** The fingerprint of the lead whose canonical form ({@link LeadJson#write}) is {@code canonical}. */
    static ContentFingerprint of(ObjectNode canonical) {
        return new ContentFingerprint(LeadIds.contentId(canonical));
    }

    /** Whether two leads may have the same content: equal fingerprints, or either unknown. */
    boolean sameContentAs(ContentFingerprint other) {
        return value == null || other.value == null || value.equals(other.value);
    }

    /** The store's serde: 16 bytes, or an older router's 8-byte routed time read as {@link #UNKNOWN}. */
    static Serde<ContentFingerprint> serde() {
        Serializer<ContentFingerprint> serializer = (topic, f) -> {
            if (f == null) {
                return null;
            }
            if (f.value == null) {
                return Serdes.Long().serializer().serialize(topic, 0L);
            }
            return ByteBuffer.allocate(FINGERPRINT_BYTES)
                    .putLong(f.value.getMostSignificantBits())
                    .putLong(f.value.getLeastSignificantBits())
                    .array();
        };
        Deserializer<ContentFingerprint> deserializer = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            if (bytes.length == LEGACY_BYTES) {
                return UNKNOWN;
            }
            if (bytes.length != FINGERPRINT_BYTES) {
                throw new SerializationException(
                        "a de-duplication store value of " + bytes.length + " bytes is neither a fingerprint ("
                                + FINGERPRINT_BYTES + ") nor an older router's routed time (" + LEGACY_BYTES + ")");
            }
            ByteBuffer b = ByteBuffer.wrap(bytes);
            return new ContentFingerprint(new UUID(b.getLong(), b.getLong()));
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
