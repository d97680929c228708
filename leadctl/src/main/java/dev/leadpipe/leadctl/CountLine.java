package dev.leadpipe.leadctl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The summary line a listing command prints above its table: {@code 12 waiting leads (by offer: a=10, b=2); showing the
 * first 10}. Group names pass through {@link Privacy#safe}; a missing one counts as {@code (none)}.
 */
final class CountLine {
    private CountLine() {}

    /**
     * @param matching what matched the filters
     * @param singular the counted thing, for one ({@code "waiting lead"})
     * @param plural   the counted thing, for any other count ({@code "waiting leads"})
     * @param by       the grouping's name ({@code "offer"})
     * @param groupOf  an item's group
     * @param shown    how many rows the table shows
     */
    static <T> String of(
            List<T> matching, String singular, String plural, String by, Function<T, String> groupOf, int shown) {
        Map<String, Integer> groups = new TreeMap<>();
        for (T item : matching) {
            String group = groupOf.apply(item);
            groups.merge(group == null ? "(none)" : Privacy.safe(group), 1, Integer::sum);
        }
        StringBuilder s = new StringBuilder()
                .append(matching.size())
                .append(' ')
                .append(matching.size() == 1 ? singular : plural);
        if (!groups.isEmpty()) {
            List<String> parts = new ArrayList<>();
            groups.forEach((k, v) -> parts.add(k + "=" + v));
            s.append(" (by ")
                    .append(by)
                    .append(": ")
                    .append(String.join(", ", parts))
                    .append(')');
        }
        if (shown < matching.size()) {
            s.append("; showing the first ").append(shown);
        }
        return s.toString();
    }
}
