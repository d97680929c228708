package dev.leadpipe.kafka;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft broker (combined broker and controller) in a child JVM of its own, from the Kafka jars on this
 * JVM's class path ({@code kafka.tools.StorageTool format}, then {@code kafka.Kafka server.properties}, as
 * shared/spec/infra-notes.md "Standalone broker from Maven jars" describes), so a fault scenario can stop it and start
 * it again on the same port and data directory, and the benchmark measures it apart from the clients. Logs to
 * {@code <dir>/broker-<n>.log}. A JVM shutdown hook kills every broker JVM still running, so none outlives its parent.
 */
public final class BrokerProcess implements AutoCloseable {
    private static final Duration READY_WITHIN = Duration.ofSeconds(120);
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "broker-process-children"));
    }

    private final Path dir;
    private final Path properties;
    private final int port;
    private final String heap;
    private Process process;
    private int starts;

    private BrokerProcess(Path dir, int port, int controllerPort, String heap) throws IOException {
        this.heap = heap;
        this.dir = Files.createDirectories(dir).toAbsolutePath();
        this.port = port;
        this.properties = this.dir.resolve("server.properties");
        Files.writeString(
                properties,
                String.join(
                                "\n",
                                List.of(
                                        "process.roles=broker,controller",
                                        "node.id=1",
                                        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                                        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:"
                                                + controllerPort,
                                        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                                        "controller.listener.names=CONTROLLER",
                                        "inter.broker.listener.name=PLAINTEXT",
                                        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                                        "log.dirs=" + dir.resolve("data").toAbsolutePath(),
                                        "offsets.topic.replication.factor=1",
                                        "offsets.topic.num.partitions=6",
                                        "transaction.state.log.replication.factor=1",
                                        "transaction.state.log.min.isr=1",
                                        "transaction.state.log.num.partitions=6",
                                        "share.coordinator.state.topic.replication.factor=1",
                                        "share.coordinator.state.topic.min.isr=1",
                                        "group.initial.rebalance.delay.ms=0",
                                        "auto.create.topics.enable=false",
                                        "num.partitions=6"))
                        + "\n");
    }

    /** Formats a fresh data directory under {@code dir} and starts the broker on free ports, with a 512 MiB heap. */
    public static BrokerProcess start(Path dir) throws Exception {
        return start(dir, "512m");
    }

    /** As {@link #start(Path)}, with the broker JVM's {@code -Xmx} {@code heap} (e.g. "1g"). */
    public static BrokerProcess start(Path dir, String heap) throws Exception {
        BrokerProcess b = new BrokerProcess(dir, freePort(), freePort(), heap);
        Process format = b.java(
                List.of(
                        "kafka.tools.StorageTool",
                        "format",
                        "-t",
                        Uuid.randomUuid().toString(),
                        "-c",
                        b.properties.toString()),
                dir.resolve("format.log"));
        if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
            format.destroyForcibly();
            throw new IllegalStateException("formatting the broker's storage failed; see " + dir.resolve("format.log"));
        }
        b.startAgain();
        return b;
    }

    /** {@code 127.0.0.1:<port>}, PLAINTEXT. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Starts the broker (again) on the same port and data directory; returns once it answers. */
    public void startAgain() throws Exception {
        starts++;
        process = java(List.of("kafka.Kafka", properties.toString()), dir.resolve("broker-" + starts + ".log"));
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                5_000))) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(
                            "the broker exited with " + process.exitValue() + "; see its log in " + dir);
                }
                try {
                    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    return;
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(
                                "the broker did not answer within " + READY_WITHIN + "; see " + dir, e);
                    }
                    Thread.sleep(250);
                }
            }
        }
    }

    /** SIGTERM (a controlled shutdown); waits up to 60 s, then SIGKILL. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** SIGKILL. */
    public void kill9() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The broker JVM's process id; -1 before it started. */
    public long pid() {
        return process == null ? -1 : process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        kill9();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private Process java(List<String> mainAndArgs, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command =
                new java.util.ArrayList<>(List.of(java, "-Xmx" + heap, "-cp", System.getProperty("java.class.path")));
        command.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Process p = pb.start();
        RUNNING.add(p);
        p.onExit().thenRun(() -> RUNNING.remove(p));
        return p;
    }
}
