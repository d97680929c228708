package dev.leadpipe.leadctl;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.error.ErrorClass;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * One record of {@code leads-dlq} as leadctl sees it: where it is (partition, offset, timestamp), its raw key and
 * value (the original lead bytes, which may hold personal data and are never printed without
 * {@code --show-personal-data}), its original headers, and its {@code leadpipe.dlq.*} context headers decoded as
 * strings in the order they appear. A copy without the value ({@link #withoutPayload()}) is kept where many records
 * must be remembered at once.
 */
record DeadLetter(
        TopicPartition partition,
        long offset,
        long timestamp,
        byte[] key,
        byte[] value,
        List<Header> originalHeaders,
        Map<String, String> dlqHeaders) {

    static DeadLetter of(ConsumerRecord<byte[], byte[]> record) {
        List<Header> original = new ArrayList<>();
        Map<String, String> dlq = new LinkedHashMap<>();
        for (Header h : record.headers()) {
            if (h.key().startsWith(DeadLetterHeaders.PREFIX)) {
                dlq.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
            } else {
                original.add(h);
            }
        }
        return new DeadLetter(
                new TopicPartition(record.topic(), record.partition()),
                record.offset(),
                record.timestamp(),
                record.key(),
                record.value(),
                List.copyOf(original),
                Collections.unmodifiableMap(dlq));
    }

    /** The same record without its value and original headers, to remember many records cheaply. */
    DeadLetter withoutPayload() {
        return new DeadLetter(partition, offset, timestamp, key, null, List.of(), dlqHeaders);
    }

    String header(String name) {
        return dlqHeaders.get(name);
    }

    /** The lead id: the {@link DeadLetterHeaders#LEAD_ID} header, else the record key, else null. */
    String leadId() {
        String id = header(DeadLetterHeaders.LEAD_ID);
        if (id != null && !id.isBlank()) {
            return id;
        }
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    /** What identifies the lead for "newest record per lead": its id, or this record's position when it has none. */
    String identity() {
        String id = leadId();
        return id != null ? "id:" + id : "at:" + position();
    }

    /** Where the record is, e.g. {@code leads-dlq partition 3 offset 17}. */
    String position() {
        return partition.topic() + " partition " + partition.partition() + " offset " + offset;
    }

    String errorClass() {
        return header(DeadLetterHeaders.ERROR_CLASS);
    }

    boolean isMalformed() {
        return ErrorClass.MALFORMED_RECORD.code().equals(errorClass());
    }

    String offerId() {
        return header(DeadLetterHeaders.OFFER_ID);
    }

    String destinationType() {
        return header(DeadLetterHeaders.DESTINATION_TYPE);
    }

    /** The times the lead was already replayed before this dead-lettering; 0 when absent or unreadable. */
    int replayCount() {
        String v = header(DeadLetterHeaders.REPLAY_COUNT);
        if (v == null) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(v.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The last failure time header, else the record's timestamp. */
    Instant failureTime() {
        String v = header(DeadLetterHeaders.LAST_FAILURE_TIME);
        if (v != null) {
            try {
                return Instant.parse(v.trim());
            } catch (DateTimeParseException e) {
                // fall through to the record's own time
            }
        }
        return Instant.ofEpochMilli(timestamp);
    }

    /** True when this record was written after {@code other}: later timestamp, then later position. */
    boolean isNewerThan(DeadLetter other) {
        if (timestamp != other.timestamp) {
            return timestamp > other.timestamp;
        }
        if (partition.equals(other.partition)) {
            return offset > other.offset;
        }
        return partition.partition() > other.partition.partition();
    }

    /** The original headers to send with a replay, as a fresh mutable copy. */
    Headers originalHeadersCopy() {
        RecordHeaders headers = new RecordHeaders();
        originalHeaders.forEach(h -> headers.add(h.key(), h.value()));
        return headers;
    }
}
