package dev.leadpipe.core.lead;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Lead ids. A lead that arrives without one gets a deterministic id: a name-based UUID of the SHA-256 of its
 * canonical content (every field in canonical casing, keys sorted, without the pipeline's receive time), so the
 * same lead submitted twice gets the same id and is recognised downstream as a duplicate.
 */
public final class LeadIds {
    /**
     * The compact JSON every {@code JsonNode.toString()} writes (Jackson's plain mapper), with the properties of every
     * object in key order: the canonical content the id is the hash of.
     */
    private static final ObjectWriter SORTED_WRITER =
            new ObjectMapper().writer().with(JsonNodeFeature.WRITE_PROPERTIES_SORTED);

    private LeadIds() {}

    public static String deterministicId(Lead lead) {
        return contentId(LeadJson.write(lead)).toString();
    }

    /**
     * {@link #deterministicId} of the lead whose canonical form ({@link LeadJson#write}) is {@code canonical}, from
     * that form, which keeps its {@code leadId} and {@code receivedAt} (they are left out here, not changed): for a
     * caller that writes the canonical form anyway and should not write it twice.
     */
    public static UUID contentId(ObjectNode canonical) {
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        content.setAll(canonical);
        content.remove(LeadJson.LEAD_ID);
        content.remove(LeadJson.RECEIVED_AT);
        byte[] json;
        try {
            // as a String, as toString() writes it: the UTF-8 writer would escape characters outside the BMP
            json = SORTED_WRITER.writeValueAsString(content).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a lead's content could not be written as JSON", e);
        }
        byte[] digest = sha256(json);
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            msb = (msb << 8) | (digest[i] & 0xff);
            lsb = (lsb << 8) | (digest[i + 8] & 0xff);
        }
        msb = (msb & ~0xF000L) | 0x8000L; // version 8: custom, name-based
        lsb = (lsb & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        return new UUID(msb, lsb);
    }

    private static final MessageDigest SHA_256 = sha256Digest();

    private static byte[] sha256(byte[] bytes) {
        try {
            return ((MessageDigest) SHA_256.clone()).digest(bytes);
        } catch (CloneNotSupportedException e) {
            return sha256Digest().digest(bytes);
        }
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
