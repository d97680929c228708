package dev.leadpipe.azurite;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs the npm package {@code azurite} ({@value #VERSION}) into the project's own tools folder,
 * {@code <repository root>/.leadpipe/tools/azurite-3.35.0}, once: the repository root is the nearest directory at or
 * above the working directory that holds {@code mvnw}. Several JVMs (parallel test forks) may race to install: a file
 * lock next to the install directory lets exactly one run {@code npm install}, the others wait and reuse it.
 *
 * <p>Azurite 3.36 and later need Node 21/22; 3.35.0 runs on Node 18 and 20 (the machines here have Node 20).
 * The tools folder can be moved with the system property {@value #TOOLS_DIR_PROPERTY} or the environment variable
 * {@value #TOOLS_DIR_ENV}.
 */
public final class AzuriteInstall {
    private static final Logger LOG = LoggerFactory.getLogger(AzuriteInstall.class);

    /** The pinned Azurite version: the newest that still runs on Node 20. */
    public static final String VERSION = "3.35.0";
    /** The oldest Node.js major version Azurite {@value #VERSION} supports. */
    public static final int MIN_NODE_MAJOR = 18;

    public static final String TOOLS_DIR_PROPERTY = "leadpipe.tools.dir";
    public static final String TOOLS_DIR_ENV = "LEADPIPE_TOOLS_DIR";

    private static final String MARKER = ".leadpipe-installed";
    private static final String TABLE_SCRIPT = "node_modules/azurite/dist/src/table/main.js";
    private static final long NPM_TIMEOUT_MINUTES = 10;
    private static final Object JVM_LOCK = new Object();
    private static volatile String checkedNode;

    private AzuriteInstall() {}

    /** The tools folder: {@code <repository root>/.leadpipe/tools}, unless moved by the property or variable. */
    public static Path toolsDirectory() {
        String configured = System.getProperty(TOOLS_DIR_PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(TOOLS_DIR_ENV);
        }
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        return repositoryRoot().resolve(".leadpipe").resolve("tools");
    }

    /** The directory Azurite is installed into ({@code npm install --prefix}). */
    public static Path installDirectory() {
        return toolsDirectory().resolve("azurite-" + VERSION);
    }

    /**
     * The nearest directory at or above the working directory that holds {@code mvnw}; the working directory itself
     * when there is none (a jar run outside the repository).
     */
    static Path repositoryRoot() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw"))) {
                return dir;
            }
        }
        return start;
    }

    /**
     * Installs Azurite if it is not installed yet and returns the table service's entry script
     * ({@code node_modules/azurite/dist/src/table/main.js}, what {@code .bin/azurite-table} points at).
     *
     * @throws IllegalStateException when Node.js or npm is missing or too old, or {@code npm install} fails
     */
    public static Path ensureInstalled() {
        Path dir = installDirectory();
        Path script = dir.resolve(TABLE_SCRIPT);
        checkNode();
        if (isInstalled(dir)) {
            return script;
        }
        synchronized (JVM_LOCK) {
            try {
                Files.createDirectories(dir.getParent());
                Path lockFile = dir.getParent().resolve("azurite-" + VERSION + ".lock");
                try (FileChannel channel =
                                FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                        FileLock ignored = channel.lock()) {
                    if (!isInstalled(dir)) {
                        npmInstall(dir);
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("could not install Azurite " + VERSION + " into " + dir + ": " + e, e);
            }
        }
        return script;
    }

    private static boolean isInstalled(Path dir) {
        return Files.isRegularFile(dir.resolve(MARKER)) && Files.isRegularFile(dir.resolve(TABLE_SCRIPT));
    }

    private static void npmInstall(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path log = dir.getParent().resolve("azurite-" + VERSION + "-install.log");
        List<String> command = List.of(
                npmCommand(), "install", "--no-audit", "--no-fund", "--prefix", dir.toString(), "azurite@" + VERSION);
        LOG.info("installing Azurite {} with npm into {} (once; output in {})", VERSION, dir, log);
        long started = System.nanoTime();
        Process npm;
        try {
            npm = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(nullFile()))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "npm was not found on the PATH. Azurite needs Node.js " + MIN_NODE_MAJOR
                            + " or newer with npm (Node 20 recommended; Azurite " + VERSION + " does not need more).",
                    e);
        }
        try {
            if (!npm.waitFor(NPM_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                npm.destroyForcibly();
                throw new IllegalStateException("npm install azurite@" + VERSION + " did not finish in "
                        + NPM_TIMEOUT_MINUTES + " minutes; see " + log);
            }
        } catch (InterruptedException e) {
            npm.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing Azurite", e);
        }
        if (npm.exitValue() != 0 || !Files.isRegularFile(dir.resolve(TABLE_SCRIPT))) {
            throw new IllegalStateException("npm install azurite@" + VERSION + " failed (exit " + npm.exitValue()
                    + "; is the npm registry reachable?). Last lines of " + log + ":\n" + tail(log, 15));
        }
        Files.writeString(dir.resolve(MARKER), VERSION + "\n", StandardCharsets.UTF_8);
        LOG.info("installed Azurite {} in {} s", VERSION, (System.nanoTime() - started) / 1_000_000_000);
    }

    /** The {@code node} executable, checked once per JVM to be Node.js {@value #MIN_NODE_MAJOR} or newer. */
    static String nodeCommand() {
        checkNode();
        return checkedNode;
    }

    private static void checkNode() {
        if (checkedNode != null) {
            return;
        }
        String node = isWindows() ? "node.exe" : "node";
        String version;
        try {
            Process p = new ProcessBuilder(node, "--version")
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(nullFile()))
                    .start();
            version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Node.js was not found on the PATH. Azurite (the Azure Table emulator the "
                            + "tests and the local run use) needs Node.js " + MIN_NODE_MAJOR + " or newer with npm.",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the Node.js version", e);
        }
        Matcher m = Pattern.compile("v?(\\d+)\\.").matcher(version);
        if (!m.lookingAt()) {
            throw new IllegalStateException("could not read the Node.js version from `node --version`: " + version);
        }
        int major = Integer.parseInt(m.group(1));
        if (major < MIN_NODE_MAJOR) {
            throw new IllegalStateException("Node.js " + version + " is too old: Azurite " + VERSION + " needs Node.js "
                    + MIN_NODE_MAJOR + " or newer (Node 20 recommended).");
        }
        checkedNode = node;
    }

    private static String npmCommand() {
        return isWindows() ? "npm.cmd" : "npm";
    }

    static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }

    static java.io.File nullFile() {
        return new java.io.File(isWindows() ? "NUL" : "/dev/null");
    }

    /** The last lines of a text file, for an error message; empty when it cannot be read. */
    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
