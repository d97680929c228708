package dev.leadpipe.images;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.KafkaSettings;
import dev.leadpipe.core.secret.SecretKeyring;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The ingest and router images really run, with no container engine: each image's layers are extracted into a
 * folder, and its entrypoint, environment and user from the image configuration run there under {@code chroot}, in a
 * mount namespace of its own with {@code /proc} and {@code /dev} mounted as a container runtime would. The service
 * connects to a real broker (the chroot shares the host's network) and logs its start-up line as JSON. Needs root
 * ({@code chroot}, {@code mount}); elsewhere the tests are skipped.
 */
class ImageRunsWithoutDockerTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    Path work;

    @Test
    void theIngestImageStartsUnderChrootAsItsOwnUser() throws Exception {
        Map<String, String> env = Map.of("INGEST_PORT", "0", SecretKeyring.KEYS_ENV, StartedService.randomSecretKeys());
        try (StartedService ingest = startInChroot(ServiceImage.INGEST, env)) {
            JsonNode line = ingest.awaitJsonLine("ingest listening on http://0.0.0.0:");
            assertThat(line.path("loggerName").asText()).isEqualTo("dev.leadpipe.ingest.IngestService");
        }
    }

    /** The router opens RocksDB state stores, whose JNI library needs the C++ runtime the image must carry. */
    @Test
    void theRouterImageReachesRunningWithItsRocksDbStores() throws Exception {
        try (StartedService router = startInChroot(ServiceImage.ROUTER, Map.of("OPS_PORT", "0"))) {
            JsonNode line = router.awaitJsonLine("-> RUNNING");
            assertThat(line.path("loggerName").asText()).isEqualTo("dev.leadpipe.router.RouterApp");
        }
    }

    /**
     * Extracts {@code service}'s image and runs its entrypoint, with the image's environment plus {@code env} and the
     * broker, as the image's user.
     */
    private StartedService startInChroot(ServiceImage service, Map<String, String> env) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for chroot and mount");
        assumeTrue(canRun("unshare", "--mount", "--fork", "true"), "needs unshare(1) and mount namespaces");

        ImageTarball image = ImageTarball.read(service.imageTarball());
        Path root = Files.createDirectories(work.resolve("rootfs"));
        image.extractTo(root);
        Files.createDirectories(root.resolve("proc"));
        Files.createDirectories(root.resolve("dev"));

        // sh -c SCRIPT ROOT USER ENTRYPOINT...: mount what a runtime mounts, then run the entrypoint as the image's
        // user
        List<String> command = new ArrayList<>(List.of(
                "unshare",
                "--mount",
                "--fork",
                "--kill-child",
                "sh",
                "-c",
                "root=$0; user=$1; shift; mount -t proc proc \"$root/proc\" && mount --rbind /dev \"$root/dev\""
                        + " && exec chroot --userspec=\"$user\" \"$root\" \"$@\"",
                root.toString(),
                image.config().path("User").asText()));
        image.config().path("Entrypoint").forEach(a -> command.add(a.asText()));

        Map<String, String> environment = new HashMap<>(image.environment());
        environment.put(KafkaSettings.BOOTSTRAP_ENV, KAFKA.bootstrapServers());
        environment.putAll(env);
        return StartedService.start(command, environment, work);
    }

    private static boolean canRun(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
