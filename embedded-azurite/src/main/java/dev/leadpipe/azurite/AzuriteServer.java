package dev.leadpipe.azurite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Azurite's Table service (the Azure Table emulator, npm package {@code azurite} {@value AzuriteInstall#VERSION})
 * running as a child {@code node} process on 127.0.0.1, for the local run and the tests only. Installs Azurite into
 * the project's tools folder on first use ({@link AzuriteInstall}).
 *
 * <p>Two storage modes: in memory (the default; data is lost by {@link #stop()} and {@link #restart()}), or a
 * location directory ({@link Builder#persistent()} / {@link Builder#location(Path)}) whose data survives a
 * stop and start, which is what a test of "the Table service went away mid-run and came back" needs.
 *
 * <p>The child's output goes to {@link #logFile()}, never to this process's console. No node process is left
 * behind: {@link #close()} and {@link #stop()} end it, a JVM shutdown hook ends any still running, and a small
 * watchdog loaded into node ends it when this JVM disappears without running its hooks (its stdin closes). The
 * watchdog script, the log directory and the reading of the log are {@link AzuriteFiles}.
 */
public final class AzuriteServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AzuriteServer.class);

    public static final String HOST = "127.0.0.1";
    /** The emulator's well-known development account. */
    public static final String ACCOUNT_NAME = "devstoreaccount1";
    /** The emulator's well-known development account key (public, documented by Microsoft; not a secret). */
    public static final String ACCOUNT_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);

    private static final String STARTED_LINE = "Azurite Table service successfully started";
    private static final String CLOSED_LINE = "Azurite Table service successfully closed";
    private static final Duration GRACEFUL_STOP = Duration.ofSeconds(5);
    private static final int AUTO_PORT_ATTEMPTS = 5;
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final Set<AzuriteServer> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            for (AzuriteServer server : List.copyOf(RUNNING)) {
                                server.endAtExit();
                            }
                        },
                        "azurite-shutdown"));
    }

    private final int requestedPort;
    private final Path location;
    private final boolean ownsLocation;
    private final Duration startTimeout;
    private final Path logFile;
    private final Path script;
    private final Path watchdog;
    private volatile Process process;
    private int port;
    private boolean closed;

    private AzuriteServer(Builder b) {
        this.script = AzuriteInstall.ensureInstalled();
        this.watchdog = AzuriteFiles.writeWatchdog(script);
        this.requestedPort = b.port;
        this.startTimeout = b.startTimeout;
        try {
            if (b.location != null) {
                this.location =
                        Files.createDirectories(b.location.toAbsolutePath().normalize());
                this.ownsLocation = false;
            } else if (b.persistent) {
                this.location = Files.createTempDirectory("leadpipe-azurite-");
                this.ownsLocation = true;
            } else {
                this.location = null;
                this.ownsLocation = false;
            }
            Path logDir = b.logDirectory != null ? b.logDirectory : AzuriteFiles.defaultLogDirectory();
            Files.createDirectories(logDir);
            this.logFile = logDir.resolve(
                    "azurite-table-" + ProcessHandle.current().pid() + "-" + INSTANCES.incrementAndGet() + ".log");
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare Azurite's directories", e);
        }
    }

    /** Starts Azurite in memory on a free port. */
    public static AzuriteServer start() {
        return builder().start();
    }

    /** Starts Azurite on a free port with a temporary location directory, so data survives {@link #restart()}. */
    public static AzuriteServer startPersistent() {
        return builder().persistent().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How to start Azurite; {@link #start()} installs (once) and starts it. */
    public static final class Builder {
        private int port;
        private Path location;
        private boolean persistent;
        private Duration startTimeout = DEFAULT_START_TIMEOUT;
        private Path logDirectory;

        private Builder() {}

        /** A fixed port (10002 is Azurite's usual one); 0, the default, picks a free port. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0-65535");
            }
            this.port = port;
            return this;
        }

        /** Keep the data in this directory (created if missing, never deleted by the server). */
        public Builder location(Path location) {
            this.location = location;
            return this;
        }

        /** Keep the data in a temporary directory deleted by {@link AzuriteServer#close()}. */
        public Builder persistent() {
            this.persistent = true;
            return this;
        }

        /** How long to wait for the port to answer; 30 s by default. */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /** Where the child's output goes; {@code target/azurite} under the working directory by default. */
        public Builder logDirectory(Path dir) {
            this.logDirectory = dir;
            return this;
        }

        public AzuriteServer start() {
            AzuriteServer server = new AzuriteServer(this);
            try {
                server.startProcess();
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            return server;
        }
    }

    /**
     * The connection string of the development account at this server:
     * {@code DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=...;TableEndpoint=http://127.0.0.1:PORT/devstoreaccount1;}.
     */
    public String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT_NAME + ";AccountKey=" + ACCOUNT_KEY
                + ";TableEndpoint=" + tableEndpoint() + ";";
    }

    /** {@code http://127.0.0.1:PORT/devstoreaccount1}. */
    public String tableEndpoint() {
        return "http://" + HOST + ":" + port() + "/" + ACCOUNT_NAME;
    }

    /** The port; it stays the same across {@link #stop()} and {@link #restart()}. */
    public synchronized int port() {
        return port;
    }

    /** The location directory, empty when the data is kept in memory. */
    public Optional<Path> location() {
        return Optional.ofNullable(location);
    }

    /** Whether data survives {@link #stop()} / {@link #restart()}. */
    public boolean isPersistent() {
        return location != null;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The node process's id while it runs. */
    public OptionalLong pid() {
        Process p = process;
        return p != null && p.isAlive() ? OptionalLong.of(p.pid()) : OptionalLong.empty();
    }

    /** The file the node process writes its output to. */
    public Path logFile() {
        return logFile;
    }

    /**
     * Stops the node process (gracefully, so a location directory holds everything written, then by force) and
     * waits until it is gone; the port is kept for {@link #restart()}. Does nothing when already stopped.
     */
    public synchronized void stop() {
        Process p = process;
        process = null;
        RUNNING.remove(this);
        if (p == null) {
            return;
        }
        long logOffset = AzuriteFiles.sizeOf(logFile);
        try {
            AzuriteFiles.closeQuietly(
                    p.getOutputStream()); // the watchdog asks Azurite to close (it saves its database)
            long deadline = System.nanoTime() + GRACEFUL_STOP.toNanos();
            while (p.isAlive()
                    && System.nanoTime() < deadline
                    && !AzuriteFiles.logSince(logFile, logOffset).contains(CLOSED_LINE)) {
                p.waitFor(50, TimeUnit.MILLISECONDS);
            }
            List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
            tree.forEach(ProcessHandle::destroy);
            p.destroy();
            if (!p.waitFor(3, TimeUnit.SECONDS)) {
                tree.forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        LOG.info("Azurite on port {} stopped", port);
    }

    /** For the shutdown hook: takes no lock (a thread holding it may never let go), waits at most ~2 s. */
    private void endAtExit() {
        Process p = process;
        if (p == null) {
            return;
        }
        try {
            AzuriteFiles.closeQuietly(p.getOutputStream());
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
        }
        if (ownsLocation) {
            AzuriteFiles.deleteRecursively(location);
        }
    }

    /**
     * Stops Azurite if it is running and starts it again on the same port. In memory mode the data is lost; with a
     * location directory it survives.
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("Azurite was closed");
        }
        stop();
        startProcess();
    }

    /** Stops Azurite and deletes its location directory when the server created it. */
    @Override
    public synchronized void close() {
        closed = true;
        stop();
        if (ownsLocation) {
            AzuriteFiles.deleteRecursively(location);
        }
    }

    @Override
    public String toString() {
        return "AzuriteServer[" + HOST + ":" + port + (location == null ? ", in memory" : ", " + location) + "]";
    }

    private synchronized void startProcess() {
        boolean autoPort = port == 0 && requestedPort == 0;
        int attempts = autoPort ? AUTO_PORT_ATTEMPTS : 1;
        for (int attempt = 1; ; attempt++) {
            int candidate = port != 0 ? port : requestedPort != 0 ? requestedPort : freePort();
            String failure = tryStart(candidate);
            if (failure == null) {
                port = candidate;
                return;
            }
            if (attempt >= attempts || !failure.contains("EADDRINUSE")) {
                throw new IllegalStateException("Azurite did not start on " + HOST + ":" + candidate + ": " + failure
                        + " (log: " + logFile + ")");
            }
        }
    }

    /** Starts node on the port and waits for it to answer; null on success, else why not (and nothing is left running). */
    private String tryStart(int candidate) {
        List<String> command = new ArrayList<>(List.of(
                AzuriteInstall.nodeCommand(),
                "--require",
                watchdog.toString(),
                script.toString(),
                "--tableHost",
                HOST,
                "--tablePort",
                Integer.toString(candidate)));
        if (location != null) {
            command.addAll(List.of("--location", location.toString()));
        } else {
            command.add("--inMemoryPersistence");
        }
        command.addAll(List.of("--silent", "--skipApiVersionCheck", "--disableTelemetry"));
        long logOffset = AzuriteFiles.sizeOf(logFile);
        long started = System.nanoTime();
        Process p;
        try {
            p = new ProcessBuilder(command)
                    .directory(
                            location != null
                                    ? location.toFile()
                                    : logFile.getParent().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException e) {
            return "could not run node: " + e.getMessage();
        }
        process = p;
        RUNNING.add(this);
        long deadline = started + startTimeout.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    process = null;
                    RUNNING.remove(this);
                    String out = AzuriteFiles.logSince(logFile, logOffset).strip();
                    return "node exited with " + p.exitValue()
                            + (out.isEmpty() ? "" : ": " + AzuriteFiles.lastLines(out, 6));
                }
                if (answers(candidate)
                        && AzuriteFiles.logSince(logFile, logOffset).contains(STARTED_LINE)) {
                    LOG.info(
                            "Azurite {} table service on {}:{} ({}) up in {} ms; log {}",
                            AzuriteInstall.VERSION,
                            HOST,
                            candidate,
                            location == null ? "in memory" : location,
                            (System.nanoTime() - started) / 1_000_000,
                            logFile);
                    return null;
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        port = candidate;
        stop();
        return "it did not answer within " + startTimeout.toSeconds() + " s";
    }

    /** Whether the port accepts connections and answers HTTP as Azurite's table service. */
    private static boolean answers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getByName(HOST), port), 250);
        } catch (IOException e) {
            return false;
        }
        try {
            HttpURLConnection c =
                    (HttpURLConnection) URI.create("http://" + HOST + ":" + port + "/" + ACCOUNT_NAME + "/Tables")
                            .toURL()
                            .openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            c.getResponseCode(); // any answer (403 without credentials) will do
            String server = c.getHeaderField("Server");
            c.disconnect();
            return server != null && server.startsWith("Azurite");
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + HOST, e);
        }
    }
}
