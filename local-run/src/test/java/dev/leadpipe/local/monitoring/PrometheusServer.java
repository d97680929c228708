package dev.leadpipe.local.monitoring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real Prometheus server ({@code prometheus} on the PATH, else {@code /usr/bin/prometheus}) run as a child process
 * for a test: it writes a configuration into a temporary directory (one scrape job per entry of {@code targets},
 * {@code job -> host:port}, path {@code /metrics}; the given rule file copied next to it; scrape and evaluation every
 * second), keeps its TSDB there, listens on a free loopback port and is ready when {@link #start} returns. Errors
 * carry the tail of Prometheus' own log. {@link #close()} kills it and deletes the directory.
 */
public final class PrometheusServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    /** A scrape target as {@code /api/v1/targets} reports it; {@code health} is {@code up}, {@code down} or {@code unknown}. */
    public record Target(String job, String instance, String health, String lastError) {}

    /** An alert as {@code /api/v1/alerts} reports it; {@code state} is {@code pending} or {@code firing}. */
    public record Alert(
            String name, String state, Map<String, String> labels, Map<String, String> annotations, String value) {
        public boolean firing() {
            return "firing".equals(state);
        }
    }

    /** One element of an instant query's result: its labels (with {@code __name__} when kept) and value. */
    public record Sample(Map<String, String> labels, double value) {}

    private final Path dir;
    private final Path log;
    private final Process process;
    private final int port;
    private final URI base;

    private PrometheusServer(Path dir, Path log, Process process, int port) {
        this.dir = dir;
        this.log = log;
        this.process = process;
        this.port = port;
        this.base = URI.create("http://127.0.0.1:" + port);
    }

    /** Starts Prometheus scraping {@code targets} (job -> host:port) with the rules of {@code ruleFile} (may be null). */
    public static PrometheusServer start(Map<String, String> targets, Path ruleFile) throws IOException {
        return start(targets, ruleFile, Duration.ofSeconds(1));
    }

    /**
     * Like {@link #start(Map, Path)}, every job sending {@code Authorization: Bearer} with the key in
     * {@code credentialsFile} (ingest's and status's {@code /metrics} need a {@code metrics:read} key).
     */
    public static PrometheusServer start(Map<String, String> targets, Path ruleFile, Path credentialsFile)
            throws IOException {
        return start(targets, ruleFile, Duration.ofSeconds(1), credentialsFile);
    }

    /** Like {@link #start(Map, Path)}, scraping and evaluating rules every {@code interval}. */
    public static PrometheusServer start(Map<String, String> targets, Path ruleFile, Duration interval)
            throws IOException {
        return start(targets, ruleFile, interval, null);
    }

    private static PrometheusServer start(
            Map<String, String> targets, Path ruleFile, Duration interval, Path credentialsFile) throws IOException {
        Path binary = TestTools.locate("prometheus", "/usr/bin/prometheus");
        Path dir = Files.createTempDirectory("leadpipe-prometheus-");
        StringBuilder config = new StringBuilder();
        String every = interval.toMillis() + "ms";
        config.append("global:\n  scrape_interval: ")
                .append(every)
                .append("\n  evaluation_interval: ")
                .append(every)
                .append("\n  scrape_timeout: ")
                .append(every)
                .append('\n');
        if (ruleFile != null) {
            Path copy = dir.resolve(ruleFile.getFileName());
            Files.copy(ruleFile, copy);
            config.append("rule_files:\n  - '").append(copy.getFileName()).append("'\n");
        }
        config.append("scrape_configs:\n");
        targets.forEach((job, target) -> config.append("  - job_name: '")
                .append(job)
                .append("'\n    metrics_path: /metrics\n")
                .append(
                        credentialsFile == null
                                ? ""
                                : "    authorization:\n      type: Bearer\n      credentials_file: '"
                                        + credentialsFile.toAbsolutePath() + "'\n")
                .append("    static_configs:\n      - targets: ['")
                .append(target)
                .append("']\n"));
        Path configFile = dir.resolve("prometheus.yml");
        Files.writeString(configFile, config);

        IOException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) { // a free port can be taken between probing and binding
            int port = freePort();
            Path log = dir.resolve("prometheus-" + attempt + ".log");
            Process process = new ProcessBuilder(
                            binary.toString(),
                            "--config.file=" + configFile,
                            "--storage.tsdb.path=" + dir.resolve("data"),
                            "--web.listen-address=127.0.0.1:" + port,
                            "--storage.tsdb.retention.time=1d",
                            "--log.level=info")
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            PrometheusServer server = new PrometheusServer(dir, log, process, port);
            try {
                server.awaitReady();
                return server;
            } catch (IOException e) {
                last = e;
                server.stopProcess();
                if (!server.logTail(200).contains("address already in use")) {
                    break;
                }
            }
        }
        deleteRecursively(dir);
        throw last;
    }

    private void awaitReady() throws IOException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException(
                        "prometheus exited with " + process.exitValue() + " before it was ready" + logForError());
            }
            try {
                HttpResponse<String> r = HTTP.send(
                        HttpRequest.newBuilder(base.resolve("/-/ready"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            sleep(200);
        }
        throw new IOException("prometheus not ready within " + START_TIMEOUT.toSeconds() + " s" + logForError());
    }

    public int port() {
        return port;
    }

    /** The server's address, e.g. http://127.0.0.1:41234 (its UI, /api/v1/...). */
    public URI baseUri() {
        return base;
    }

    /** The temporary directory holding the configuration, the rule file, the TSDB and the log. */
    public Path directory() {
        return dir;
    }

    /** Every active scrape target. */
    public List<Target> targets() {
        List<Target> targets = new ArrayList<>();
        for (JsonNode t : api("/api/v1/targets?state=active").path("activeTargets")) {
            targets.add(new Target(
                    t.path("labels").path("job").asText(t.path("scrapePool").asText()),
                    t.path("labels").path("instance").asText(),
                    t.path("health").asText(),
                    t.path("lastError").asText()));
        }
        return targets;
    }

    /** Job -> health of its active targets ({@code up}, {@code down}, {@code unknown}; the worst when several). */
    public Map<String, String> activeTargets() {
        Map<String, String> health = new LinkedHashMap<>();
        List<String> order = List.of("up", "unknown", "down");
        for (Target t : targets()) {
            health.merge(t.job(), t.health(), (a, b) -> order.indexOf(b) > order.indexOf(a) ? b : a);
        }
        return health;
    }

    /** Waits until every active target of every job has been scraped successfully. */
    public void awaitTargetsUp(Duration timeout) {
        awaitValue("every target up", timeout, () -> {
            Map<String, String> h = activeTargets();
            return !h.isEmpty() && h.values().stream().allMatch("up"::equals) ? Optional.of(h) : Optional.empty();
        });
    }

    /** The alerts Prometheus currently holds (pending and firing). */
    public List<Alert> alerts() {
        List<Alert> alerts = new ArrayList<>();
        for (JsonNode a : api("/api/v1/alerts").path("alerts")) {
            Map<String, String> labels = strings(a.path("labels"));
            alerts.add(new Alert(
                    labels.get("alertname"),
                    a.path("state").asText(),
                    labels,
                    strings(a.path("annotations")),
                    a.path("value").asText()));
        }
        return alerts;
    }

    /** Waits until an alert named {@code name} fires; returns it (the first, when several series fire). */
    public Alert awaitAlertFiring(String name, Duration timeout) {
        return awaitAlertFiring(name, Map.of(), timeout);
    }

    /** Waits until an alert named {@code name} whose labels include {@code labels} fires. */
    public Alert awaitAlertFiring(String name, Map<String, String> labels, Duration timeout) {
        return awaitValue(
                "alert " + name + " " + labels + " firing",
                timeout,
                () -> alerts().stream()
                        .filter(a -> name.equals(a.name())
                                && a.firing()
                                && a.labels().entrySet().containsAll(labels.entrySet()))
                        .findFirst());
    }

    /** An instant query (a vector or scalar result), e.g. {@code query("leadpipe_dlq_open")}. */
    public List<Sample> query(String promql) {
        JsonNode data = api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        List<Sample> samples = new ArrayList<>();
        switch (data.path("resultType").asText()) {
            case "vector" ->
                data.path("result")
                        .forEach(r -> samples.add(new Sample(
                                strings(r.path("metric")),
                                parse(r.path("value").get(1).asText()))));
            case "scalar" ->
                samples.add(
                        new Sample(Map.of(), parse(data.path("result").get(1).asText())));
            default ->
                throw new IllegalStateException("unsupported result type for " + promql + ": " + data + logForError());
        }
        return samples;
    }

    /** The last {@code lines} lines of Prometheus' log. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        stopProcess();
        deleteRecursively(dir);
    }

    private void stopProcess() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private <T> T awaitValue(String what, Duration timeout, java.util.function.Supplier<Optional<T>> probe) {
        Instant deadline = Instant.now().plus(timeout);
        RuntimeException lastError = null;
        while (true) {
            try {
                Optional<T> v = probe.get();
                if (v.isPresent()) {
                    return v.get();
                }
                lastError = null;
            } catch (RuntimeException e) {
                lastError = e;
            }
            if (!Instant.now().isBefore(deadline)) {
                String seen;
                try {
                    seen = "alerts " + alerts() + ", targets " + targets();
                } catch (RuntimeException e) {
                    seen = "(cannot ask: " + e.getMessage() + ")";
                }
                throw new AssertionError(
                        "no " + what + " within " + timeout.toSeconds() + " s; " + seen + logForError(), lastError);
            }
            sleep(250);
        }
    }

    private JsonNode api(String pathAndQuery) {
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(base.resolve(pathAndQuery))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(r.body());
            if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
                throw new IllegalStateException(
                        "GET " + pathAndQuery + ": " + r.statusCode() + " " + r.body() + logForError());
            }
            return body.path("data");
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + pathAndQuery + " failed" + logForError(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private String logForError() {
        return "\n--- prometheus log (last 30 lines, " + log + ") ---\n" + logTail(30) + "\n---";
    }

    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> map = new LinkedHashMap<>();
        node.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    private static double parse(String v) {
        return switch (v) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(v);
        };
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp directory
        }
    }
}
