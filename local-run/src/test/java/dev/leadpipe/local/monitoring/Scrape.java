package dev.leadpipe.local.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

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

/** One scrape of a service's {@code /metrics}, parsed into samples (name, labels, value). */
public final class Scrape {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

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
            parsed.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
        }
        this.samples = parsed;
    }

    /** GETs {@code baseUrl + "/metrics"}; it must answer 200. */
    public static Scrape of(String baseUrl) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("GET %s/metrics", baseUrl).isEqualTo(200);
            return new Scrape(r.body());
        } catch (Exception e) {
            throw new AssertionError("could not scrape " + baseUrl + "/metrics: " + e, e);
        }
    }

    /** Scrapes until {@code done} holds (e.g. a gauge refreshed), else returns the last scrape. */
    public static Scrape until(String baseUrl, Predicate<Scrape> done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Scrape s = of(baseUrl);
        while (!done.test(s) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            s = of(baseUrl);
        }
        return s;
    }

    /**
     * The value of the one sample named {@code name} whose labels include {@code labels} ({@code "k=v"} pairs);
     * NaN when there is none.
     */
    public double value(String name, String... labels) {
        List<Sample> matching = find(name, labels);
        assertThat(matching).as("samples of %s with %s", name, List.of(labels)).hasSizeLessThanOrEqualTo(1);
        return matching.isEmpty() ? Double.NaN : matching.get(0).value();
    }

    /** Every sample named {@code name} whose labels include {@code labels}. */
    public List<Sample> find(String name, String... labels) {
        Map<String, String> want = new LinkedHashMap<>();
        for (String kv : labels) {
            int eq = kv.indexOf('=');
            want.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return samples.stream().filter(s -> s.name().equals(name))
                .filter(s -> want.entrySet().stream().allMatch(e -> e.getValue().equals(s.labels().get(e.getKey()))))
                .toList();
    }

    /** The sum over the samples named {@code name} whose labels include {@code labels}. */
    public double sum(String name, String... labels) {
        return find(name, labels).stream().mapToDouble(Sample::value).sum();
    }

    /** Every sample name in the scrape. */
    public SortedSet<String> names() {
        TreeSet<String> names = new TreeSet<>();
        samples.forEach(s -> names.add(s.name()));
        return names;
    }

    /** The raw text. */
    public String text() {
        return text;
    }
}
