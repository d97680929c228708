package dev.leadpipe.core.lead;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadpipe.core.json.Json;

/**
 * Lead ids. A lead that arrives without one gets a deterministic id: a name-based UUID of the SHA-256 of its
 * canonical content (every field in canonical casing, keys sorted, without the pipeline's receive time), so the
 * same lead submitted twice gets the same id and is recognised downstream as a duplicate.
 */
public final class LeadIds {
    private LeadIds() {}

    public static String deterministicId(Lead lead) {
        ObjectNode canonical = LeadJson.write(lead.withLeadId(null).withReceivedAt(null));
        byte[] digest = sha256(sorted(canonical).toString().getBytes(StandardCharsets.UTF_8));
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            msb = (msb << 8) | (digest[i] & 0xff);
            lsb = (lsb << 8) | (digest[i + 8] & 0xff);
        }
        msb = (msb & ~0xF000L) | 0x8000L; // version 8: custom, name-based
        lsb = (lsb & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        return new UUID(msb, lsb).toString();
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = Json.MAPPER.createObjectNode();
            java.util.List<String> names = new java.util.ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            java.util.Collections.sort(names);
            names.forEach(n -> out.set(n, sorted(node.get(n))));
            return out;
        }
        if (node.isArray()) {
            var out = Json.MAPPER.createArrayNode();
            node.forEach(e -> out.add(sorted(e)));
            return out;
        }
        return node;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
