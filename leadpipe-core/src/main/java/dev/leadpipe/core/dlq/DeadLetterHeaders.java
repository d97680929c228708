package dev.leadpipe.core.dlq;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The names of every header the pipeline adds to a dead-letter record, all under {@value #PREFIX}, so they never
 * collide with the original record's headers, which are kept as they were. Values are UTF-8 strings; times are
 * ISO-8601 instants. No value ever holds a secret or a customer e-mail address.
 */
public final class DeadLetterHeaders {
    public static final String PREFIX = "leadpipe.dlq.";

    public static final String LEAD_ID = PREFIX + "lead.id";
    public static final String ERROR_CLASS = PREFIX + "error.class";
    /** {@code transient} or {@code permanent}. */
    public static final String ERROR_KIND = PREFIX + "error.kind";

    public static final String REMEDIATION = PREFIX + "error.remediation";
    /** The upstream's own words, with secrets and e-mail addresses removed. */
    public static final String UPSTREAM_DETAIL = PREFIX + "error.upstream.detail";

    public static final String DESTINATION_TYPE = PREFIX + "destination.type";
    public static final String OFFER_ID = PREFIX + "offer.id";
    public static final String ATTEMPTS = PREFIX + "attempts";
    public static final String FIRST_FAILURE_TIME = PREFIX + "failure.first.time";
    public static final String LAST_FAILURE_TIME = PREFIX + "failure.last.time";
    public static final String SOURCE_TOPIC = PREFIX + "source.topic";
    public static final String SOURCE_PARTITION = PREFIX + "source.partition";
    public static final String SOURCE_OFFSET = PREFIX + "source.offset";
    public static final String REPLAY_COUNT = PREFIX + "replay.count";

    private DeadLetterHeaders() {}

    /** Sets a header, replacing any earlier value of the same name. */
    public static void put(Headers headers, String name, Object value) {
        headers.remove(name);
        if (value != null) {
            headers.add(name, String.valueOf(value).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The last value of a header as a string, or null. */
    public static String get(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
