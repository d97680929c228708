package dev.leadpipe.sink.runtime;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code Retry-After} as every HTTP destination sends it, read once for all sinks. */
class HttpSupportTest {
    private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

    @Test
    void retryAfterInSeconds() {
        assertThat(HttpSupport.retryAfter("120", NOW)).isEqualTo(Duration.ofSeconds(120));
        assertThat(HttpSupport.retryAfter(" 7 ", NOW)).isEqualTo(Duration.ofSeconds(7));
        assertThat(HttpSupport.retryAfter("0", NOW)).isEqualTo(Duration.ZERO);
        assertThat(HttpSupport.retryAfter("-5", NOW)).as("never negative").isEqualTo(Duration.ZERO);
    }

    @Test
    void retryAfterAsAnHttpDateIsMeasuredFromNow() {
        assertThat(HttpSupport.retryAfter("Wed, 25 Nov 2026 10:00:30 GMT", NOW)).isEqualTo(Duration.ofSeconds(30));
        assertThat(HttpSupport.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT", NOW))
                .as("a date in the past")
                .isEqualTo(Duration.ZERO);
    }

    @Test
    void anAbsentOrUnreadableRetryAfterIsNull() {
        assertThat(HttpSupport.retryAfter(null, NOW)).isNull();
        assertThat(HttpSupport.retryAfter("  ", NOW)).isNull();
        assertThat(HttpSupport.retryAfter("soon", NOW)).isNull();
        assertThat(HttpSupport.retryAfter("Wed, 25 Nov 2026", NOW)).isNull();
    }
}
