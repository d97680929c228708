package dev.leadpipe.bench.run;

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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.leadpipe.bench.ServiceJvm;

/**
 * One leadpipe service in a JVM of its own, from its runnable jar ({@code java -Xmx<heap> -jar
 * <module>/target/<module>-0.1.0-SNAPSHOT.jar}, as bin/leadpipe runs it), its output in {@code <logDir>/<service>.log}.
 * While it runs, a sampler reads its {@code /metrics} once a second (heap used: the sum of
 * {@code jvm_memory_used_bytes{area="heap"}}) and its CPU time ({@link ProcessHandle.Info#totalCpuDuration}); a JVM
 * shutdown hook kills every service still running.
 */
final class ServiceProcess implements ServiceJvm {
    /** The environment variable whose options every service JVM gets (see {@link #extraJvmOptions}). */
    public static final String JVM_OPTIONS_ENV = "BENCH_JVM_OPTIONS";

    private static final Duration READY_WITHIN = Duration.ofSeconds(150);
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "bench-services"));
    }

    private final String service;
    private final int port;
    private final Process process;
    private final Path log;
    private final String apiKey;
    private final Thread sampler;
    private volatile double peakHeapMiB;
    private volatile double cpuSeconds;

    private ServiceProcess(String service, int port, Process process, Path log, String apiKey) {
        this.service = service;
        this.port = port;
        this.process = process;
        this.log = log;
        this.apiKey = apiKey;
        this.sampler = Thread.ofPlatform().daemon().name("sample-" + service).unstarted(this::sampleLoop);
    }

    /** The module that holds {@code service}'s jar, as bin/leadpipe maps it. */
    static String moduleOf(String service) {
        return switch (service) {
            case "ingest" -> "ingest-service";
            case "router" -> "router-streams";
            case "status" -> "status-service";
            case "sink-dynamics", "sink-salesforce", "sink-table", "sink-https", "notifier" -> service;
            default -> throw new IllegalArgumentException("no service '" + service + "' in bin/leadpipe");
        };
    }

    /** Starts {@code service} with {@code env} (on a cleared environment) and returns once it answers ready. */
    static ServiceProcess start(
            Path root, String service, Map<String, String> env, String heap, Path logDir, String apiKey)
            throws Exception {
        String module = moduleOf(service);
        Path jar = root.resolve(module).resolve("target").resolve(module + "-0.1.0-SNAPSHOT.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no runnable jar " + jar + "; build with ./mvnw package -DskipTests");
        }
        int port = freePort();
        Files.createDirectories(logDir);
        Path log = logDir.resolve(service + ".log");
        for (int n = 2; Files.exists(log); n++) {
            log = logDir.resolve(service + "-" + n + ".log");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heap));
        command.addAll(extraJvmOptions(log));
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().put(service.equals("ingest") ? "INGEST_PORT" : "OPS_PORT", Integer.toString(port));
        pb.directory(logDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        RUNNING.add(p);
        ServiceProcess s = new ServiceProcess(service, port, p, log, apiKey);
        try {
            s.awaitReady();
        } catch (Exception e) {
            s.close();
            throw e;
        }
        s.sampler.start();
        return s;
    }

    @Override
    public String service() {
        return service;
    }

    @Override
    public int port() {
        return port;
    }

    /** Its process id. */
    long pid() {
        return process.pid();
    }

    @Override
    public ResourceUse use() {
        sampleOnce();
        return new ResourceUse(peakHeapMiB, cpuSeconds);
    }

    @Override
    public void close() {
        sampler.interrupt();
        if (process.isAlive()) {
            sampleCpu();
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        RUNNING.remove(process);
    }

    private void sampleLoop() {
        while (!Thread.currentThread().isInterrupted() && process.isAlive()) {
            sampleOnce();
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void sampleOnce() {
        if (!process.isAlive()) {
            return;
        }
        sampleCpu();
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                            .header("Authorization", "Bearer " + apiKey)
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                peakHeapMiB = Math.max(peakHeapMiB, heapUsedBytes(r.body()) / (1024.0 * 1024.0));
            }
        } catch (IOException e) {
            // a busy or stopping service: the next sample counts
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sampleCpu() {
        process.toHandle()
                .info()
                .totalCpuDuration()
                .ifPresent(d -> cpuSeconds = Math.max(cpuSeconds, d.toNanos() / 1e9));
    }

    /** The sum of {@code jvm_memory_used_bytes{area="heap",…}} in a Prometheus text exposition. */
    static double heapUsedBytes(String prometheusText) {
        double sum = 0;
        for (String line : prometheusText.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        service + " exited with " + process.exitValue() + " before it was ready; log " + log);
            }
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
            Thread.sleep(200);
        }
        throw new IllegalStateException(
                service + " was not ready within " + READY_WITHIN + "; last answer: " + last + "; log " + log);
    }

    /**
     * Options from {@value #JVM_OPTIONS_ENV} (space-separated) for every service JVM, for profiling a run; {@code {log}}
     * in them becomes the service's log path without its {@code .log}, e.g. {@code
     * -XX:StartFlightRecording=filename={log}.jfr,settings=profile}.
     */
    private static List<String> extraJvmOptions(Path log) {
        String options = System.getenv(JVM_OPTIONS_ENV);
        if (options == null || options.isBlank()) {
            return List.of();
        }
        String name = log.toString();
        String base = name.substring(0, name.length() - ".log".length());
        List<String> out = new ArrayList<>();
        for (String option : options.trim().split("\\s+")) {
            out.add(option.replace("{log}", base));
        }
        return out;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
