package dev.leadpipe.core.dlq;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.error.Redaction;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The one place a dead-letter record's headers are built, for the router and every sink (as Kafka Connect's
 * {@code DeadLetterQueueReporter} does): the original record's headers are kept, any context of an earlier
 * dead-lettering ({@code leadpipe.dlq.*}) is dropped, and every {@link DeadLetterHeaders} header is set from a
 * {@link Context}. The caller keeps the original key, value and timestamp.
 * <p>
 * {@code error.kind} is what the catalogue documents for the header: {@code transient} when a retry could have
 * helped ({@link ErrorClass#isTransient(int)} with the upstream HTTP status), else {@code permanent}; never the
 * class's raw kind ({@code by-status}).
 */
public final class DeadLetterRecord {
    private DeadLetterRecord() {}

    /**
     * What is known about a lead's failure when it is dead-lettered. Null values leave their header out.
     *
     * @param leadId          the lead id, or the record key when the value is unreadable
     * @param httpStatus      the upstream HTTP status of the last failure, 0 when there was none
     * @param redactedDetail  the upstream's own words, with the destination's secrets and the lead's personal fields
     *                        already removed by the caller (e-mail addresses and secret shapes are removed here again)
     * @param attempts        delivery attempts made, 0 when none was
     * @param sourceTopic     where the lead was first read, with {@code sourcePartition} and {@code sourceOffset}
     */
    public record Context(
            String leadId,
            String offerId,
            ErrorClass errorClass,
            int httpStatus,
            String redactedDetail,
            String destinationType,
            int attempts,
            Instant firstFailure,
            Instant lastFailure,
            String sourceTopic,
            Integer sourcePartition,
            Long sourceOffset,
            int replayCount) {}

    /** The {@code error.kind} header value: {@code transient} or {@code permanent}. */
    public static String kind(ErrorClass errorClass, int httpStatus) {
        return errorClass.isTransient(httpStatus) ? "transient" : "permanent";
    }

    /**
     * The dead-letter headers: a copy of {@code original} without earlier dead-letter context nor any header under
     * {@code alsoDropped}, plus the context. {@code original} stays untouched.
     *
     * @param alsoDropped prefixes of further pipeline state not to carry into the dead-letter topic (a retry tier's)
     */
    public static Headers headers(Headers original, Context c, String... alsoDropped) {
        List<String> dropped = new ArrayList<>(List.of(alsoDropped));
        dropped.add(DeadLetterHeaders.PREFIX);
        Headers headers = without(original, dropped);
        ErrorClass error = c.errorClass() == null ? ErrorClass.UNKNOWN : c.errorClass();
        DeadLetterHeaders.put(headers, DeadLetterHeaders.LEAD_ID, c.leadId());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.ERROR_CLASS, error.code());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.ERROR_KIND, kind(error, c.httpStatus()));
        DeadLetterHeaders.put(headers, DeadLetterHeaders.REMEDIATION, error.remediation());
        DeadLetterHeaders.put(
                headers, DeadLetterHeaders.UPSTREAM_DETAIL, Redaction.redact(c.redactedDetail(), List.of()));
        DeadLetterHeaders.put(headers, DeadLetterHeaders.DESTINATION_TYPE, c.destinationType());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.OFFER_ID, c.offerId());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.ATTEMPTS, c.attempts());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.FIRST_FAILURE_TIME, c.firstFailure());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.LAST_FAILURE_TIME, c.lastFailure());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.SOURCE_TOPIC, c.sourceTopic());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.SOURCE_PARTITION, c.sourcePartition());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.SOURCE_OFFSET, c.sourceOffset());
        DeadLetterHeaders.put(headers, DeadLetterHeaders.REPLAY_COUNT, c.replayCount());
        return headers;
    }

    /** A copy of the headers without those whose name starts with one of the prefixes; null reads as none. */
    public static Headers without(Headers original, List<String> prefixes) {
        List<Header> kept = new ArrayList<>();
        if (original != null) {
            for (Header h : original) {
                if (prefixes.stream().noneMatch(h.key()::startsWith)) {
                    kept.add(h);
                }
            }
        }
        return new RecordHeaders(kept);
    }
}
