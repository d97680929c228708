package dev.leadpipe.core.destination;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.leadpipe.core.json.JsonSerde;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LeadDestinationTest {
    private static final String CANARY = "canary-Secret-8f3a";

    @Test
    void secretsAreMaskedInToStringAndMaskedSettingsButKeptOnTheWire() {
        LeadDestination d = new LeadDestination(
                "contoso.widget",
                DestinationType.DYNAMICS,
                Map.of(
                        "instanceUrl",
                        "https://contoso.crm.dynamics.com",
                        "clientSecret",
                        CANARY,
                        "applicationId",
                        "app"),
                List.of("ops@contoso.com"),
                3,
                Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(d.toString()).doesNotContain(CANARY).doesNotContain("ops@contoso.com");
        assertThat(d.maskedSettings())
                .containsEntry("clientSecret", LeadDestination.MASK)
                .containsEntry("instanceUrl", "https://contoso.crm.dynamics.com");
        JsonSerde<LeadDestination> serde = new JsonSerde<>(LeadDestination.class);
        byte[] bytes = serde.serializer().serialize("t", d);
        assertThat(new String(bytes)).contains("\"type\":\"dynamics\"");
        assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(d);
    }

    @Test
    void theSpecDecidesWhatIsMaskedAndAnUndeclaredNameIsMaskedToo() {
        LeadDestination https = new LeadDestination(
                "contoso.flow",
                DestinationType.HTTPS,
                Map.of("url", "https://flow.example/x?sig=abc", "signingSecret", CANARY, "typo", "value"),
                List.of(),
                1,
                Instant.EPOCH);
        assertThat(https.maskedSettings())
                .containsEntry("url", LeadDestination.MASK)
                .containsEntry("signingSecret", LeadDestination.MASK)
                .containsEntry("typo", LeadDestination.MASK);
        LeadDestination salesforce = new LeadDestination(
                "contoso.sf",
                DestinationType.SALESFORCE,
                Map.of("clientId", "consumer-key", "userName", "api@contoso.example", "privateKey", CANARY),
                List.of(),
                1,
                Instant.EPOCH);
        assertThat(salesforce.maskedSettings())
                .containsEntry("clientId", "consumer-key")
                .containsEntry("userName", "api@contoso.example")
                .containsEntry("privateKey", LeadDestination.MASK);
        LeadDestination untyped =
                new LeadDestination("contoso.x", null, Map.of("anything", CANARY), List.of(), 1, Instant.EPOCH);
        assertThat(untyped.toString()).doesNotContain(CANARY);
    }
}
