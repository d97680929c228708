package dev.leadpipe.ops.logging;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadpipe.core.config.SettingsDoc;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogConfigTest {

    @Test
    void defaultsToJsonAtInfoAndReadsEitherCase() {
        assertThat(LogConfig.DECLARATION.fromEnvironment(Map.of())).isEqualTo(new LogConfig("json", "INFO"));
        assertThat(LogConfig.DECLARATION.fromEnvironment(
                        Map.of(LogConfig.FORMAT_ENV, " PLAIN ", LogConfig.LEVEL_ENV, "debug")))
                .isEqualTo(new LogConfig("plain", "DEBUG"));
    }

    @Test
    void aBadValueIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> LogConfig.DECLARATION.fromEnvironment(
                        Map.of(LogConfig.FORMAT_ENV, "xml", LogConfig.LEVEL_ENV, "LOUD")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(LogConfig.FORMAT_ENV)
                .hasMessageContaining(LogConfig.LEVEL_ENV);
    }

    @Test
    void deployReadmeDocumentsBothWithTheirDefaults() {
        // LEADPIPE_ is also the prefix of the secret-key variables, which are no Setting: only ours are compared
        assertThat(SettingsDoc.differences(Path.of("../deploy/README.md"), LogConfig.SETTINGS, true))
                .filteredOn(difference -> difference.startsWith("LEADPIPE_LOG_"))
                .isEmpty();
    }

    @Test
    void jsonFormatWritesOneObjectPerLineWithTheFormattedMessage() throws Exception {
        LoggerContext context = new LoggerContext();
        String line = encode(context, "json");

        assertThat(line).endsWith("\n").doesNotContain("\n{");
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.path("level").asText()).isEqualTo("WARN");
        assertThat(json.path("loggerName").asText()).isEqualTo("dev.leadpipe.sink.Example");
        assertThat(json.path("formattedMessage").asText()).isEqualTo("lead L-1 of offer o.1 dead-lettered");
        assertThat(json.has("arguments"))
                .as("the arguments are in the message already")
                .isFalse();
    }

    @Test
    void plainFormatWritesTheReadablePattern() {
        String line = encode(new LoggerContext(), "plain");
        assertThat(line)
                .matches("\\d{4}-\\d\\d-\\d\\dT\\S+ WARN  \\[main] dev\\.leadpipe\\.sink\\.Example - "
                        + "lead L-1 of offer o\\.1 dead-lettered\\R");
    }

    @Test
    void anUnknownFormatLogsJsonAndWarnsThroughLogbacksStatus() throws Exception {
        LoggerContext context = new LoggerContext();
        String line = encode(context, "xml");

        assertThat(new ObjectMapper().readTree(line).path("level").asText()).isEqualTo("WARN");
        assertThat(context.getStatusManager().getCopyOfStatusList()).anySatisfy(s -> {
            assertThat(s.getLevel()).isEqualTo(Status.WARN);
            assertThat(s.getMessage()).contains(LogConfig.FORMAT_ENV);
        });
    }

    private static String encode(LoggerContext context, String format) {
        context.setMDCAdapter(new LogbackMDCAdapter());
        LogFormatEncoder encoder = new LogFormatEncoder();
        encoder.setContext(context);
        encoder.setFormat(format);
        encoder.start();
        LoggingEvent event = new LoggingEvent(
                LogConfigTest.class.getName(),
                context.getLogger("dev.leadpipe.sink.Example"),
                Level.WARN,
                "lead {} of offer {} dead-lettered",
                null,
                new Object[] {"L-1", "o.1"});
        event.setThreadName("main");
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }
}
