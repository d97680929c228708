package dev.leadpipe.sink.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.dlq.DeadLetterRecord;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.retry.RetryHeaders;
import dev.leadpipe.core.retry.WaitingLead;
import dev.leadpipe.core.topic.TopicSpec;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * Writes a waiting lead's retry state into a retry tier record, and reads it back. A tier record is the delivery
 * record as it was read (key, raw bytes, timestamp, headers) with the {@link RetryHeaders} replaced: attempts, holds,
 * budget start, first/last failure and its class, status and redacted detail, why and since when it waits, when its
 * next attempt is due and when this record is due to be read. A wait longer than a tier's delay takes several hops:
 * the record goes to the longest tier not longer than the wait and is due after that tier's delay (so each tier's
 * records are due in the order they were written, and a tier consumer only ever waits for the record at its head);
 * a wait shorter than the shortest tier goes to the shortest tier, due after the wait itself.
 */
final class RetryRecords {
    private final DestinationType type;
    private final List<TopicSpec<String, byte[]>> tierTopics;
    private final List<Duration> delays;

    RetryRecords(DestinationType type, List<Duration> delays) {
        this.type = type;
        this.tierTopics = Topics.retryTiers(type);
        this.delays = List.copyOf(delays);
    }

    /** Whether {@code topic} is one of this type's retry tiers. */
    boolean isTier(String topic) {
        return tierTopics.stream().anyMatch(t -> t.name().equals(topic));
    }

    List<String> tierNames() {
        return tierTopics.stream().map(TopicSpec::name).toList();
    }

    /** The index (0 = shortest) of the tier a wait until {@code at} goes to, from {@code now}. */
    int tierFor(Instant now, Instant at) {
        Duration wait = Duration.between(now, at);
        int tier = 0;
        for (int i = 0; i < delays.size(); i++) {
            if (delays.get(i).compareTo(wait) <= 0) {
                tier = i;
            }
        }
        return tier;
    }

    /** When a record written now to {@code tier} for a lead due at {@code at} is to be read. */
    Instant dueTime(int tier, Instant now, Instant at) {
        Instant hop = now.plus(delays.get(tier));
        return at.isBefore(hop) ? at : hop;
    }

    /** The tier record that makes {@code p} wait until {@code p.nextAttemptAt}; its retry state must be set. */
    ProducerRecord<String, byte[]> tierRecord(PendingLead p, Instant now, String redactedDetail) {
        int tier = tierFor(now, p.nextAttemptAt);
        Headers headers = withoutRetryHeaders(p.headers);
        put(headers, RetryHeaders.ATTEMPTS, p.attempts);
        put(headers, RetryHeaders.HOLDS, p.holds);
        put(headers, RetryHeaders.BUDGET_START, p.budgetStart);
        put(headers, RetryHeaders.FIRST_ATTEMPT_TIME, p.firstAttemptAt);
        put(headers, RetryHeaders.FIRST_FAILURE_TIME, p.firstFailureAt);
        put(headers, RetryHeaders.LAST_FAILURE_TIME, p.lastFailureAt);
        if (p.lastFailure != null) {
            put(headers, RetryHeaders.ERROR_CLASS, p.lastFailure.errorClass().code());
            put(headers, RetryHeaders.ERROR_STATUS, p.lastFailure.httpStatus());
            put(headers, RetryHeaders.ERROR_DETAIL, redactedDetail);
        }
        put(headers, RetryHeaders.REASON, p.reason.name());
        put(headers, RetryHeaders.WAITING_SINCE, p.waitingSince);
        put(headers, RetryHeaders.NEXT_ATTEMPT_TIME, p.nextAttemptAt);
        put(headers, RetryHeaders.DUE_TIME, dueTime(tier, now, p.nextAttemptAt));
        put(headers, RetryHeaders.SOURCE_TOPIC, p.sourceTopic);
        put(headers, RetryHeaders.SOURCE_PARTITION, p.sourcePartition);
        put(headers, RetryHeaders.SOURCE_OFFSET, p.sourceOffset);
        return new ProducerRecord<>(
                tierTopics.get(tier).name(), null, p.timestamp >= 0 ? p.timestamp : null, p.key, p.raw, headers);
    }

    /** What {@code lead-waiting} says about {@code p} once its tier record is written. */
    WaitingLead waiting(PendingLead p, Instant now) {
        DeliveryFailure f = p.lastFailure;
        return new WaitingLead(
                p.leadId(),
                p.offerId(),
                type.wireName(),
                p.reason,
                p.waitingSince,
                p.nextAttemptAt,
                p.attempts,
                f == null ? null : f.errorClass(),
                f == null ? 0 : f.httpStatus(),
                now);
    }

    /**
     * Brings a record's retry state (if it has any) into {@code p}: its history, and, for a record read from a tier,
     * when its next attempt is due.
     */
    static void restore(PendingLead p) {
        Headers h = p.headers;
        if (!RetryHeaders.present(h)) {
            return;
        }
        p.attempts = Math.max(0, intOf(h, RetryHeaders.ATTEMPTS));
        p.holds = Math.max(0, intOf(h, RetryHeaders.HOLDS));
        p.budgetStart = instantOf(h, RetryHeaders.BUDGET_START);
        p.firstAttemptAt = instantOf(h, RetryHeaders.FIRST_ATTEMPT_TIME);
        p.firstFailureAt = instantOf(h, RetryHeaders.FIRST_FAILURE_TIME);
        p.lastFailureAt = instantOf(h, RetryHeaders.LAST_FAILURE_TIME);
        ErrorClass errorClass = classOf(RetryHeaders.get(h, RetryHeaders.ERROR_CLASS));
        if (errorClass != null) {
            p.lastFailure = new DeliveryFailure(
                    errorClass,
                    Math.max(0, intOf(h, RetryHeaders.ERROR_STATUS)),
                    null,
                    RetryHeaders.get(h, RetryHeaders.ERROR_DETAIL));
        }
        p.reason = reasonOf(RetryHeaders.get(h, RetryHeaders.REASON));
        p.waitingSince = instantOf(h, RetryHeaders.WAITING_SINCE);
        p.nextAttemptAt = instantOf(h, RetryHeaders.NEXT_ATTEMPT_TIME);
        String sourceTopic = RetryHeaders.get(h, RetryHeaders.SOURCE_TOPIC);
        if (sourceTopic != null) {
            p.sourceTopic = sourceTopic;
            p.sourcePartition = intOf(h, RetryHeaders.SOURCE_PARTITION);
            p.sourceOffset = longOf(h, RetryHeaders.SOURCE_OFFSET);
        }
    }

    /** A copy of the headers without retry and dead-letter context; the original headers stay untouched. */
    static Headers withoutRetryHeaders(Headers original) {
        return DeadLetterRecord.without(original, List.of(RetryHeaders.PREFIX, DeadLetterHeaders.PREFIX));
    }

    private static void put(Headers headers, String name, Object value) {
        RetryHeaders.put(headers, name, value);
    }

    private static Instant instantOf(Headers h, String name) {
        String v = RetryHeaders.get(h, name);
        try {
            return v == null ? null : Instant.parse(v.trim());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static int intOf(Headers h, String name) {
        long v = longOf(h, name);
        return v > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) v;
    }

    private static long longOf(Headers h, String name) {
        String v = RetryHeaders.get(h, name);
        try {
            return v == null ? -1 : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static ErrorClass classOf(String code) {
        try {
            return code == null ? null : ErrorClass.valueOf(code.trim());
        } catch (IllegalArgumentException e) {
            return ErrorClass.UNKNOWN;
        }
    }

    private static WaitingLead.Reason reasonOf(String name) {
        try {
            return name == null ? WaitingLead.Reason.RETRY : WaitingLead.Reason.valueOf(name.trim());
        } catch (IllegalArgumentException e) {
            return WaitingLead.Reason.RETRY;
        }
    }
}
