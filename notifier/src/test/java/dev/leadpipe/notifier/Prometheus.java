package dev.leadpipe.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads one value out of a Prometheus text exposition, as an operator's query would. */
final class Prometheus {
    private Prometheus() {
    }

    /** The value of the one series of {@code name} whose labels include every one of {@code labels}. */
    static double value(String exposition, String name, Map<String, String> labels) {
        List<String> matching = new ArrayList<>();
        for (String line : exposition.split("\n")) {
            boolean labelled = line.startsWith(name + "{");
            if (!labelled && !line.startsWith(name + " ")) {
                continue;
            }
            String labelText = labelled ? line.substring(name.length() + 1, line.lastIndexOf('}')) : "";
            if (labels.entrySet().stream().allMatch(e -> labelText.contains(e.getKey() + "=\"" + e.getValue() + "\""))) {
                matching.add(line);
            }
        }
        assertThat(matching).as("series of %s with %s in:%n%s", name, labels, exposition).hasSize(1);
        String line = matching.get(0);
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    static double emails(String exposition, String kind, String result) {
        return value(exposition, "leadpipe_notifier_emails_total",
                Map.of("kind", kind, "result", result, "service", "notifier"));
    }
}
