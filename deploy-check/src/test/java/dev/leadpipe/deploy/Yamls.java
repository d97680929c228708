package dev.leadpipe.deploy;

import java.util.List;
import java.util.Map;

/** Walks parsed YAML (maps, lists, scalars) by key path; a missing step gives null, an empty list or map. */
final class Yamls {
    private Yamls() {}

    static Object get(Object node, String... path) {
        Object at = node;
        for (String key : path) {
            if (!(at instanceof Map<?, ?> m)) {
                return null;
            }
            at = m.get(key);
        }
        return at;
    }

    static String string(Object node, String... path) {
        Object v = get(node, path);
        return v == null ? null : String.valueOf(v);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object node, String... path) {
        Object v = get(node, path);
        return v instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node, String... path) {
        Object v = get(node, path);
        return v instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
