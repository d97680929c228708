package dev.leadpipe.faults;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.leadpipe.ingest.IngestService;
import dev.leadpipe.router.RouterApp;
import dev.leadpipe.sink.https.HttpsSinkApp;

/**
 * Starts the pipeline's service mains each in a child JVM of its own (as local-run's ServiceProcessesTest does: this
 * JVM's {@code java.class.path}, a cleared environment), waits for {@code /health/ready}, and can stop (SIGTERM),
 * {@code kill -9} ({@link Process#destroyForcibly}) and restart them. Each start logs to
 * {@code <logDir>/<service>-<n>.log}, n counting that service's starts. Every child ever started is also killed by a
 * JVM shutdown hook, so none outlives the test run even when a test fails or hangs.
 */
final class ServiceLauncher implements AutoCloseable {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration READY_WITHIN = Duration.ofSeconds(150);
    private static final Set<Process> ALL = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> ALL.forEach(Process::destroyForcibly), "faults-children"));
    }

    /** A service main: its class, the variable naming its HTTP port (ops, or ingest's API) and its heap. */
    enum Main {
        INGEST(IngestService.class, "INGEST_PORT", "-Xmx384m"),
        ROUTER(RouterApp.class, "OPS_PORT", "-Xmx384m"),
        SINK_HTTPS(HttpsSinkApp.class, "OPS_PORT", "-Xmx256m");

        final Class<?> mainClass;
        final String portVariable;
        final String heap;

        Main(Class<?> mainClass, String portVariable, String heap) {
            this.mainClass = mainClass;
            this.portVariable = portVariable;
            this.heap = heap;
        }
    }

    private final Path logDir;
    private final Map<String, String> commonEnv;
    private final Map<String, Integer> starts = new ConcurrentHashMap<>();
    private final List<Service> services = new ArrayList<>();

    /** {@code commonEnv} (bootstrap servers, secret keys) goes to every child, under each one's own variables. */
    ServiceLauncher(Path logDir, Map<String, String> commonEnv) throws IOException {
        this.logDir = Files.createDirectories(logDir);
        this.commonEnv = Map.copyOf(commonEnv);
    }

    /** Starts {@code main} as {@code name} with {@code env} and returns once it answers ready. */
    synchronized Service start(String name, Main main, Map<String, String> env) throws Exception {
        Service service = new Service(name, main, env);
        services.add(service);
        service.launch();
        return service;
    }

    /** Every service this launcher started, running or not. */
    synchronized List<Service> services() {
        return List.copyOf(services);
    }

    /** Kills (SIGKILL) every child this launcher started that still runs. */
    @Override
    public synchronized void close() {
        for (Service s : services) {
            s.kill9();
        }
    }

    /** Has the shutdown hook kill {@code p} too (a child started elsewhere, such as the broker's JVM). */
    static void register(Process p) {
        ALL.add(p);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** One service of the pipeline: restarted in place, each start with a fresh port and log file. */
    final class Service {
        private final String name;
        private final Main main;
        private final Map<String, String> env;
        private volatile Process process;
        private volatile int port;
        private volatile Path log;

        private Service(String name, Main main, Map<String, String> env) {
            this.name = name;
            this.main = main;
            this.env = new LinkedHashMap<>(env);
        }

        String name() {
            return name;
        }

        /** {@code http://127.0.0.1:<port>}: ingest's API, or the service's ops server ({@code /metrics}, {@code /health/*}). */
        String baseUrl() {
            return "http://127.0.0.1:" + port;
        }

        int port() {
            return port;
        }

        boolean alive() {
            Process p = process;
            return p != null && p.isAlive();
        }

        Path log() {
            return log;
        }

        /** SIGKILL: no shutdown hook, no commit, no close. Returns once the process is gone. */
        void kill9() {
            Process p = process;
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
                waitGone(p);
            }
        }

        /** SIGTERM, then waits up to 60 s for a graceful exit (SIGKILL after that). */
        void stop() {
            Process p = process;
            if (p == null || !p.isAlive()) {
                return;
            }
            p.destroy();
            try {
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
            waitGone(p);
        }

        /** Starts the service again (after {@link #stop} or {@link #kill9}) and waits until it is ready. */
        void restart() throws Exception {
            kill9();
            launch();
        }

        private void launch() throws Exception {
            int n = starts.merge(name, 1, Integer::sum);
            port = freePort();
            log = logDir.resolve(name + "-" + n + ".log");
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder pb = new ProcessBuilder(
                    java,
                    main.heap,
                    "-XX:+UseSerialGC",
                    "-cp",
                    System.getProperty("java.class.path"),
                    main.mainClass.getName());
            pb.environment().clear();
            pb.environment().putAll(commonEnv);
            pb.environment().putAll(env);
            pb.environment().put(main.portVariable, Integer.toString(port));
            pb.directory(logDir.toFile());
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
            Process p = pb.start();
            ALL.add(p);
            process = p;
            awaitReady(p);
        }

        private void awaitReady(Process p) throws Exception {
            long deadline = System.nanoTime() + READY_WITHIN.toNanos();
            String last = "no answer";
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    throw new IllegalStateException(name + " exited with " + p.exitValue() + " before it was ready; "
                            + "log " + log + ":\n" + tail());
                }
                try {
                    HttpResponse<String> r = HTTP.send(
                            HttpRequest.newBuilder(URI.create(baseUrl() + "/health/ready"))
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
                Thread.sleep(200);
            }
            throw new IllegalStateException(name + " was not ready within " + READY_WITHIN + "; last answer: " + last
                    + "; log " + log + ":\n" + tail());
        }

        private String tail() throws IOException {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        }

        private void waitGone(Process p) {
            try {
                p.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!p.isAlive()) {
                ALL.remove(p);
            }
        }
    }
}
