package dev.leadpipe.core.outcome;

import java.time.Instant;

import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.topic.Topics;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OutcomeTest {
    private static final Instant AT = Instant.parse("2026-03-01T10:15:30Z");

    @Test
    void aSuppressedLeadIsTheEduPrivacyCaseWithoutDelivery() {
        Outcome o = Outcome.suppressed("lead-1", "contoso.widget", true, 2, AT);
        assertThat(o.outcome()).isEqualTo(OutcomeType.SUPPRESSED);
        assertThat(o.errorClass()).isEqualTo(ErrorClass.EDU_PRIVACY_SUPPRESSED);
        assertThat(o.destinationType()).isNull();
        assertThat(o.attempts()).isNull();
        assertThat(o.test()).isTrue();
        assertThat(o.replayCount()).isEqualTo(2);
        assertThat(o.at()).isEqualTo(AT);
    }

    @Test
    void aDeliveredLeadCarriesTheDestinationsIdAndItsLatency() {
        Outcome o = Outcome.delivered("lead-1", "contoso.widget", "dynamics", "rec-9", 3, 1200L, false, 0, AT);
        assertThat(o.outcome()).isEqualTo(OutcomeType.DELIVERED);
        assertThat(o.destinationRecordId()).isEqualTo("rec-9");
        assertThat(o.attempts()).isEqualTo(3);
        assertThat(o.latencyMs()).isEqualTo(1200L);
        assertThat(o.errorClass()).isNull();
        assertThat(o.detail()).isNull();
    }

    @Test
    void aDeadLetteredLeadNamesItsClassAndASinksOneItsDetail() {
        Outcome routed = Outcome.deadLettered(
                "lead-1", "contoso.widget", "blob", ErrorClass.DESTINATION_UNSUPPORTED, null, false, 0, AT, null);
        assertThat(routed.outcome()).isEqualTo(OutcomeType.DEAD_LETTERED);
        assertThat(routed.errorClass()).isEqualTo(ErrorClass.DESTINATION_UNSUPPORTED);
        assertThat(routed.detail()).isNull();
        Outcome sunk = Outcome.deadLettered(
                "lead-1",
                "contoso.widget",
                "salesforce",
                ErrorClass.SALESFORCE_REQUIRED_PICKLIST,
                1,
                false,
                1,
                AT,
                "Industry is required");
        assertThat(sunk.outcome()).isEqualTo(OutcomeType.DEAD_LETTERED);
        assertThat(sunk.attempts()).isEqualTo(1);
        assertThat(sunk.detail()).isEqualTo("Industry is required");
        assertThat(sunk.destinationRecordId()).isNull();
    }

    @Test
    void anOutcomeTravelsOverItsTopicWithoutItsEmptyFields() {
        Outcome o = Outcome.deadLettered(
                "lead-1",
                "contoso.widget",
                "salesforce",
                ErrorClass.SALESFORCE_REQUIRED_PICKLIST,
                1,
                false,
                1,
                AT,
                "Industry is required");
        var serde = Topics.LEAD_OUTCOMES.valueSerde();
        byte[] bytes = serde.serializer().serialize("lead-outcomes", o);
        String json = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(json)
                .contains("\"at\":\"2026-03-01T10:15:30Z\"", "\"errorClass\":\"SALESFORCE_REQUIRED_PICKLIST\"")
                .doesNotContain("destinationRecordId")
                .doesNotContain("latencyMs");
        assertThat(serde.deserializer().deserialize("lead-outcomes", bytes)).isEqualTo(o);
    }
}
