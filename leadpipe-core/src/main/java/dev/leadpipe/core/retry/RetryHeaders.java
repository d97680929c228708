package dev.leadpipe.core.retry;

import java.time.Instant;
import java.util.Optional;

import dev.leadpipe.core.dlq.DeadLetterHeaders;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;

/**
 * The names of the headers a sink puts on a lead it writes to a retry tier (and that {@code leadctl waiting retry-now}
 * keeps on the copy it sends back to the delivery topic): the lead's attempt history and when it is due, all under
 * {@value #PREFIX}. The lead's own key, bytes and other headers are kept as they were. Values are UTF-8 strings, times
 * ISO-8601 instants; the error detail is redacted of secrets, e-mail addresses and the lead's personal fields before it
 * is written. A dead-letter record drops these headers (its {@code leadpipe.dlq.*} headers say the same).
 */
public final class RetryHeaders {
    public static final String PREFIX = "leadpipe.retry.";

    /** Delivery attempts made so far. */
    public static final String ATTEMPTS = PREFIX + "attempts";
    /** Times the lead was held back without an attempt (open circuit, busy endpoint): drives the hold backoff. */
    public static final String HOLDS = PREFIX + "holds";
    /** When its retry budget started: its first failure, or the first time an open circuit held it back. */
    public static final String BUDGET_START = PREFIX + "budget.start";

    public static final String FIRST_ATTEMPT_TIME = PREFIX + "attempt.first.time";
    public static final String FIRST_FAILURE_TIME = PREFIX + "failure.first.time";
    public static final String LAST_FAILURE_TIME = PREFIX + "failure.last.time";
    /** The class of its last failure. */
    public static final String ERROR_CLASS = PREFIX + "error.class";
    /** The upstream HTTP status of its last failure, 0 when none. */
    public static final String ERROR_STATUS = PREFIX + "error.status";
    /** The upstream's words about its last failure, redacted. */
    public static final String ERROR_DETAIL = PREFIX + "error.detail";
    /** Why it waits: a {@link WaitingLead.Reason} name. */
    public static final String REASON = PREFIX + "reason";
    /** When it started waiting. */
    public static final String WAITING_SINCE = PREFIX + "waiting.since";
    /** When its next attempt is due (it may take several hops through the tiers to get there). */
    public static final String NEXT_ATTEMPT_TIME = PREFIX + "next.attempt.time";
    /** When this record is due to be read from its tier: at most the tier's delay after it was written. */
    public static final String DUE_TIME = PREFIX + "due.time";
    /** Where the lead was first read: its delivery record's topic, partition and offset. */
    public static final String SOURCE_TOPIC = PREFIX + "source.topic";

    public static final String SOURCE_PARTITION = PREFIX + "source.partition";
    public static final String SOURCE_OFFSET = PREFIX + "source.offset";
    /**
     * On a copy {@code leadctl waiting retry-now} wrote to a delivery topic: the tier record it copies, as
     * {@code <topic>:<partition>:<offset>}. A sink that has finished that record already skips the copy.
     */
    public static final String COPY_OF = PREFIX + "copy.of";

    private RetryHeaders() {}

    /** Sets a header, replacing any earlier value of the same name (null removes it). */
    public static void put(Headers headers, String name, Object value) {
        DeadLetterHeaders.put(headers, name, value);
    }

    /** The last value of a header as a string, or null. */
    public static String get(Headers headers, String name) {
        return DeadLetterHeaders.get(headers, name);
    }

    /** Whether a record carries a retry history (it came from a retry tier, or was sent back by leadctl). */
    public static boolean present(Headers headers) {
        return headers != null && headers.lastHeader(ATTEMPTS) != null;
    }

    /** When a tier record is due to be read: its {@link #DUE_TIME}, else (none, or unreadable) at once. */
    public static Instant dueTime(Headers headers) {
        String due = headers == null ? null : get(headers, DUE_TIME);
        try {
            return due == null ? Instant.EPOCH : Instant.parse(due.trim());
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }

    /** Where a tier record is: the {@link #COPY_OF} value of a copy of it. */
    public static String location(String topic, int partition, long offset) {
        return topic + ":" + partition + ":" + offset;
    }

    /** The tier record a copy was made of ({@link #COPY_OF}), or empty: not a copy, or an unreadable value. */
    public static Optional<RecordLocation> copyOf(Headers headers) {
        String v = headers == null ? null : get(headers, COPY_OF);
        if (v == null) {
            return Optional.empty();
        }
        String[] parts = v.trim().split(":");
        try {
            return parts.length != 3
                    ? Optional.empty()
                    : Optional.of(new RecordLocation(
                            new TopicPartition(parts[0], Integer.parseInt(parts[1])), Long.parseLong(parts[2])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** A record's place in Kafka. */
    public record RecordLocation(TopicPartition partition, long offset) {}
}
