package dev.leadpipe.bench.stages;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class from this JVM's class path in a child JVM (so a load tool does not share a JVM with the
 * measuring code), its output to a log file, and answers that output.
 */
final class ChildJava {
    private ChildJava() {}

    /** Runs {@code mainClass args} with {@code -Xmx<heap>}; fails when it exits non-zero or outlives {@code seconds}. */
    static List<String> run(Path log, String heap, long seconds, String mainClass, List<String> args)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command =
                new ArrayList<>(List.of(java, "-Xmx" + heap, "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(args);
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                throw new IllegalStateException(mainClass + " did not finish within " + seconds + " s; see " + log);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(mainClass + " exited with " + p.exitValue() + "; see " + log);
            }
            return Files.readAllLines(log);
        } finally {
            p.destroyForcibly();
        }
    }
}
