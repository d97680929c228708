package dev.leadpipe.ingest;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.lead.FieldError;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.LeadJson;
import dev.leadpipe.core.topic.Topics;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile lead bodies ({@link HostileLeads}) straight into the parsing classes the endpoints use, many more than
 * through HTTP: {@link Bodies#parse} gives a JSON value or {@link Bodies.MalformedJson}; {@link LeadIntake#prepare}
 * never throws and gives either a lead or field errors; an accepted lead has valid ids and comes back the same from
 * the {@code leads} topic's serde, so every consumer can read what ingest accepted; no error repeats the customer's
 * e-mail address.
 */
class LeadIntakePropertiesTest {
    private static final Instant NOW = Instant.parse("2026-12-02T10:15:30Z");

    @Property(tries = 3000)
    void aBodyIsALeadOrItsErrorsNeverAnException(
            @ForAll("bodies") byte[] body, @ForAll("idempotencyKeys") String idempotencyKey) {
        JsonNode node;
        try {
            node = Bodies.parse(body, 0, body.length);
        } catch (Bodies.MalformedJson malformed) {
            Statistics.label("answer").collect("malformed JSON");
            assertThat(malformed.getMessage()).isNotBlank().doesNotContain(HostileLeads.CUSTOMER_EMAIL);
            return;
        }
        LeadIntake.Outcome outcome = LeadIntake.prepare(node, idempotencyKey, NOW);

        Statistics.label("answer").collect(outcome.ok() ? "lead" : "field errors");
        if (outcome.ok()) {
            Lead lead = outcome.lead();
            assertThat(lead.leadId()).matches(LeadJson.LEAD_ID_PATTERN);
            assertThat(lead.offerId()).matches(LeadJson.OFFER_ID_PATTERN);
            assertThat(lead.receivedAt()).isEqualTo(NOW);
            byte[] onTopic = Topics.LEADS.valueSerde().serializer().serialize(Topics.LEADS.name(), lead);
            assertThat(Topics.LEADS.valueSerde().deserializer().deserialize(Topics.LEADS.name(), onTopic))
                    .isEqualTo(lead);
        } else {
            assertThat(outcome.lead()).isNull();
            for (FieldError e : outcome.errors()) {
                assertThat(e.pointer()).matches("|/.*|header:Idempotency-Key");
                assertThat(e.detail()).isNotBlank().doesNotContain(HostileLeads.CUSTOMER_EMAIL);
            }
        }
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        return HostileLeads.bodies();
    }

    @Provide
    Arbitrary<String> idempotencyKeys() {
        return Arbitraries.oneOf(
                        Arbitraries.strings()
                                .withCharRange('!', '~')
                                .ofMinLength(0)
                                .ofMaxLength(140),
                        Arbitraries.of("key-1", "-leading", "a".repeat(128), "a".repeat(129), "ü", " "))
                .injectNull(0.5);
    }
}
