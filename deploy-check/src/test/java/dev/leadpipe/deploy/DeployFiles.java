package dev.leadpipe.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/** Where deploy/ is, reading its YAML (anchors and merge keys resolved), and rendering deploy/k8s with kubectl. */
final class DeployFiles {
    private DeployFiles() {}

    /** The repository root: the nearest directory up from the working directory that holds {@code deploy/}. */
    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isDirectory(dir.resolve("deploy/k8s")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("no deploy/k8s above " + Path.of("").toAbsolutePath());
    }

    static Path deploy(String relative) {
        return root().resolve("deploy").resolve(relative);
    }

    /** Every YAML document of {@code text}, empty ones left out, as maps. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> documents(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml(options).loadAll(text)) {
            if (doc != null) {
                docs.add((Map<String, Object>) doc);
            }
        }
        return docs;
    }

    static List<Map<String, Object>> documents(Path file) {
        try {
            return documents(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The documents of deploy/k8s/base as written, file by file in the order its kustomization lists them (no
     * kustomize transformation): what the cross-check reads when it must run without kubectl.
     */
    static List<Map<String, Object>> baseDocuments() {
        Path base = deploy("k8s/base");
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object resource :
                (List<?>) documents(base.resolve("kustomization.yaml")).get(0).get("resources")) {
            docs.addAll(documents(base.resolve(String.valueOf(resource))));
        }
        return docs;
    }

    /**
     * {@code kubectl kustomize deploy/k8s/<dir>}: the rendered documents. Without kubectl the test is skipped,
     * unless the tools are required ({@code LEADPIPE_REQUIRE_TOOLS} or {@code CI} set, as bin/test sets it after
     * {@code bin/ensure-test-tools} installed Debian's {@code kubernetes-client}), where it fails.
     */
    static List<Map<String, Object>> render(String dir) {
        Path kubectl = kubectl().orElse(null);
        if (kubectl == null) {
            String why = "no kubectl on the PATH (KUBECTL names one): bin/ensure-test-tools installs Debian's "
                    + "kubernetes-client";
            if (toolsRequired()) {
                throw new AssertionError(why);
            }
            Assumptions.abort(why);
        }
        Path target = deploy("k8s").resolve(dir);
        try {
            Path out = Files.createTempFile("kustomize-", ".yaml");
            Path err = Files.createTempFile("kustomize-", ".err");
            try {
                Process p = new ProcessBuilder(kubectl.toString(), "kustomize", target.toString())
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("kubectl kustomize " + target + " did not finish in 120 s");
                }
                if (p.exitValue() != 0) {
                    throw new AssertionError("kubectl kustomize " + target + " failed (exit " + p.exitValue() + "): "
                            + Files.readString(err, StandardCharsets.UTF_8));
                }
                return documents(Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static boolean toolsRequired() {
        return isSet("LEADPIPE_REQUIRE_TOOLS") || isSet("CI");
    }

    private static boolean isSet(String name) {
        String v = System.getenv(name);
        return v != null && !v.isBlank();
    }

    /** {@code KUBECTL} if set, else the first {@code kubectl} on the PATH. */
    static Optional<Path> kubectl() {
        String named = System.getenv("KUBECTL");
        if (named != null && !named.isBlank()) {
            return Optional.of(Path.of(named));
        }
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(java.io.File.pathSeparator))
                .filter(s -> !s.isBlank())
                .map(s -> Path.of(s, "kubectl"))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
