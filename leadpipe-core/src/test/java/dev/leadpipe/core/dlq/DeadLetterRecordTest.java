package dev.leadpipe.core.dlq;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.leadpipe.core.error.ErrorClass;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dead-letter headers as an operator reads them: the original headers kept, every context header present, an
 * earlier dead-lettering's context replaced, {@code error.kind} only ever {@code transient} or {@code permanent},
 * and no e-mail address or secret in any value.
 */
class DeadLetterRecordTest {
    private static final Instant FIRST = Instant.parse("2026-11-24T08:15:30Z");
    private static final Instant LAST = Instant.parse("2026-11-24T08:20:00Z");

    private static DeadLetterRecord.Context context(ErrorClass error, int httpStatus, String detail) {
        return new DeadLetterRecord.Context(
                "lead-1",
                "quokka.widget",
                error,
                httpStatus,
                detail,
                "https",
                3,
                FIRST,
                LAST,
                "deliveries.https",
                2,
                41L,
                1);
    }

    @Test
    void keepsTheOriginalHeadersAndAddsEveryContextHeader() {
        Headers original = new RecordHeaders().add("traceparent", bytes("00-abc-01"));

        Headers h = DeadLetterRecord.headers(
                original, context(ErrorClass.SALESFORCE_REQUIRED_PICKLIST, 400, "REQUIRED_FIELD_MISSING: Industry__c"));

        assertThat(DeadLetterHeaders.get(h, "traceparent")).isEqualTo("00-abc-01");
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.LEAD_ID)).isEqualTo("lead-1");
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.OFFER_ID)).isEqualTo("quokka.widget");
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.ERROR_CLASS)).isEqualTo("SALESFORCE_REQUIRED_PICKLIST");
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.ERROR_KIND)).isEqualTo("permanent");
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.REMEDIATION))
                .isEqualTo(ErrorClass.SALESFORCE_REQUIRED_PICKLIST.remediation());
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.UPSTREAM_DETAIL))
                .isEqualTo("REQUIRED_FIELD_MISSING: Industry__c");
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.DESTINATION_TYPE)).isEqualTo("https");
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.ATTEMPTS)).isEqualTo("3");
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.FIRST_FAILURE_TIME))
                .isEqualTo("2026-11-24T08:15:30Z");
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.LAST_FAILURE_TIME))
                .isEqualTo("2026-11-24T08:20:00Z");
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo("deliveries.https");
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("2");
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("41");
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.REPLAY_COUNT)).isEqualTo("1");
        assertThat(original.toArray()).as("the original headers stay untouched").hasSize(1);
    }

    @Test
    void anEarlierDeadLetteringsContextIsReplacedNotRepeated() {
        Headers original = new RecordHeaders()
                .add(DeadLetterHeaders.ERROR_CLASS, bytes("NO_DESTINATION_CONFIGURED"))
                .add(DeadLetterHeaders.ATTEMPTS, bytes("0"))
                .add(DeadLetterHeaders.PREFIX + "from.an.older.version", bytes("x"))
                .add("leadpipe.retry.tier", bytes("1m"))
                .add(PipelineHeaders.REPLAY_COUNT, bytes("1"));

        Headers h = DeadLetterRecord.headers(
                original, context(ErrorClass.TABLE_UNAVAILABLE, 503, "ServerBusy"), "leadpipe.retry.");

        assertThat(values(h, DeadLetterHeaders.ERROR_CLASS)).containsExactly("TABLE_UNAVAILABLE");
        assertThat(values(h, DeadLetterHeaders.ATTEMPTS)).containsExactly("3");
        assertThat(values(h, DeadLetterHeaders.PREFIX + "from.an.older.version"))
                .isEmpty();
        assertThat(values(h, "leadpipe.retry.tier"))
                .as("a dropped prefix the caller names")
                .isEmpty();
        assertThat(values(h, PipelineHeaders.REPLAY_COUNT))
                .as("the lead's own replay header is kept")
                .containsExactly("1");
    }

    @Test
    void errorKindIsTransientOrPermanentAsTheCatalogueSays() {
        assertThat(DeadLetterRecord.kind(ErrorClass.DESTINATION_HTTP_ERROR, 503))
                .isEqualTo("transient");
        assertThat(DeadLetterRecord.kind(ErrorClass.DESTINATION_HTTP_ERROR, 429))
                .isEqualTo("transient");
        assertThat(DeadLetterRecord.kind(ErrorClass.DESTINATION_HTTP_ERROR, 404))
                .isEqualTo("permanent");
        assertThat(DeadLetterRecord.kind(ErrorClass.NO_DESTINATION_CONFIGURED, 0))
                .isEqualTo("permanent");
        assertThat(DeadLetterRecord.kind(ErrorClass.UNKNOWN, 0)).isEqualTo("transient");
        for (ErrorClass error : ErrorClass.values()) {
            Headers h = DeadLetterRecord.headers(new RecordHeaders(), context(error, 0, null));
            assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.ERROR_KIND))
                    .as(error.code())
                    .isIn("transient", "permanent");
        }
    }

    @Test
    void noValueHoldsAnEmailAddressOrASecretShape() {
        String leaked = "400 from https://hooks.example: {\"error\":\"bad contact meiling.x@quokkasoft.example\","
                + "\"hint\":\"client_secret=s3cr3t-V4lue\"} Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc";

        Headers h =
                DeadLetterRecord.headers(new RecordHeaders(), context(ErrorClass.DESTINATION_HTTP_ERROR, 400, leaked));

        for (Header header : h) {
            String value = new String(header.value(), StandardCharsets.UTF_8);
            assertThat(value)
                    .as(header.key())
                    .doesNotContain("meiling.x@quokkasoft.example")
                    .doesNotContain("s3cr3t-V4lue")
                    .doesNotContain("eyJhbGciOiJIUzI1NiJ9");
        }
        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.UPSTREAM_DETAIL))
                .startsWith("400 from https://hooks.example");
    }

    @Test
    void unknownSourceAndNoDetailLeaveTheirHeadersOut() {
        DeadLetterRecord.Context c =
                new DeadLetterRecord.Context("lead-2", null, null, 0, null, null, 0, FIRST, FIRST, null, null, null, 0);

        Headers h = DeadLetterRecord.headers(new RecordHeaders(), c);

        assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.ERROR_CLASS)).isEqualTo("UNKNOWN");
        assertThat(h.lastHeader(DeadLetterHeaders.SOURCE_TOPIC)).isNull();
        assertThat(h.lastHeader(DeadLetterHeaders.SOURCE_OFFSET)).isNull();
        assertThat(h.lastHeader(DeadLetterHeaders.UPSTREAM_DETAIL)).isNull();
        assertThat(h.lastHeader(DeadLetterHeaders.OFFER_ID)).isNull();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> values(Headers h, String name) {
        List<String> out = new ArrayList<>();
        h.headers(name).forEach(x -> out.add(new String(x.value(), StandardCharsets.UTF_8)));
        return out;
    }
}
