package dev.leadpipe.core.lead;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.leadpipe.core.json.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LeadIdsTest {
    private static Lead read(String s) throws Exception {
        return LeadJson.read(Json.MAPPER.readTree(s)).lead();
    }

    @Test
    void theSameLeadGetsTheSameIdWhateverTheKeyCaseOrOrderOrReceiveTime() throws Exception {
        Lead a = read(
                "{\"LeadSource\":\"AzureMarketplace-INS|contoso.widget\",\"UserDetails\":{\"Email\":\"x@y.com\",\"FirstName\":\"X\"}}");
        Lead b =
                read("{\"userdetails\":{\"firstname\":\"X\",\"email\":\"x@y.com\"},\"leadsource\":\"AzureMarketplace-INS|contoso.widget\"}")
                        .withReceivedAt(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(LeadIds.deterministicId(a))
                .isEqualTo(LeadIds.deterministicId(b))
                .matches("[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    }

    @Test
    void unknownFieldsInAnotherOrderGiveTheSameId() throws Exception {
        Lead a = read("""
                {"Campaign": {"source": "ads", "id": 7, "tags": [{"b": 1, "a": 2}]}, "Zone": "EU",
                 "UserDetails": {"Email": "x@y.com", "Nickname": "X", "Age": 40}}""");
        Lead b = read("""
                {"UserDetails": {"Age": 40, "Email": "x@y.com", "Nickname": "X"}, "Zone": "EU",
                 "Campaign": {"tags": [{"a": 2, "b": 1}], "id": 7, "source": "ads"}}""");
        assertThat(LeadIds.deterministicId(a)).isEqualTo(LeadIds.deterministicId(b));
        Lead c = read("""
                {"Campaign": {"source": "ads", "id": 7, "tags": [{"b": 2, "a": 1}]}, "Zone": "EU",
                 "UserDetails": {"Email": "x@y.com", "Nickname": "X", "Age": 40}}""");
        assertThat(LeadIds.deterministicId(c))
                .as("a value deep inside an array differs")
                .isNotEqualTo(LeadIds.deterministicId(a));
    }

    @Test
    void aDifferentLeadGetsADifferentId() throws Exception {
        Lead a = read(
                "{\"LeadSource\":\"AzureMarketplace-INS|contoso.widget\",\"UserDetails\":{\"Email\":\"x@y.com\"}}");
        Lead b = read(
                "{\"LeadSource\":\"AzureMarketplace-INS|contoso.widget\",\"UserDetails\":{\"Email\":\"z@y.com\"}}");
        assertThat(LeadIds.deterministicId(a)).isNotEqualTo(LeadIds.deterministicId(b));
        assertThat(LeadIds.deterministicId(a.withLeadId("given-1")))
                .as("a given lead id is not part of the content")
                .isEqualTo(LeadIds.deterministicId(a));
    }

    /**
     * The documented form, computed independently: the first 128 bits of the SHA-256 of the canonical JSON (keys
     * sorted at every level, without leadId and receivedAt), with the UUID version set to 8 and the IETF variant.
     */
    @Test
    void theIdIsTheSha256OfTheCanonicalContentAsAVersion8Uuid() throws Exception {
        Lead lead = read("""
                {"leadId": "ignored-1", "receivedAt": "2026-03-01T10:00:00Z", "offerId": "contoso.widget",
                 "UserDetails": {"LastName": "Lee", "FirstName": "Ann", "Email": "ann@contoso.com", "Nick": {"z": 1, "a": [3, {"y": 2, "b": 1}]}},
                 "LeadSource": "AzureMarketplace-INS|contoso.widget", "ActionCode": "INS", "OfferTitle": "Widget",
                 "Description": "Call me", "Extra": true}""");
        ObjectMapper sortingMapper = Json.MAPPER.copy().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
        var content = LeadJson.write(lead);
        content.remove("leadId");
        content.remove("receivedAt");
        String canonical = sortingMapper.writeValueAsString(sortingMapper.convertValue(content, TreeMap.class));
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
        String expected = HexFormat.of().formatHex(digest, 0, 16);

        assertThat(LeadIds.contentId(LeadJson.write(lead)).toString()).isEqualTo(LeadIds.deterministicId(lead));
        String id = LeadIds.deterministicId(lead).replace("-", "");
        assertThat(id).hasSize(32);
        assertThat(id.charAt(12)).as("version").isEqualTo('8');
        int variantNibble = Character.digit(expected.charAt(16), 16);
        assertThat(Character.digit(id.charAt(16), 16)).as("IETF variant").isEqualTo((variantNibble & 0x3) | 0x8);
        assertThat(id.substring(0, 12) + id.substring(13, 16) + id.substring(17))
                .isEqualTo(expected.substring(0, 12) + expected.substring(13, 16) + expected.substring(17));
    }

    /**
     * Ids stored before (the router's de-duplication store keeps them for its window) stay valid: the id is the same
     * as the one of the canonical content copied with its keys sorted and written by {@code JsonNode.toString()}, for
     * content with non-ASCII text, characters JSON escapes, nested objects in arrays, numbers of every kind and nulls.
     */
    @Test
    void theIdIsTheHashOfTheSortedContentAsJsonNodeToStringWritesIt() throws Exception {
        Lead lead = read("""
                {"leadId": "l-1", "receivedAt": "2026-03-01T10:00:00.123Z", "offerId": "contoso.widget",
                 "UserDetails": {"LastName": "Müller-Łukasz 日本", "FirstName": "Zoë \\\"Z\\\" \\\\ \\n\\t\\u0001",
                   "Email": "zoe@contoso.com", "Zeta": null, "Alpha": {"b": [1, 2.50, -3e10, 12345678901234567890, true],
                   "a": [{"z": {"y": "ü", "x": null}, "c": 1}]}},
                 "LeadSource": "AzureMarketplace-INS|contoso.widget", "ActionCode": "INS", "OfferTitle": "Widget ✓",
                 "Description": "Call me 😀", "zExtra": 0.1, "AExtra": [], "mExtra": {}}""");
        var content = LeadJson.write(lead);
        content.remove("leadId");
        content.remove("receivedAt");
        byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest(sortedCopy(content).toString().getBytes(StandardCharsets.UTF_8));
        String expected = HexFormat.of().formatHex(digest, 0, 16);

        String id = LeadIds.deterministicId(lead).replace("-", "");
        assertThat(id.substring(0, 12) + id.substring(13, 16) + id.substring(17, 32))
                .isEqualTo(expected.substring(0, 12) + expected.substring(13, 16) + expected.substring(17, 32));
        assertThat(LeadIds.contentId(LeadJson.write(lead)).toString()).isEqualTo(LeadIds.deterministicId(lead));
    }

    private static com.fasterxml.jackson.databind.JsonNode sortedCopy(com.fasterxml.jackson.databind.JsonNode node) {
        if (node.isObject()) {
            var out = Json.MAPPER.createObjectNode();
            new TreeMap<>(Json.MAPPER.convertValue(node, java.util.Map.class))
                    .keySet()
                    .forEach(k -> out.set((String) k, sortedCopy(node.get((String) k))));
            return out;
        }
        if (node.isArray()) {
            var out = Json.MAPPER.createArrayNode();
            node.forEach(e -> out.add(sortedCopy(e)));
            return out;
        }
        return node;
    }
}
