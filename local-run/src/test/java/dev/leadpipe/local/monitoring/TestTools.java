package dev.leadpipe.local.monitoring;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Finding the external tools the tests run (see {@link RequiresTools}). */
public final class TestTools {
    private TestTools() {}

    /** Where {@code tool} is: the first executable of that name on the PATH. */
    public static Optional<Path> find(String tool) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(dir, tool);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** Like {@link #find}, else {@code fallback} if it is executable, else an exception naming bin/ensure-test-tools. */
    public static Path locate(String tool, String fallback) {
        return find(tool)
                .or(() -> Optional.of(Path.of(fallback)).filter(Files::isExecutable))
                .orElseThrow(() -> new IllegalStateException(missingMessage(List.of(tool))));
    }

    /** The tools of {@code tools} that are not on the PATH. */
    public static List<String> missing(String... tools) {
        List<String> missing = new ArrayList<>();
        for (String tool : tools) {
            if (find(tool).isEmpty()) {
                missing.add(tool);
            }
        }
        return missing;
    }

    public static String missingMessage(List<String> missing) {
        return "needs " + String.join(", ", missing) + " on the PATH, not found: run bin/ensure-test-tools"
                + " (installs the Debian packages prometheus, chromium and chromium-driver)";
    }

    /**
     * Whether a missing tool fails the test rather than skipping it: the environment variable
     * {@code LEADPIPE_REQUIRE_TOOLS=1}, unless the system property {@code leadpipe.require-tools} says otherwise.
     */
    public static boolean required() {
        String property = System.getProperty("leadpipe.require-tools");
        return "1".equals(property != null ? property : System.getenv(RequiresTools.REQUIRE_ENV));
    }
}
