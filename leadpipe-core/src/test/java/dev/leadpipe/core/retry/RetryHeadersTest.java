package dev.leadpipe.core.retry;

import java.time.Instant;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RetryHeadersTest {

    @Test
    void aHeaderIsReplacedNotRepeatedAndNullRemovesIt() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("x-original", new byte[] {1});
        RetryHeaders.put(headers, RetryHeaders.ATTEMPTS, 1);
        RetryHeaders.put(headers, RetryHeaders.ATTEMPTS, 2);
        assertThat(headers.headers(RetryHeaders.ATTEMPTS)).hasSize(1);
        assertThat(RetryHeaders.get(headers, RetryHeaders.ATTEMPTS)).isEqualTo("2");
        assertThat(RetryHeaders.present(headers)).isTrue();
        RetryHeaders.put(headers, RetryHeaders.ATTEMPTS, null);
        assertThat(RetryHeaders.get(headers, RetryHeaders.ATTEMPTS)).isNull();
        assertThat(RetryHeaders.present(headers)).isFalse();
        assertThat(headers.lastHeader("x-original"))
                .as("the lead's own headers are kept")
                .isNotNull();
        assertThat(RetryHeaders.present(null)).isFalse();
    }

    @Test
    void everyHeaderIsUnderTheRetryPrefix() {
        for (String name : new String[] {
            RetryHeaders.ATTEMPTS,
            RetryHeaders.HOLDS,
            RetryHeaders.DUE_TIME,
            RetryHeaders.ERROR_DETAIL,
            RetryHeaders.COPY_OF,
            RetryHeaders.SOURCE_OFFSET
        }) {
            assertThat(name).startsWith(RetryHeaders.PREFIX).isNotEqualTo(RetryHeaders.PREFIX);
        }
    }

    @Test
    void aRecordIsDueAtItsDueTimeOrAtOnceWhenItHasNoneOrAnUnreadableOne() {
        RecordHeaders headers = new RecordHeaders();
        assertThat(RetryHeaders.dueTime(headers)).isEqualTo(Instant.EPOCH);
        assertThat(RetryHeaders.dueTime(null)).isEqualTo(Instant.EPOCH);
        Instant due = Instant.parse("2026-03-01T10:15:30Z");
        RetryHeaders.put(headers, RetryHeaders.DUE_TIME, " " + due + " ");
        assertThat(RetryHeaders.dueTime(headers)).isEqualTo(due);
        RetryHeaders.put(headers, RetryHeaders.DUE_TIME, "soon");
        assertThat(RetryHeaders.dueTime(headers)).isEqualTo(Instant.EPOCH);
    }

    @Test
    void aCopyNamesTheTierRecordItCopies() {
        RecordHeaders headers = new RecordHeaders();
        assertThat(RetryHeaders.copyOf(headers)).isEmpty();
        assertThat(RetryHeaders.copyOf(null)).isEmpty();
        String location = RetryHeaders.location("deliveries.https.retry-2", 4, 1234L);
        RetryHeaders.put(headers, RetryHeaders.COPY_OF, location);
        RetryHeaders.RecordLocation copied = RetryHeaders.copyOf(headers).orElseThrow();
        assertThat(copied.partition()).isEqualTo(new TopicPartition("deliveries.https.retry-2", 4));
        assertThat(copied.offset()).isEqualTo(1234L);
    }

    @Test
    void anUnreadableCopyOfIsNotACopy() {
        for (String bad : new String[] {"deliveries.https.retry-2:4", "t:4:5:6", "t:x:5", "t:4:five", ""}) {
            RecordHeaders headers = new RecordHeaders();
            RetryHeaders.put(headers, RetryHeaders.COPY_OF, bad);
            assertThat(RetryHeaders.copyOf(headers)).as(bad).isEmpty();
        }
    }
}
