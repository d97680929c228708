package dev.leadpipe.core.destination;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A destination type's settings as a Markdown table, rendered from its {@link DestinationSpec}: the table the
 * publisher guide and the API reference show between {@code <!-- settings-table:TYPE -->} and
 * {@code <!-- /settings-table -->} (a test keeps them equal), and the list of secret settings.
 */
public final class DestinationSpecTable {
    /** The line that opens a type's generated table in a document. */
    public static String openMarker(DestinationSpec spec) {
        return "<!-- settings-table:" + spec.typeName() + " -->";
    }

    /** The line that closes a generated table. */
    public static final String CLOSE_MARKER = "<!-- /settings-table -->";

    private DestinationSpecTable() {}

    /** The table: one row per setting (name, when it is needed, how it is kept, what it is). */
    public static String markdown(DestinationSpec spec) {
        StringBuilder b = new StringBuilder("| setting | needed | kept as | what it is |\n|---|---|---|---|\n");
        for (SettingSpec s : spec.settings()) {
            b.append("| `")
                    .append(s.name())
                    .append("` | ")
                    .append(needed(spec, s.name()))
                    .append(" | ")
                    .append(keptAs(s))
                    .append(" | ")
                    .append(s.doc().replace("|", "\\|"))
                    .append(" |\n");
        }
        return b.toString();
    }

    /** The secret settings of every type, one line: {@code `clientSecret`, `password` (Dynamics 365); ...}. */
    public static String secretSettings(List<DestinationSpec> specs) {
        return specs.stream()
                .filter(spec -> spec.refusal().isEmpty())
                .filter(spec -> spec.settings().stream().anyMatch(SettingSpec::secret))
                .map(spec -> spec.settings().stream()
                                .filter(SettingSpec::secret)
                                .map(s -> "`" + s.name() + "`")
                                .collect(Collectors.joining(", "))
                        + " (" + spec.title() + ")")
                .collect(Collectors.joining("; "));
    }

    private static String needed(DestinationSpec spec, String name) {
        List<String> required = new ArrayList<>();
        List<String> optional = new ArrayList<>();
        for (Route r : spec.routes()) {
            if (r.required().contains(name)) {
                required.add(r.title());
            } else if (r.optional().contains(name)) {
                optional.add(r.title());
            }
        }
        boolean single =
                spec.routes().size() == 1 || required.size() == spec.routes().size();
        List<String> parts = new ArrayList<>();
        if (!required.isEmpty()) {
            parts.add(single ? "required" : "required for " + String.join(", ", required));
        }
        if (!optional.isEmpty()) {
            parts.add(spec.routes().size() == 1 ? "optional" : "optional for " + String.join(", ", optional));
        }
        return parts.isEmpty() ? "optional" : String.join("; ", parts);
    }

    private static String keptAs(SettingSpec s) {
        List<String> kept = new ArrayList<>();
        kept.add(s.secret() ? "secret" : s.personal() ? "personal, hidden from errors" : "plain");
        if (s.routing()) {
            kept.add("decides where leads and secrets go");
        }
        return String.join("; ", kept);
    }
}
