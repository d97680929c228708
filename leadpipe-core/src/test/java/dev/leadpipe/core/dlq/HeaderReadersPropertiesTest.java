package dev.leadpipe.core.dlq;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.retry.RetryHeaders;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile record headers (the pipeline's names and others, repeated, with null, empty, invalid UTF-8, numbers out of
 * range and malformed times as values) into core's header readers: {@link PipelineHeaders#replayCount},
 * {@link RetryHeaders#dueTime} and {@link RetryHeaders#copyOf} give a readable answer or their documented default, and
 * {@link DeadLetterRecord#headers} builds a dead letter whose every context header reads back as it was set.
 */
class HeaderReadersPropertiesTest {
    static final List<String> NAMES = List.of(
            PipelineHeaders.REPLAY_COUNT,
            DeadLetterHeaders.LEAD_ID,
            DeadLetterHeaders.ERROR_CLASS,
            DeadLetterHeaders.REPLAY_COUNT,
            DeadLetterHeaders.LAST_FAILURE_TIME,
            DeadLetterHeaders.OFFER_ID,
            RetryHeaders.DUE_TIME,
            RetryHeaders.COPY_OF,
            RetryHeaders.ATTEMPTS,
            "leadpipe.dlq.",
            "traceparent",
            "");

    @Property(tries = 1000)
    void pipelineAndRetryHeadersReadOrFallBack(@ForAll("headers") Headers headers) {
        int replayCount = PipelineHeaders.replayCount(headers);
        String raw = DeadLetterHeaders.get(headers, PipelineHeaders.REPLAY_COUNT);
        Integer readable = null;
        try {
            readable = raw == null ? null : Integer.valueOf(raw.trim());
        } catch (NumberFormatException unreadable) {
            // the reader must fall back to 0
        }
        assertThat(replayCount).isEqualTo(readable == null ? 0 : readable);
        assertThat(RetryHeaders.dueTime(headers)).isNotNull();
        RetryHeaders.copyOf(headers)
                .ifPresent(at -> assertThat(at.partition().topic()).isNotNull());
    }

    @Property(tries = 1000)
    void aDeadLetterBuiltOnHostileHeadersReadsBackItsContext(
            @ForAll("headers") Headers original, @ForAll("texts") String leadId, @ForAll("texts") String detail) {
        Instant at = Instant.parse("2026-12-02T10:15:30Z");
        DeadLetterRecord.Context context = new DeadLetterRecord.Context(
                leadId, "contoso.widget", ErrorClass.UNKNOWN, 503, detail, "https", 3, at, at, "leads", 2, 17L, 1);

        Headers built = DeadLetterRecord.headers(original, context);

        assertThat(DeadLetterHeaders.get(built, DeadLetterHeaders.LEAD_ID)).isEqualTo(leadId);
        assertThat(DeadLetterHeaders.get(built, DeadLetterHeaders.ERROR_CLASS)).isEqualTo("UNKNOWN");
        assertThat(DeadLetterHeaders.get(built, DeadLetterHeaders.LAST_FAILURE_TIME))
                .isEqualTo(at.toString());
        assertThat(DeadLetterHeaders.get(built, DeadLetterHeaders.REPLAY_COUNT)).isEqualTo("1");
        for (Header h : built) {
            if (h.key().startsWith(DeadLetterHeaders.PREFIX)) {
                assertThat(built.headers(h.key())).as(h.key()).hasSize(1);
            }
        }
    }

    @Provide
    Arbitrary<String> texts() {
        // any text a header can carry: Unicode without lone surrogates (a key or value decoded from UTF-8)
        return Arbitraries.strings()
                .withCharRange('\u0000', '\uD7FF')
                .withCharRange('\uE000', '\uFFFF')
                .ofMaxLength(30)
                .injectNull(0.1);
    }

    @Provide
    Arbitrary<Headers> headers() {
        Arbitrary<String> names = Arbitraries.oneOf(
                Arbitraries.of(NAMES), Arbitraries.strings().all().ofMaxLength(20));
        Arbitrary<byte[]> values = Arbitraries.oneOf(
                Arbitraries.of(
                                "0",
                                "1",
                                "-1",
                                " 7 ",
                                "2147483647",
                                "2147483648",
                                "-2147483649",
                                "1e3",
                                "",
                                "NaN",
                                "2026-12-02T10:15:30Z",
                                "+1000000000-01-01T00:00:00Z",
                                "2026-13-45T99:99:99Z",
                                "leads:0:1",
                                "leads:x:1",
                                "::",
                                "a:b:c:d",
                                "leads:99999999999:1",
                                "leads:1:-5")
                        .map(s -> s.getBytes(StandardCharsets.UTF_8)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(40),
                Arbitraries.just(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF}),
                Arbitraries.just((byte[]) null));
        return Combinators.combine(names, values)
                .as((n, v) -> (Header) new RecordHeader(n, v))
                .list()
                .ofMaxSize(12)
                .map(list -> new RecordHeaders(list.toArray(Header[]::new)));
    }
}
