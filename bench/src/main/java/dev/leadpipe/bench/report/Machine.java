package dev.leadpipe.bench.report;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;

/**
 * The machine and source a run measured: cores, memory, JDK, commit, date, and the load average before and after.
 *
 * @param loadBefore the 1-minute load average when the run began (NaN where the OS does not tell)
 * @param loadAfter  the 1-minute load average when it ended
 */
public record Machine(
        int cores,
        long memoryMiB,
        String jdk,
        String commit,
        Instant date,
        double loadBefore,
        double loadAfter,
        String os) {

    /** What this machine says now (the load after is filled in by {@link #withLoadAfter}). */
    public static Machine now(Path root) {
        return new Machine(
                Runtime.getRuntime().availableProcessors(),
                totalMemoryMiB(),
                System.getProperty("java.vm.vendor") + " " + Runtime.version(),
                commit(root),
                Instant.now().truncatedTo(ChronoUnit.SECONDS),
                load(),
                Double.NaN,
                System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    }

    public Machine withLoadAfter() {
        return new Machine(cores, memoryMiB, jdk, commit, date, loadBefore, load(), os);
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static long totalMemoryMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // below
        }
        return -1;
    }

    private static String commit(Path root) {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "--short", "HEAD")
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                Process dirty = new ProcessBuilder(
                                "git",
                                "status",
                                "--porcelain",
                                "--untracked-files=no",
                                "--",
                                ".",
                                ":!docs/benchmarks.md",
                                ":!docs/benchmarks-latency.png")
                        .directory(root.toFile())
                        .start();
                String changes = new String(dirty.getInputStream().readAllBytes()).trim();
                dirty.waitFor(10, TimeUnit.SECONDS);
                return changes.isEmpty() ? out : out + " (with uncommitted changes)";
            }
        } catch (IOException e) {
            // below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "unknown";
    }
}
