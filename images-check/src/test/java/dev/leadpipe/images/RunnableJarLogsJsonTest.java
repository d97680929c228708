package dev.leadpipe.images;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.KafkaSettings;
import dev.leadpipe.core.secret.SecretKeyring;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Done-when of issue 17: a service started from its runnable artifact, not the local run, writes JSON log lines on
 * stdout. The ingest service runs from {@code java -jar ingest-service/target/ingest-service-<version>.jar} against
 * a real broker; its start-up line is read back as JSON, and its secret key appears in no output.
 */
class RunnableJarLogsJsonTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    Path work;

    @Test
    void ingestStartedWithJavaJarLogsJsonLinesOnStdout() throws Exception {
        String secretKeys = StartedService.randomSecretKeys();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(
                java, "-Xmx256m", "-jar", ServiceImage.INGEST.runnableJar().toString());
        Map<String, String> env = Map.of(
                KafkaSettings.BOOTSTRAP_ENV,
                KAFKA.bootstrapServers(),
                "INGEST_PORT",
                "0",
                SecretKeyring.KEYS_ENV,
                secretKeys);

        List<String> stdout;
        String outputs;
        try (StartedService ingest = StartedService.start(command, env, work)) {
            JsonNode line = ingest.awaitJsonLine("ingest listening on http://");

            assertThat(line.path("level").asText()).isEqualTo("INFO");
            assertThat(line.path("loggerName").asText()).isEqualTo("dev.leadpipe.ingest.IngestService");
            assertThat(line.path("threadName").asText()).isNotEmpty();
            assertThat(line.path("timestamp").isNumber()).isTrue();
            assertThat(line.path("formattedMessage").asText()).contains(KAFKA.bootstrapServers());
            stdout = ingest.stdoutLines();
            outputs = ingest.outputs();
        }
        assertThat(stdout)
                .as("every stdout line is one JSON object (LEADPIPE_LOG_FORMAT defaults to json)")
                .allSatisfy(l -> assertThat(StartedService.parse(l).isObject()).isTrue());
        assertThat(outputs).doesNotContain(secretKeys.substring(secretKeys.indexOf('=') + 1));
    }

    @Test
    void aBadLogFormatStopsTheServiceWithOneLineAndExitCode2() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command =
                List.of(java, "-jar", ServiceImage.ROUTER.runnableJar().toString());
        try (StartedService router = StartedService.start(command, Map.of("LEADPIPE_LOG_FORMAT", "xml"), work)) {
            assertThat(router.awaitExit()).as(router.outputs()).isEqualTo(2);
            assertThat(router.stderrLines())
                    .as("one line naming every problem: the log format and the missing broker")
                    .singleElement()
                    .satisfies(l -> assertThat(l)
                            .startsWith("router: ")
                            .contains("LEADPIPE_LOG_FORMAT", KafkaSettings.BOOTSTRAP_ENV)
                            .doesNotContain("xml"));
        }
    }
}
