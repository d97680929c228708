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
 * The ingest image really runs, with no container engine: its layers are extracted into a folder and its entrypoint,
 * environment and user from the image configuration run there under {@code chroot}, in a mount namespace of its own
 * with {@code /proc} and {@code /dev} mounted as a container runtime would. The service connects to a real broker
 * (the chroot shares the host's network) and logs its start-up line as JSON. Needs root ({@code chroot},
 * {@code mount}); elsewhere the test is skipped.
 */
class ImageRunsWithoutDockerTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    Path work;

    @Test
    void theIngestImageStartsUnderChrootAsItsOwnUser() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for chroot and mount");
        assumeTrue(canRun("unshare", "--mount", "--fork", "true"), "needs unshare(1) and mount namespaces");

        ImageTarball image = ImageTarball.read(ServiceImage.INGEST.imageTarball());
        Path root = Files.createDirectories(work.resolve("rootfs"));
        image.extractTo(root);
        Files.createDirectories(root.resolve("proc"));
        Files.createDirectories(root.resolve("dev"));

        List<String> entrypoint = new ArrayList<>();
        image.config().path("Entrypoint").forEach(a -> entrypoint.add(a.asText()));
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
        command.addAll(entrypoint);

        Map<String, String> env = new HashMap<>(image.environment());
        env.put(KafkaSettings.BOOTSTRAP_ENV, KAFKA.bootstrapServers());
        env.put("INGEST_PORT", "0");
        env.put(SecretKeyring.KEYS_ENV, StartedService.randomSecretKeys());
        try (StartedService ingest = StartedService.start(command, env, work)) {
            JsonNode line = ingest.awaitJsonLine("ingest listening on http://0.0.0.0:");
            assertThat(line.path("loggerName").asText()).isEqualTo("dev.leadpipe.ingest.IngestService");
        }
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
