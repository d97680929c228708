package dev.leadpipe.local.monitoring;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Small PromQL helpers for checking alert rules and dashboards against the metrics contract. */
public final class PromQl {
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern LEADPIPE_NAME = Pattern.compile("(?<![A-Za-z0-9_:$.])leadpipe_[A-Za-z0-9_:]*");

    private PromQl() {}

    /**
     * The {@code leadpipe_*} metric names {@code expr} selects, e.g. {@code leadpipe_sink_delivery_latency_seconds_bucket}
     * (as written: histogram series keep their suffix). Names inside string literals (label values) are ignored.
     */
    public static Set<String> metricNames(String expr) {
        String withoutStrings = STRING.matcher(expr).replaceAll("\"\"");
        Set<String> names = new TreeSet<>();
        Matcher m = LEADPIPE_NAME.matcher(withoutStrings);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }
}
