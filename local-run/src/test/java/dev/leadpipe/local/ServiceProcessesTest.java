package dev.leadpipe.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.leadpipe.ingest.IngestService;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.notifier.NotifierApp;
import dev.leadpipe.ops.testing.ChildJvm;
import dev.leadpipe.ops.testing.Scrape;
import dev.leadpipe.router.RouterApp;
import dev.leadpipe.sink.dynamics.DynamicsSinkApp;
import dev.leadpipe.sink.https.HttpsSinkApp;
import dev.leadpipe.sink.salesforce.SalesforceSinkApp;
import dev.leadpipe.sink.table.TableSinkApp;
import dev.leadpipe.status.StatusApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every service's {@code main}, each in a JVM of its own, as an operator starts them: with a bad environment it
 * exits 2 with one line; with a good one it becomes ready, exports its metrics and stops on SIGTERM.
 */
class ServiceProcessesTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration READY_WITHIN = Duration.ofSeconds(150);

    /**
     * A service main, its name (the {@code service} tag and the prefix of its error lines), its own bad variable, and
     * the prefixes of the Kafka client meters it exports (consumers and producers, or Kafka Streams).
     */
    private record Main(String service, Class<?> mainClass, String badVariable, String badValue, String portVariable) {
        List<String> kafkaMeters() {
            return switch (service) {
                case "router" -> List.of("kafka_stream_", "kafka_consumer_", "kafka_producer_");
                case "status" -> List.of("kafka_stream_", "kafka_consumer_");
                case "notifier" -> List.of("kafka_consumer_");
                default -> List.of("kafka_consumer_", "kafka_producer_");
            };
        }
    }

    private static final List<Main> MAINS = List.of(
            new Main("ingest", IngestService.class, "INGEST_MAX_BATCH_ITEMS", "plenty", "INGEST_PORT"),
            new Main("router", RouterApp.class, "ROUTER_DEDUP_WINDOW", "a-week", "OPS_PORT"),
            new Main("status", StatusApp.class, "STATUS_OFFER_SERIES_LIMIT", "unbounded", "STATUS_PORT"),
            new Main("notifier", NotifierApp.class, "NOTIFIER_SMTP_PORT", "smtp-port", "OPS_PORT"),
            new Main("sink-table", TableSinkApp.class, "SINK_MAX_ATTEMPTS", "several", "OPS_PORT"),
            new Main("sink-dynamics", DynamicsSinkApp.class, "SINK_BACKOFF_JITTER", "jittery", "OPS_PORT"),
            new Main("sink-salesforce", SalesforceSinkApp.class, "SINK_MAX_RETRY_TIME", "forever", "OPS_PORT"),
            new Main("sink-https", HttpsSinkApp.class, "SINK_ATTEMPT_TIMEOUT", "patient", "OPS_PORT"));

    @TempDir
    Path work;

    @Test
    void everyServiceRefusesABadEnvironmentWithExitCode2AndOneLineNamingEveryProblem() throws Exception {
        Map<Main, Process> started = new LinkedHashMap<>();
        for (Main main : MAINS) {
            Map<String, String> env = new HashMap<>();
            env.put("KAFKA_REPLICATION_FACTOR", "zero");
            env.put(main.badVariable(), main.badValue());
            started.put(main, start(main, env));
        }
        for (Map.Entry<Main, Process> e : started.entrySet()) {
            Main main = e.getKey();
            Process p = e.getValue();
            assertThat(p.waitFor(60, TimeUnit.SECONDS))
                    .as("%s exited", main.service())
                    .isTrue();
            String err = Files.readString(stderr(main), StandardCharsets.UTF_8).strip();
            assertThat(p.exitValue())
                    .as("%s exit code; stderr: %s", main.service(), err)
                    .isEqualTo(2);
            assertThat(err)
                    .as(main.service())
                    .startsWith(main.service() + ": invalid ")
                    .doesNotContain("\n")
                    .contains("KAFKA_BOOTSTRAP_SERVERS is not set", "KAFKA_REPLICATION_FACTOR", main.badVariable())
                    .doesNotContain("zero", main.badValue(), "Exception");
        }
    }

    @Test
    void everyServiceBecomesReadyExportsItsMetricsAndStopsOnSigterm() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Map<Main, Integer> ports = new LinkedHashMap<>();
        Map<Main, Process> started = new LinkedHashMap<>();
        String operatorKey = SystemTestSupport.operatorKey(KAFKA.bootstrapServers()); // ingest's, status's /metrics
        try {
            for (Main main : MAINS) {
                int port = SystemTestSupport.freePort();
                Map<String, String> env = new HashMap<>();
                env.put("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers());
                env.put(main.portVariable(), String.valueOf(port));
                env.put(
                        "LEADPIPE_SECRET_KEYS",
                        "k" + run + "=" + Base64.getEncoder().encodeToString(key));
                env.put("ROUTER_APPLICATION_ID", "proc-router-" + run);
                env.put("ROUTER_STATE_DIR", work.resolve("router-state").toString());
                env.put("STATUS_APPLICATION_ID", "proc-status-" + run);
                env.put("STATUS_STATE_DIR", work.resolve("status-state").toString());
                env.put("NOTIFIER_GROUP_ID", "proc-notifier-" + run);
                env.put("SINK_GROUP_ID", "proc-" + main.service() + "-" + run);
                ports.put(main, port);
                started.put(main, start(main, env));
            }
            for (Main main : MAINS) {
                awaitReady(main, started.get(main), ports.get(main));
                Scrape scrape = Scrape.of("http://127.0.0.1:" + ports.get(main), operatorKey);
                assertThat(scrape.value("leadpipe_ready", "service=" + main.service()))
                        .as(main.service())
                        .isEqualTo(1.0);
                // Micrometer's Kafka binders: each long-lived client's own metrics, tagged with the service
                for (String prefix : main.kafkaMeters()) {
                    assertThat(scrape.namesStartingWith(prefix))
                            .as("%s exports %s* meters", main.service(), prefix)
                            .isNotEmpty()
                            .allMatch(n -> scrape.has(n, "service=" + main.service()));
                }
            }
            for (Main main : MAINS) {
                started.get(main).destroy(); // SIGTERM
            }
            for (Main main : MAINS) {
                Process p = started.get(main);
                assertThat(p.waitFor(60, TimeUnit.SECONDS))
                        .as("%s stopped on SIGTERM; log: %s", main.service(), log(main))
                        .isTrue();
                assertThat(p.exitValue())
                        .as("%s exit code after SIGTERM", main.service())
                        .isIn(0, 143);
            }
        } finally {
            started.values().forEach(Process::destroyForcibly);
        }
    }

    private Process start(Main main, Map<String, String> env) throws IOException {
        return ChildJvm.start(
                main.mainClass(),
                env,
                work,
                work.resolve(main.service() + ".out"),
                stderr(main),
                "-Xmx192m",
                "-XX:TieredStopAtLevel=1");
    }

    private Path stderr(Main main) {
        return work.resolve(main.service() + ".err");
    }

    private String log(Main main) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(work.resolve(main.service() + ".out")));
        lines.addAll(Files.readAllLines(stderr(main)));
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private void awaitReady(Main main, Process process, int port) throws Exception {
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            assertThat(process.isAlive())
                    .as("%s is running; log: %s", main.service(), log(main))
                    .isTrue();
            try {
                HttpResponse<String> r = HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        throw new AssertionError(main.service() + " never became ready; last answer: " + last + "; log: " + log(main));
    }
}
