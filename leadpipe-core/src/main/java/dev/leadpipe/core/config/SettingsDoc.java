package dev.leadpipe.core.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares the environment tables of a Markdown document with a service's declared {@link Setting}s, so that a test
 * fails when the two drift apart. A documented default matches when it reads as the declared default value, or is
 * its documented text. A table counts when its header has a {@code variable} and a {@code default}
 * column; a row counts when its variable cell is one backticked upper-case name with a declared prefix (such as
 * {@code SINK_} or {@code KAFKA_}, see {@link #prefix}); other rows (another service's variables) are left alone. The
 * parts of a setting read from several variables ({@link Setting.WholeEnvironment}, such as the Kafka security
 * variables) count as declared and are compared when documented, but need not be documented in every service's page.
 */
public final class SettingsDoc {
    private static final String SHARED_PREFIX = "LEADPIPE_";
    private static final Pattern VARIABLE = Pattern.compile("`([A-Z][A-Z0-9_]*)`");

    private SettingsDoc() {}

    /**
     * The differences, one a line ({@code SINK_X: documented default 1s, declared 2s}); empty when the document
     * agrees. {@link #table} prints the declared rows.
     *
     * @param complete whether every declared setting must be documented (else only the documented ones are compared)
     */
    public static List<String> differences(Path markdown, List<Setting<?>> settings, boolean complete) {
        Map<String, String> documented = table(markdown);
        List<String> out = new ArrayList<>();
        List<String> prefixes = settings.stream().map(s -> prefix(s.env())).toList();
        List<Setting<?>> parts = new ArrayList<>();
        for (Setting<?> s : settings) {
            if (s.parser() instanceof Setting.WholeEnvironment<?> whole) {
                whole.parts().stream().filter(p -> !p.env().equals(s.env())).forEach(parts::add);
            }
        }
        for (Setting<?> p : parts) {
            String doc = documented.get(p.env());
            if (doc != null && !sameDefault(p, normal(doc))) {
                out.add(p.env() + ": documented default " + doc + ", declared " + p.defaultText());
            }
        }
        for (Setting<?> s : settings) {
            String doc = documented.get(s.env());
            if (doc == null) {
                if (complete) {
                    out.add(s.env() + ": declared (default " + s.defaultText() + ") but not documented in " + markdown);
                }
            } else if (!sameDefault(s, normal(doc))) {
                out.add(s.env() + ": documented default " + doc + ", declared " + s.defaultText());
            }
        }
        for (String name : documented.keySet()) {
            if (prefixes.stream().anyMatch(name::startsWith)
                    && settings.stream().noneMatch(s -> s.env().equals(name))
                    && parts.stream().noneMatch(s -> s.env().equals(name))) {
                out.add(name + ": documented in " + markdown + " but not declared");
            }
        }
        return out;
    }

    /**
     * The group of a variable: its first word ({@code SINK_}), or its first two for the project-wide {@code LEADPIPE_}
     * ({@code LEADPIPE_DLQ_}), which variables read elsewhere than through settings share ({@code
     * LEADPIPE_SECRET_KEYS}).
     */
    static String prefix(String env) {
        int end = env.indexOf('_') + 1;
        if (env.startsWith(SHARED_PREFIX) && env.indexOf('_', SHARED_PREFIX.length()) > 0) {
            end = env.indexOf('_', SHARED_PREFIX.length()) + 1;
        }
        return env.substring(0, end);
    }

    /** The declared settings as a Markdown table ({@code | variable | default | meaning |}), to paste into a doc. */
    public static String table(List<Setting<?>> settings) {
        StringBuilder out = new StringBuilder("| variable | default | meaning |\n|---|---|---|\n");
        for (Setting<?> s : settings) {
            out.append("| `")
                    .append(s.env())
                    .append("` | ")
                    .append(s.defaultText())
                    .append(" | ")
                    .append(s.doc())
                    .append(" |\n");
        }
        return out.toString();
    }

    /** Variable to default cell, from every environment table of the document. */
    static Map<String, String> table(Path markdown) {
        List<String> lines;
        try {
            lines = Files.readAllLines(markdown);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        int variable = -1;
        int dflt = -1;
        for (String line : lines) {
            if (!line.startsWith("|")) {
                variable = -1;
                continue;
            }
            List<String> cells = cells(line);
            if (variable < 0) {
                List<String> header =
                        cells.stream().map(c -> c.toLowerCase(Locale.ROOT)).toList();
                variable = header.indexOf("variable");
                dflt = header.indexOf("default");
                variable = dflt < 0 ? -1 : variable;
                continue;
            }
            Matcher m = VARIABLE.matcher(cells.get(variable));
            if (cells.size() > dflt && m.matches()) {
                out.put(m.group(1), cells.get(dflt));
            }
        }
        return out;
    }

    private static List<String> cells(String line) {
        List<String> cells = new ArrayList<>();
        for (String cell : line.substring(1).split("\\|", -1)) {
            cells.add(cell.trim());
        }
        return cells;
    }

    /** The documented default is the declared one: the same text, or read as the same value ({@code 24h}, {@code 1d}). */
    private static boolean sameDefault(Setting<?> s, String doc) {
        if (doc.equals(normal(s.defaultText()))) {
            return true;
        }
        try {
            return !s.isRequired() && s.defaultValue().equals(s.read(doc));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String normal(String cell) {
        return cell.replace("`", "").trim();
    }
}
