package dev.leadpipe.local.monitoring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The files of {@code deploy/monitoring/} and the metrics contract of {@code docs/monitoring.md}, read for tests: the
 * alert rules' expressions, the dashboard panels' queries, the scrape jobs, and the documented metric names. Paths are
 * resolved from the repository root (found upwards from the working directory, which is a module's directory under
 * Maven), so any test of any module can use it, e.g. to compare {@link #metricNamesUsed()} with what running services
 * export.
 */
public final class MonitoringFiles {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** One alerting rule of alerts.yml. */
    public record AlertRule(
            String group,
            String name,
            String expr,
            String forDuration,
            Map<String, String> labels,
            Map<String, String> annotations) {}

    /** One dashboard panel (rows included, with no queries) and its query expressions. */
    public record Panel(int id, String title, String type, List<String> exprs) {
        public boolean isRow() {
            return "row".equals(type);
        }
    }

    private MonitoringFiles() {}

    /** The repository root: the first directory upwards from the working directory holding deploy/monitoring and docs. */
    public static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("deploy/monitoring"))
                    && Files.isRegularFile(d.resolve("docs/monitoring.md"))) {
                return d;
            }
        }
        throw new IllegalStateException("no deploy/monitoring and docs/monitoring.md above " + dir);
    }

    public static Path directory() {
        return repositoryRoot().resolve("deploy/monitoring");
    }

    public static Path prometheusConfigFile() {
        return directory().resolve("prometheus.yml");
    }

    public static Path alertRulesFile() {
        return directory().resolve("alerts.yml");
    }

    public static Path alertTestsFile() {
        return directory().resolve("alerts-test.yml");
    }

    public static Path dashboardFile() {
        return directory().resolve("grafana/leadpipe-dashboard.json");
    }

    public static Path monitoringDocFile() {
        return repositoryRoot().resolve("docs/monitoring.md");
    }

    /** Every alerting rule of alerts.yml, in file order. */
    public static List<AlertRule> alertRules() {
        List<AlertRule> rules = new ArrayList<>();
        for (JsonNode group : read(YAML, alertRulesFile()).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (!rule.has("alert")) {
                    continue; // a recording rule
                }
                rules.add(new AlertRule(
                        group.path("name").asText(),
                        rule.path("alert").asText(),
                        rule.path("expr").asText(),
                        rule.path("for").asText("0s"),
                        strings(rule.path("labels")),
                        strings(rule.path("annotations"))));
            }
        }
        return rules;
    }

    /** Alert name -> its expression. */
    public static Map<String, String> alertExpressions() {
        Map<String, String> exprs = new LinkedHashMap<>();
        alertRules().forEach(r -> exprs.put(r.name(), r.expr()));
        return exprs;
    }

    /** Every panel of the dashboard (panels inside collapsed rows too), with its {@code targets[].expr}. */
    public static List<Panel> dashboardPanels() {
        List<Panel> panels = new ArrayList<>();
        collectPanels(read(JSON, dashboardFile()).path("panels"), panels);
        return panels;
    }

    private static void collectPanels(JsonNode nodes, List<Panel> into) {
        for (JsonNode p : nodes) {
            List<String> exprs = new ArrayList<>();
            for (JsonNode t : p.path("targets")) {
                if (t.hasNonNull("expr") && !t.get("expr").asText().isBlank()) {
                    exprs.add(t.get("expr").asText());
                }
            }
            into.add(new Panel(
                    p.path("id").asInt(),
                    p.path("title").asText(),
                    p.path("type").asText(),
                    exprs));
            collectPanels(p.path("panels"), into);
        }
    }

    /** Every query of the dashboard, keyed "panel title #n". */
    public static Map<String, String> dashboardExpressions() {
        Map<String, String> exprs = new LinkedHashMap<>();
        for (Panel p : dashboardPanels()) {
            for (int i = 0; i < p.exprs().size(); i++) {
                exprs.put(p.title() + " #" + (i + 1), p.exprs().get(i));
            }
        }
        return exprs;
    }

    /** Every {@code leadpipe_*} metric name a rule or a panel uses -> where ("alert X", "panel Y #n"). */
    public static SortedMap<String, List<String>> metricUses() {
        SortedMap<String, List<String>> uses = new TreeMap<>();
        alertExpressions()
                .forEach((name, expr) -> PromQl.metricNames(expr)
                        .forEach(m ->
                                uses.computeIfAbsent(m, k -> new ArrayList<>()).add("alert " + name)));
        dashboardExpressions()
                .forEach((where, expr) -> PromQl.metricNames(expr)
                        .forEach(m ->
                                uses.computeIfAbsent(m, k -> new ArrayList<>()).add("panel " + where)));
        return uses;
    }

    /** Every {@code leadpipe_*} metric name the rules and the dashboard use (histogram series with their suffix). */
    public static SortedSet<String> metricNamesUsed() {
        return new TreeSet<>(metricUses().keySet());
    }

    /** Scrape job -> its targets, from prometheus.yml. */
    public static Map<String, List<String>> scrapeJobs() {
        Map<String, List<String>> jobs = new LinkedHashMap<>();
        for (JsonNode job : read(YAML, prometheusConfigFile()).path("scrape_configs")) {
            List<String> targets = new ArrayList<>();
            for (JsonNode sc : job.path("static_configs")) {
                sc.path("targets").forEach(t -> targets.add(t.asText()));
            }
            jobs.put(job.path("job_name").asText(), targets);
        }
        return jobs;
    }

    private static final Pattern TABLE_ROW = Pattern.compile("^\\|([^|]*)\\|([^|]*)\\|");
    private static final Pattern BULLET_METRIC = Pattern.compile("^\\s*[-*]\\s+`(leadpipe_[A-Za-z0-9_]+)`");
    private static final Pattern TICKED_NAME = Pattern.compile("`(leadpipe_[A-Za-z0-9_]+)`");
    private static final Pattern DEFAULT_PORT = Pattern.compile("`[A-Z_]+_PORT`,\\s*(\\d+)");

    /**
     * The metric names docs/monitoring.md defines: the first column of its metrics table (a histogram also as its
     * {@code _bucket}, {@code _count} and {@code _sum} series) and the metrics a list item starts with (such as
     * {@code leadpipe_ready} under "Endpoints on every service").
     */
    public static SortedSet<String> documentedMetrics() {
        SortedSet<String> names = new TreeSet<>();
        for (String line : lines(monitoringDocFile())) {
            Matcher row = TABLE_ROW.matcher(line);
            if (row.find()) {
                Matcher n = TICKED_NAME.matcher(row.group(1));
                while (n.find()) {
                    names.add(n.group(1));
                    if (row.group(2).contains("histogram")) {
                        for (String suffix : List.of("_bucket", "_count", "_sum")) {
                            names.add(n.group(1) + suffix);
                        }
                    }
                }
            }
            Matcher bullet = BULLET_METRIC.matcher(line);
            if (bullet.find()) {
                names.add(bullet.group(1));
            }
        }
        return names;
    }

    /** The default ports of the services table of docs/monitoring.md ("`OPS_PORT`, 9101"), in table order. */
    public static List<Integer> documentedDefaultPorts() {
        List<Integer> ports = new ArrayList<>();
        for (String line : lines(monitoringDocFile())) {
            if (line.startsWith("|")) {
                Matcher m = DEFAULT_PORT.matcher(line);
                if (m.find()) {
                    ports.add(Integer.parseInt(m.group(1)));
                }
            }
        }
        return ports;
    }

    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> map = new LinkedHashMap<>();
        node.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    private static JsonNode read(ObjectMapper mapper, Path file) {
        try {
            return mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
