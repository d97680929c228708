package dev.leadpipe.core.lead;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code receivedAt} reads exactly as {@link Instant#parse} reads it, valid or not. */
class LeadJsonInstantTest {

    @Test
    void readsEveryInstantAsInstantParseDoes() {
        List<String> valid = List.of(
                "2026-03-01T10:00:00Z",
                "2026-03-01T10:00:00.1Z",
                "2026-03-01T10:00:00.123Z",
                "2026-03-01T10:00:00.123456Z",
                "2026-03-01T10:00:00.123456789Z",
                "1970-01-01T00:00:00Z",
                "1969-12-31T23:59:59.999Z",
                "2024-02-29T23:59:59Z",
                "0001-01-01T00:00:00Z",
                "2026-03-01T10:00:00+01:00",
                "+12026-03-01T10:00:00Z",
                "2026-03-01T24:00:00Z",
                "2026-03-01T23:59:60Z",
                "2026-03-01T10:00:00.Z");
        for (String s : valid) {
            assertThat(LeadJson.parseInstant(s)).as(s).isEqualTo(Instant.parse(s));
        }
        for (int i = 0; i < 2_000; i++) {
            Instant at = Instant.ofEpochSecond(1_700_000_000L + i * 7_919L, (i * 104_729L) % 1_000_000_000L);
            assertThat(LeadJson.parseInstant(at.toString())).isEqualTo(at);
        }
    }

    @Test
    void refusesWhatInstantParseRefuses() {
        for (String s : List.of(
                "2026-13-01T10:00:00Z",
                "2026-02-30T10:00:00Z",
                "2026-03-01T10:60:00Z",
                "2026-03-01T10:00Z",
                "2026-03-01T10:00:00.1234567890Z",
                "2026-03-01 10:00:00Z",
                "2026-03-01T10:00:0xZ",
                "yesterday")) {
            assertThatThrownBy(() -> Instant.parse(s)).as(s).isInstanceOf(DateTimeParseException.class);
            assertThatThrownBy(() -> LeadJson.parseInstant(s)).as(s).isInstanceOf(DateTimeParseException.class);
        }
    }
}
