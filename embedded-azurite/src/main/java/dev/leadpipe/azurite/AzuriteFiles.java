package dev.leadpipe.azurite;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files an {@link AzuriteServer} works with: the watchdog script node loads, the log directory and what the log
 * got since a point, and the location directory it deletes.
 */
final class AzuriteFiles {
    static final String WATCHDOG = """
            // Written by dev.leadpipe.azurite.AzuriteServer. Ends Azurite when the JVM that started it goes away:
            // the JVM holds this process's stdin; end of input means stop (gracefully if Azurite is up).
            'use strict';
            process.stdin.on('data', () => {});
            const stop = () => {
              if (process.listenerCount('SIGINT') === 0) { process.exit(0); }
              process.emit('SIGINT');
              setTimeout(() => process.exit(0), 3000);
            };
            process.stdin.on('end', stop);
            process.stdin.on('error', stop);
            process.stdin.resume();
            """;

    private AzuriteFiles() {}

    static Path writeWatchdog(Path script) {
        // <install dir>/node_modules/azurite/dist/src/table/main.js -> <install dir>/leadpipe-watchdog.js
        Path dir = script;
        for (int i = 0; i < 6; i++) {
            dir = dir.getParent();
        }
        Path file = dir.resolve("leadpipe-watchdog.js");
        try {
            if (!Files.isRegularFile(file) || !Files.readString(file).equals(WATCHDOG)) {
                Path tmp = Files.createTempFile(dir, "leadpipe-watchdog", ".tmp");
                Files.writeString(tmp, WATCHDOG, StandardCharsets.UTF_8);
                Files.move(
                        tmp,
                        file,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
        return file;
    }

    static Path defaultLogDirectory() {
        Path cwd = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        if (Files.isDirectory(cwd.resolve("target")) || Files.isRegularFile(cwd.resolve("pom.xml"))) {
            return cwd.resolve("target").resolve("azurite");
        }
        return AzuriteInstall.toolsDirectory().resolve("logs");
    }

    static long sizeOf(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** What the log file got since {@code offset} (its size then, see {@link #sizeOf}). */
    static String logSince(Path logFile, long offset) {
        try {
            byte[] all = Files.readAllBytes(logFile);
            int from = (int) Math.min(offset, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    static String lastLines(String text, int n) {
        List<String> lines = text.lines().toList();
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    static void closeQuietly(OutputStream out) {
        try {
            out.close();
        } catch (IOException e) {
            // the process is going away anyway
        }
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // a temp directory left behind is harmless
                }
            });
        } catch (IOException e) {
            // same
        }
    }
}
