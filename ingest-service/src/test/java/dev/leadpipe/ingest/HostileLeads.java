package dev.leadpipe.ingest;

import java.nio.charset.StandardCharsets;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Request bodies a hostile or broken client sends as a lead: valid leads, near-valid leads with one field broken
 * (wrong type, null, huge, malformed e-mail, offer or lead id), keys repeated in another letter case or exactly,
 * unknown fields nested deeply, JSON that is not an object, broken JSON, invalid UTF-8 and random bytes. Every lead
 * carries the customer address {@value #CUSTOMER_EMAIL}, which no answer may repeat.
 */
final class HostileLeads {
    static final String CUSTOMER_EMAIL = "ada.hostile@example.com";

    private static final List<String> BROKEN_FIELDS = List.of(
            "UserDetails",
            "Email",
            "FirstName",
            "LeadSource",
            "offerId",
            "leadId",
            "Description",
            "receivedAt",
            "ActionCode",
            "OfferTitle");

    private HostileLeads() {}

    /** A complete, valid lead; {@code marker} makes it unique. */
    static String valid(String marker) {
        return "{\"UserDetails\":{\"FirstName\":\"Ada\",\"LastName\":\"Lovelace\",\"Email\":\"" + CUSTOMER_EMAIL
                + "\",\"Country\":\"GB\"},\"LeadSource\":\"AzureMarketplace-INS|contoso.widget-pro\","
                + "\"ActionCode\":\"INS\",\"OfferTitle\":\"Widget Pro\",\"Description\":\"" + marker + "\"}";
    }

    /** One lead as JSON text (most of them JSON, some not). */
    static Arbitrary<String> leads() {
        Arbitrary<String> marker = Arbitraries.strings().alpha().numeric().ofLength(12);
        Arbitrary<String> valid = marker.map(HostileLeads::valid);
        Arbitrary<String> oneFieldBroken = Combinators.combine(
                        marker,
                        Arbitraries.of(BROKEN_FIELDS),
                        Arbitraries.integers().between(0, 15))
                .as(HostileLeads::withBrokenField);
        Arbitrary<String> otherCase = Combinators.combine(
                        marker, Arbitraries.integers().between(0, 5))
                .as(HostileLeads::withRepeatedKey);
        Arbitrary<String> deep = Combinators.combine(marker, Arbitraries.of(10, 500, 990, 999, 1_000, 1_001, 3_000))
                .as((m, depth) -> valid(m).replace(
                                "\"ActionCode\"",
                                "\"Nest\":" + "[".repeat(depth) + "]".repeat(depth) + ",\"ActionCode\""));
        Arbitrary<String> notAnObject = Arbitraries.of(
                "null", "true", "1", "\"lead\"", "[]", "[{}]", "{}", "{\"UserDetails\":{}}", " ", "", "\ufeff{}");
        Arbitrary<String> brokenJson = Combinators.combine(
                        marker, Arbitraries.integers().between(1, 400))
                .as((m, cut) -> {
                    String v = valid(m);
                    return v.substring(0, Math.min(cut, v.length() - 1));
                });
        Arbitrary<String> jsonish = Arbitraries.strings()
                .withChars("{}[]\":,.-+0123456789eEtruefalsnUserDtailEm@ \\u\n")
                .ofMaxLength(120);
        return Arbitraries.frequencyOf(
                Tuple.of(4, valid),
                Tuple.of(8, oneFieldBroken),
                Tuple.of(2, otherCase),
                Tuple.of(1, deep),
                Tuple.of(1, notAnObject),
                Tuple.of(2, brokenJson),
                Tuple.of(2, jsonish));
    }

    /** A lead body as bytes: the texts of {@link #leads()}, invalid UTF-8 put into one, or random bytes. */
    static Arbitrary<byte[]> bodies() {
        Arbitrary<byte[]> text = leads().map(s -> s.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> invalidUtf8 = Combinators.combine(
                        Arbitraries.strings().alpha().ofLength(8),
                        Arbitraries.of(
                                new byte[] {(byte) 0xC3, 0x28},
                                new byte[] {(byte) 0xFF},
                                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                                new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
                                new byte[] {0}))
                .as((m, bad) -> {
                    byte[] v = valid(m).replace("Lovelace", "Love\u0001lace").getBytes(StandardCharsets.UTF_8);
                    int at = new String(v, StandardCharsets.UTF_8).indexOf('\u0001');
                    byte[] out = new byte[v.length - 1 + bad.length];
                    System.arraycopy(v, 0, out, 0, at);
                    System.arraycopy(bad, 0, out, at, bad.length);
                    System.arraycopy(v, at + 1, out, at + bad.length, v.length - at - 1);
                    return out;
                });
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
        return Arbitraries.frequencyOf(Tuple.of(12, text), Tuple.of(2, invalidUtf8), Tuple.of(1, random));
    }

    private static String withBrokenField(String marker, String field, int choice) {
        String value = switch (choice) {
            case 0 -> "null";
            case 1 -> "42";
            case 2 -> "true";
            case 3 -> "[]";
            case 4 -> "{}";
            case 5 -> "\"" + "x".repeat(1_025) + "\"";
            case 6 -> "\"" + "y".repeat(9_000) + "\"";
            case 7 -> "\"\"";
            case 8 -> "\"not an e-mail\"";
            case 9 -> "\"a@@b\"";
            case 10 -> "\"MSFT_TEST_ 123\"";
            case 11 -> "\"contoso\"";
            case 12 -> "\"-bad id with spaces\"";
            case 13 -> "\"\\u0000\\uD800\"";
            case 14 -> "1e400";
            default -> "\"student@cs.MIT.EDU.\"";
        };
        String lead = valid(marker);
        String quoted = "\"" + field + "\"";
        if (lead.contains(quoted)) {
            int at = lead.indexOf(quoted) + quoted.length() + 1;
            int end = field.equals("UserDetails") ? lead.indexOf('}', at) + 1 : lead.indexOf('"', at + 1) + 1;
            return lead.substring(0, at) + value + lead.substring(end);
        }
        return lead.substring(0, lead.length() - 1) + "," + quoted + ":" + value + "}";
    }

    private static String withRepeatedKey(String marker, int choice) {
        String lead = valid(marker);
        return switch (choice) {
            case 0 -> lead.replace("\"Country\"", "\"EMAIL\":\"other@example.com\",\"Country\"");
            case 1 -> lead.replace("\"Country\"", "\"Email\":\"other@example.com\",\"Country\"");
            case 2 -> lead.replace("\"ActionCode\"", "\"leadsource\":\"AppSource-PLT|fabrikam.x\",\"ActionCode\"");
            case 3 -> lead.replace("\"UserDetails\"", "\"userDETAILS\":{},\"UserDetails\"");
            case 4 -> lead.replace("\"ActionCode\"", "\"actioncode\"").replace("\"Description\"", "\"DESCRIPTION\"");
            default -> lead.replace("\"ActionCode\"", "\"OfferID\":\"contoso.other\",\"ActionCode\"");
        };
    }
}
