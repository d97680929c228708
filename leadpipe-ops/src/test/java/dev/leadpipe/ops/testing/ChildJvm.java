package dev.leadpipe.ops.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a service's {@code main} in a child JVM the way an operator would: the same Java as the test, the test's
 * class path, only the given environment (the test's own variables cleared), in {@code dir}, with stdout and stderr
 * written to files.
 */
public final class ChildJvm {
    private ChildJvm() {}

    /**
     * Starts {@code mainClass} with the JVM options {@code jvmOptions} (such as the heap) and {@code env}.
     *
     * @param stdout the file its standard output goes to
     * @param stderr the file its standard error goes to; the same as {@code stdout} merges the two
     */
    public static Process start(
            Class<?> mainClass, Map<String, String> env, Path dir, Path stdout, Path stderr, String... jvmOptions)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.directory(dir.toFile());
        if (stdout.equals(stderr)) {
            pb.redirectErrorStream(true);
        } else {
            pb.redirectError(stderr.toFile());
        }
        pb.redirectOutput(stdout.toFile());
        return pb.start();
    }
}
