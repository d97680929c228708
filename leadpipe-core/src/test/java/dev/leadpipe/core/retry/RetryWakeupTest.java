package dev.leadpipe.core.retry;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import dev.leadpipe.core.topic.Topics;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RetryWakeupTest {
    private static final Instant AT = Instant.parse("2026-03-01T10:15:30Z");

    @Test
    void onlyRecordsBelowTheRangeReadOfTheirOwnPartitionHaveACopy() {
        RetryWakeup wakeup = new RetryWakeup(
                "contoso.widget", "https", AT, Map.of(RetryWakeup.partitionKey("deliveries.https.retry-1", 2), 100L));
        assertThat(wakeup.copied("deliveries.https.retry-1", 2, 0)).isTrue();
        assertThat(wakeup.copied("deliveries.https.retry-1", 2, 99)).isTrue();
        assertThat(wakeup.copied("deliveries.https.retry-1", 2, 100))
                .as("the end offset itself was not read")
                .isFalse();
        assertThat(wakeup.copied("deliveries.https.retry-1", 3, 5))
                .as("another partition")
                .isFalse();
        assertThat(wakeup.copied("deliveries.https.retry-2", 2, 5))
                .as("another tier")
                .isFalse();
    }

    @Test
    void keysNameTypeAndOfferAndTopicAndPartition() {
        assertThat(RetryWakeup.key("https", "contoso.widget")).isEqualTo("https:contoso.widget");
        assertThat(RetryWakeup.partitionKey("deliveries.https.retry-1", 2)).isEqualTo("deliveries.https.retry-1:2");
        assertThat(RetryWakeup.key("https", "a.b")).isNotEqualTo(RetryWakeup.key("table", "a.b"));
    }

    @Test
    void itsRangesAreFixedWhenMadeAndNoneMeansNothingCopied() {
        Map<String, Long> ranges = new HashMap<>(Map.of("t:0", 10L));
        RetryWakeup wakeup = new RetryWakeup("contoso.widget", "https", AT, ranges);
        ranges.put("t:1", 10L);
        assertThat(wakeup.copied("t", 1, 0)).isFalse();
        RetryWakeup none = new RetryWakeup("contoso.widget", "https", AT, null);
        assertThat(none.copiedBelow()).isEmpty();
        assertThat(none.copied("t", 0, 0)).isFalse();
    }

    @Test
    void itTravelsOverItsTopic() {
        RetryWakeup wakeup = new RetryWakeup("contoso.widget", "https", AT, Map.of("t:0", 10L, "t:1", 3L));
        var serde = Topics.RETRY_WAKEUPS.valueSerde();
        assertThat(serde.deserializer()
                        .deserialize("retry-wakeups", serde.serializer().serialize("retry-wakeups", wakeup)))
                .isEqualTo(wakeup);
    }
}
