package dev.leadpipe.ops.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One Prometheus text exposition (a service's {@code /metrics}), parsed into samples, read the way an operator's
 * query would: by metric name and a subset of labels given as {@code "key=value"} pairs.
 */
public final class Scrape {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** One sample line: its metric name, its labels in order, its value. */
    public record Sample(String name, Map<String, String> labels, double value) {}

    private final String text;
    private final List<Sample> samples;

    private Scrape(String text) {
        this.text = text;
        List<Sample> parsed = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.find()) {
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            double value;
            try {
                value = Double.parseDouble(m.group(4));
            } catch (NumberFormatException e) {
                throw new AssertionError(
                        "not a Prometheus exposition (an error page?); the line \"" + line + "\" has no numeric value",
                        e);
            }
            parsed.add(new Sample(m.group(1), labels, value));
        }
        this.samples = List.copyOf(parsed);
    }

    /** Parses an exposition already fetched. */
    public static Scrape parse(String exposition) {
        return new Scrape(exposition);
    }

    /** GETs {@code baseUrl + "/metrics"}; it must answer 200 with a {@code text/plain} body. */
    public static Scrape of(String baseUrl) {
        return of(baseUrl, null);
    }

    /**
     * GETs {@code baseUrl + "/metrics"} with {@code Authorization: Bearer <key>} (none when null; ingest and status
     * need a {@code metrics:read} or operator key, see {@link TestKeys}); it must answer 200 with a {@code text/plain}
     * body.
     */
    public static Scrape of(String baseUrl, String key) {
        try {
            HttpRequest.Builder request =
                    HttpRequest.newBuilder(URI.create(baseUrl + "/metrics")).timeout(Duration.ofSeconds(10));
            if (key != null) {
                request.header("Authorization", TestKeys.bearer(key));
            }
            HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("GET %s/metrics", baseUrl).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse(""))
                    .as("Content-Type of %s/metrics", baseUrl)
                    .startsWith("text/plain");
            return new Scrape(r.body());
        } catch (Exception e) {
            throw new AssertionError("could not scrape " + baseUrl + "/metrics: " + e, e);
        }
    }

    /** Scrapes until {@code done} holds (a counter caught up, a gauge refreshed), else returns the last scrape. */
    public static Scrape until(String baseUrl, Predicate<Scrape> done, Duration timeout) throws InterruptedException {
        return until(baseUrl, null, done, timeout);
    }

    /** {@link #until(String, Predicate, Duration)} sending {@code key} (see {@link #of(String, String)}). */
    public static Scrape until(String baseUrl, String key, Predicate<Scrape> done, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Scrape s = of(baseUrl, key);
        while (!done.test(s) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            s = of(baseUrl, key);
        }
        return s;
    }

    /** The names of the samples starting with {@code prefix}, each once, in order of appearance. */
    public List<String> namesStartingWith(String prefix) {
        return samples.stream()
                .map(Sample::name)
                .filter(n -> n.startsWith(prefix))
                .distinct()
                .toList();
    }

    /** Every sample named {@code name} whose labels include every one of {@code labels} ({@code "key=value"}). */
    public List<Sample> find(String name, String... labels) {
        Map<String, String> want = new LinkedHashMap<>();
        for (String kv : labels) {
            int eq = kv.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("a label is key=value, not: " + kv);
            }
            want.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return samples.stream()
                .filter(s -> s.name().equals(name))
                .filter(s -> want.entrySet().stream()
                        .allMatch(e -> e.getValue().equals(s.labels().get(e.getKey()))))
                .toList();
    }

    /** Whether some sample named {@code name} has every one of {@code labels}. */
    public boolean has(String name, String... labels) {
        return !find(name, labels).isEmpty();
    }

    /**
     * The value of the one sample named {@code name} with every one of {@code labels}; NaN when there is none
     * (so an equality assertion on it fails, naming NaN). More than one such sample fails the test: the labels
     * given do not pick one series.
     */
    public double value(String name, String... labels) {
        List<Sample> matching = find(name, labels);
        assertThat(matching).as("samples of %s with %s", name, List.of(labels)).hasSizeLessThanOrEqualTo(1);
        return matching.isEmpty() ? Double.NaN : matching.get(0).value();
    }

    /** The sum over the samples named {@code name} with every one of {@code labels}; 0 when there is none. */
    public double sum(String name, String... labels) {
        return find(name, labels).stream().mapToDouble(Sample::value).sum();
    }

    /** The values of {@code label} over the samples named {@code name} that carry it, in exposition order. */
    public List<String> labelValues(String name, String label) {
        return find(name).stream()
                .map(s -> s.labels().get(label))
                .filter(v -> v != null)
                .toList();
    }

    /** Every metric name with a sample in the exposition. */
    public SortedSet<String> names() {
        TreeSet<String> names = new TreeSet<>();
        samples.forEach(s -> names.add(s.name()));
        return names;
    }

    /** The exposition as served. */
    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }
}
