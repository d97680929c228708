package dev.leadpipe.leadctl;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.dlq.PipelineHeaders;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.core.topic.Topics;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile {@code leads-dlq} records into leadctl's reader of dead-letter headers ({@link DeadLetter}): any header
 * names (the {@code leadpipe.dlq.*} ones, repeated, and others), values that are null, empty, invalid UTF-8, numbers
 * out of range or malformed times, any key and timestamp. Reading never throws and always answers: a lead id or none,
 * a replay count of 0 or more, a failure time; {@code dlq list --json} prints one JSON object without the customer's
 * address; a replay sends the record back marked as a replay; a filter decides without an exception.
 */
class DeadLetterPropertiesTest {
    private static final String CUSTOMER_EMAIL = "ada.hostile@example.com";
    private static final Instant NOW = Instant.parse("2026-12-02T10:15:30Z");

    private static final List<String> NAMES = List.of(
            DeadLetterHeaders.LEAD_ID,
            DeadLetterHeaders.ERROR_CLASS,
            DeadLetterHeaders.ERROR_KIND,
            DeadLetterHeaders.UPSTREAM_DETAIL,
            DeadLetterHeaders.OFFER_ID,
            DeadLetterHeaders.DESTINATION_TYPE,
            DeadLetterHeaders.ATTEMPTS,
            DeadLetterHeaders.LAST_FAILURE_TIME,
            DeadLetterHeaders.REPLAY_COUNT,
            DeadLetterHeaders.SOURCE_PARTITION,
            DeadLetterHeaders.PREFIX,
            PipelineHeaders.REPLAY_COUNT,
            "traceparent");

    @Property(tries = 2000)
    void anyDeadLetterRecordReadsIntoAnAnswer(@ForAll("records") ConsumerRecord<byte[], byte[]> record) {
        DeadLetter dl = DeadLetter.of(record);

        String id = DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.LEAD_ID);
        if (id != null && !id.isBlank()) {
            assertThat(dl.leadId()).isEqualTo(id);
        } else if (record.key() == null) {
            assertThat(dl.leadId()).isNull();
        }
        assertThat(dl.identity()).isNotBlank();
        assertThat(dl.replayCount()).isNotNegative();
        assertThat(dl.failureTime()).isNotNull();
        dl.isMalformed();
        assertThat(dl.withoutPayload().identity()).isEqualTo(dl.identity());

        JsonNode listed = json(DlqListCommand.toJson(dl));
        assertThat(listed.isObject()).isTrue();
        assertThat(listed.toString()).doesNotContain(CUSTOMER_EMAIL);

        ProducerRecord<byte[], byte[]> replayed = ReplayEngine.toLeadsRecord(dl);
        assertThat(replayed.topic()).isEqualTo(Topics.LEADS.name());
        assertThat(PipelineHeaders.replayCount(replayed.headers()))
                .as("the replayed record is recognised downstream as a replay")
                .isPositive();

        DlqFilter filter = DlqFilter.of(
                List.of(ErrorClass.MALFORMED_RECORD),
                List.of("contoso.widget"),
                List.of(DestinationType.HTTPS),
                TimeBound.parse("1h"),
                TimeBound.parse("2026-12-03T00:00:00Z"),
                NOW);
        filter.matches(dl);
        DlqFilter.none(NOW).matches(dl);
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("dlq list --json printed no JSON: " + text, e);
        }
    }

    @Provide
    Arbitrary<ConsumerRecord<byte[], byte[]>> records() {
        Arbitrary<byte[]> bytes = Arbitraries.oneOf(
                Arbitraries.of(
                                "",
                                " ",
                                "0",
                                "-1",
                                "3",
                                "2147483647",
                                "2147483648",
                                "-2147483648",
                                "1e3",
                                "MALFORMED_RECORD",
                                "malformed_record ",
                                "HTTPS",
                                "contoso.widget",
                                "2026-12-02T09:00:00Z",
                                " 2026-12-02T09:00:00Z ",
                                "+1000000000-01-01T00:00:00Z",
                                "2026-02-30T25:61:00Z",
                                "lead-1",
                                "upstream said " + CUSTOMER_EMAIL)
                        .map(s -> s.getBytes(StandardCharsets.UTF_8)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(30),
                Arbitraries.just(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF}),
                Arbitraries.just((byte[]) null));
        Arbitrary<Header> header = Combinators.combine(
                        Arbitraries.oneOf(
                                Arbitraries.of(NAMES), Arbitraries.strings().ofMaxLength(15)),
                        bytes)
                .as(RecordHeader::new);
        return Combinators.combine(
                        header.list().ofMaxSize(14),
                        bytes,
                        bytes,
                        Arbitraries.oneOf(
                                Arbitraries.of(-1L, 0L, Long.MAX_VALUE),
                                Arbitraries.longs().between(-1, Long.MAX_VALUE)),
                        Arbitraries.integers().between(0, 5),
                        Arbitraries.longs().between(0, Long.MAX_VALUE))
                .as((headers, key, value, timestamp, partition, offset) -> new ConsumerRecord<>(
                        Topics.LEADS_DLQ.name(),
                        partition,
                        offset,
                        timestamp,
                        TimestampType.CREATE_TIME,
                        key == null ? -1 : key.length,
                        value == null ? -1 : value.length,
                        key,
                        value,
                        new RecordHeaders(headers.toArray(Header[]::new)),
                        Optional.empty()));
    }
}
