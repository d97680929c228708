package dev.leadpipe.core.topic;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Breaks a valid JSON record in one way: truncated, a byte changed, a token inserted, a field removed, a field given a
 * value of the wrong type (null, number, boolean, array, object, a huge string, deep nesting), a key repeated in
 * another letter case, or invalid UTF-8 put into a string.
 */
final class HostileJson {
    enum Kind {
        TRUNCATE,
        CHANGE_BYTE,
        INSERT_TOKEN,
        REMOVE_FIELD,
        WRONG_TYPE,
        DUPLICATE_KEY_OTHER_CASE,
        INVALID_UTF8
    }

    private static final String[] TOKENS = {
        "{", "}", "[", "]", "\"", ",", ":", "null", "1e999", "-0", "\\u0000", "\\uD800", "\u0000", "NaN", "/*x*/",
    };

    private HostileJson() {}

    /** One way of breaking a record: {@code where} (0..1) picks the place, {@code choice} the field or value. */
    record Breakage(Kind kind, double where, int choice, byte b) {
        byte[] apply(JsonNode valid) {
            byte[] bytes = valid.toString().getBytes(StandardCharsets.UTF_8);
            int at = (int) (where * bytes.length);
            return switch (kind) {
                case TRUNCATE -> java.util.Arrays.copyOf(bytes, at);
                case CHANGE_BYTE -> {
                    byte[] copy = bytes.clone();
                    copy[Math.min(at, copy.length - 1)] = b;
                    yield copy;
                }
                case INSERT_TOKEN -> insert(bytes, at, TOKENS[choice % TOKENS.length].getBytes(StandardCharsets.UTF_8));
                case REMOVE_FIELD -> withField(valid, null);
                case WRONG_TYPE -> withField(valid, hostileValue(choice));
                case DUPLICATE_KEY_OTHER_CASE -> duplicateKey(valid);
                case INVALID_UTF8 -> {
                    int quote = indexOf(bytes, (byte) '"', at);
                    yield quote < 0 ? bytes : insert(bytes, quote + 1, new byte[] {(byte) 0xC3, (byte) 0x28, b});
                }
            };
        }

        private byte[] withField(JsonNode valid, String rawValue) {
            List<String> paths = fieldPaths(valid, "");
            if (paths.isEmpty()) {
                return valid.toString().getBytes(StandardCharsets.UTF_8);
            }
            String path = paths.get(choice % paths.size());
            JsonNode copy = valid.deepCopy();
            ObjectNode parent = (ObjectNode) copy.at(path.substring(0, path.lastIndexOf('/')));
            String name = path.substring(path.lastIndexOf('/') + 1);
            if (rawValue == null) {
                parent.remove(name);
                return copy.toString().getBytes(StandardCharsets.UTF_8);
            }
            parent.put(name, "\u0001PLACEHOLDER\u0001");
            return copy.toString()
                    .replace("\"\\u0001PLACEHOLDER\\u0001\"", rawValue)
                    .getBytes(StandardCharsets.UTF_8);
        }

        private byte[] duplicateKey(JsonNode valid) {
            List<String> names = new ArrayList<>();
            valid.fieldNames().forEachRemaining(names::add);
            if (names.isEmpty()) {
                return valid.toString().getBytes(StandardCharsets.UTF_8);
            }
            String name = names.get(choice % names.size());
            String other = choice % 2 == 0 ? name.toUpperCase(Locale.ROOT) : name.toLowerCase(Locale.ROOT);
            String text = valid.toString();
            String extra = ",\"" + other + "\":" + hostileValue(choice / 2) + "}";
            return (text.substring(0, text.length() - 1) + extra).getBytes(StandardCharsets.UTF_8);
        }
    }

    /** A JSON value of a type no field expects, or of a size none accepts. */
    static String hostileValue(int choice) {
        return switch (Math.floorMod(choice, 10)) {
            case 0 -> "null";
            case 1 -> "12345678901234567890123456789";
            case 2 -> "true";
            case 3 -> "[]";
            case 4 -> "{}";
            case 5 -> "\"" + "x".repeat(100_000) + "\"";
            case 6 -> "[".repeat(1_200) + "]".repeat(1_200);
            case 7 -> "-1.5e308";
            case 8 -> "\"\"";
            default -> "{\"a\":[{\"b\":null}],\"A\":1}";
        };
    }

    static Arbitrary<Breakage> breakages() {
        return Combinators.combine(
                        Arbitraries.of(Kind.class),
                        Arbitraries.doubles().between(0, 1).ofScale(4),
                        Arbitraries.integers().between(0, 1_000),
                        Arbitraries.bytes())
                .as(Breakage::new);
    }

    /** JSON pointers of every object member, nested ones included. */
    static List<String> fieldPaths(JsonNode node, String base) {
        List<String> out = new ArrayList<>();
        if (node.isObject()) {
            Iterator<String> names = node.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                if (name.contains("/") || name.contains("~")) {
                    continue;
                }
                out.add(base + "/" + name);
                out.addAll(fieldPaths(node.get(name), base + "/" + name));
            }
        }
        return out;
    }

    private static byte[] insert(byte[] bytes, int at, byte[] what) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes, 0, at);
        out.write(what, 0, what.length);
        out.write(bytes, at, bytes.length - at);
        return out.toByteArray();
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = Math.max(0, from); i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
