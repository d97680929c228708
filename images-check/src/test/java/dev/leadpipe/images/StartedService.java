package dev.leadpipe.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A service process started by a test from one of its runnable forms, its stdout and stderr in files. {@link #close}
 * sends SIGTERM, as an orchestrator does, and waits for the process and its children.
 */
final class StartedService implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Long enough for a cold JVM on a busy 2-core CI machine to connect to the broker; not an assertion. */
    static final Duration START_WITHIN = Duration.ofSeconds(120);

    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private StartedService(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Starts {@code command} in {@code work} with exactly {@code environment} (plus PATH). */
    static StartedService start(List<String> command, Map<String, String> environment, Path work) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile());
        String path = System.getenv("PATH");
        pb.environment().clear();
        pb.environment().put("PATH", path == null ? "/usr/sbin:/usr/bin:/sbin:/bin" : path);
        pb.environment().putAll(environment);
        Path out = work.resolve("stdout.log");
        Path err = work.resolve("stderr.log");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        return new StartedService(pb.start(), out, err);
    }

    /** A fresh secret key for {@code LEADPIPE_SECRET_KEYS}: {@code keyId=base64(32 random bytes)}. */
    static String randomSecretKeys() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return "images-check=" + Base64.getEncoder().encodeToString(key);
    }

    /**
     * Waits until stdout holds a line whose JSON {@code formattedMessage} contains {@code text} and returns it parsed;
     * fails with both outputs when the process exits first or the line does not come.
     */
    JsonNode awaitJsonLine(String text) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<JsonNode> line = stdoutLines().stream()
                    .filter(l -> l.startsWith("{"))
                    .map(StartedService::parse)
                    .filter(n -> n.path("formattedMessage").asText().contains(text))
                    .findFirst();
            if (line.isPresent()) {
                return line.get();
            }
            if (!process.isAlive()) {
                throw new AssertionError("the service exited with " + process.exitValue() + " before logging '" + text
                        + "'\n" + outputs());
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no log line '" + text + "' within " + START_WITHIN + "\n" + outputs());
    }

    /** Waits for the process to exit by itself (at most {@link #START_WITHIN}) and returns its exit code. */
    int awaitExit() throws IOException, InterruptedException {
        if (!process.waitFor(START_WITHIN.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("the service is still running after " + START_WITHIN + "\n" + outputs());
        }
        return process.exitValue();
    }

    List<String> stderrLines() throws IOException {
        return Files.readAllLines(stderr, StandardCharsets.UTF_8);
    }

    List<String> stdoutLines() throws IOException {
        return Files.readAllLines(stdout, StandardCharsets.UTF_8);
    }

    String outputs() throws IOException {
        return "stdout:\n" + Files.readString(stdout) + "\nstderr:\n" + Files.readString(stderr);
    }

    static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not a JSON line: " + line, e);
        }
    }

    /**
     * SIGTERM to the process's descendants (a launcher such as unshare may ignore it and wait for its child) and to the
     * process, then waits; SIGKILL for what is still running after 60 s.
     */
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> children = process.descendants().toList();
        children.forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        children.forEach(ProcessHandle::destroyForcibly);
        process.waitFor(30, TimeUnit.SECONDS);
    }
}
