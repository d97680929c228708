package dev.leadpipe.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

class EnvReaderTest {

    @Test
    void unsetAndBlankVariablesTakeTheirDefaults() {
        EnvReader r = new EnvReader(Map.of("KAFKA_BOOTSTRAP_SERVERS", " k:9092 ", "PORT", "  "));
        assertThat(r.kafkaBootstrapServers()).isEqualTo("k:9092");
        assertThat(r.wholeNumber("PORT", 8080, 0, 65535)).isEqualTo(8080);
        assertThat(r.positiveDuration("WINDOW", Duration.ofDays(7), "7d")).isEqualTo(Duration.ofDays(7));
        assertThat(r.text("HOST", "127.0.0.1")).isEqualTo("127.0.0.1");
        assertThat(r.path("DIR")).isNull();
        r.throwIfProblems("test settings");
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void readsEveryKindOfValue() {
        EnvReader r = new EnvReader(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:9092", "KAFKA_REPLICATION_FACTOR", "3",
                "PORT", " 9000 ", "WINDOW", "12h", "DIR", "/var/lib/x", "HOST", " 0.0.0.0 "));
        assertThat(r.kafkaBootstrapServers()).isEqualTo("k:9092");
        assertThat(r.wholeNumber("PORT", 8080, 0, 65535)).isEqualTo(9000);
        assertThat(r.positiveDuration("WINDOW", Duration.ofDays(7), "7d")).isEqualTo(Duration.ofHours(12));
        assertThat(r.path("DIR")).isEqualTo(Path.of("/var/lib/x"));
        assertThat(r.text("HOST")).isEqualTo("0.0.0.0");
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void reportsEveryProblemTogetherOnOneLineWithoutTheValues() {
        EnvReader r = new EnvReader(Map.of("KAFKA_REPLICATION_FACTOR", "three", "PORT", "70000", "LIMIT", "lots",
                "WINDOW", "soon", "ZERO", "0s", "DIR", "a\0b"));
        assertThat(r.kafkaBootstrapServers()).isNull();
        assertThat(r.wholeNumber("PORT", 8080, 0, 65535)).isEqualTo(8080);
        assertThat(r.wholeNumber("LIMIT", 5, 1, Integer.MAX_VALUE)).isEqualTo(5);
        assertThat(r.positiveDuration("WINDOW", Duration.ofDays(7), "7d")).isEqualTo(Duration.ofDays(7));
        assertThat(r.positiveDuration("ZERO", Duration.ofSeconds(1), "1s")).isEqualTo(Duration.ofSeconds(1));
        assertThat(r.path("DIR")).isNull();
        r.problem("MAX must not be shorter than MIN");

        assertThatThrownBy(() -> r.throwIfProblems("test settings"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid test settings: KAFKA_BOOTSTRAP_SERVERS is not set")
                .hasMessageContainingAll("KAFKA_REPLICATION_FACTOR must be a whole number from 1 to 32767",
                        "PORT must be a whole number from 0 to 65535", "LIMIT must be a whole number of at least 1",
                        "WINDOW must be a positive duration such as 7d", "ZERO must be a positive duration such as 1s",
                        "DIR must be a file system path", "MAX must not be shorter than MIN")
                .hasMessageNotContaining("\n").hasMessageNotContaining("three").hasMessageNotContaining("70000")
                .hasMessageNotContaining("lots").hasMessageNotContaining("soon");
    }

    @Test
    void readsDurationsAsOperatorsWriteThem() {
        assertThat(EnvReader.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(EnvReader.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(EnvReader.parseDuration("10 m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(EnvReader.parseDuration("2H")).isEqualTo(Duration.ofHours(2));
        assertThat(EnvReader.parseDuration("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(EnvReader.parseDuration("pt1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(EnvReader.parseDuration("P7D")).isEqualTo(Duration.ofDays(7));
        assertThatThrownBy(() -> EnvReader.parseDuration("soon")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EnvReader.parseDuration("99999999999999999999d")).isInstanceOf(IllegalArgumentException.class);
    }
}
