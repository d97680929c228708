package dev.leadpipe.core.destination;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.leadpipe.core.json.JsonSerde;

class LeadDestinationTest {
    private static final String CANARY = "canary-Secret-8f3a";

    @Test
    void secretsAreMaskedInToStringAndMaskedSettingsButKeptOnTheWire() {
        LeadDestination d = new LeadDestination("contoso.widget", DestinationType.DYNAMICS, Map.of(
                "instanceUrl", "https://contoso.crm.dynamics.com", "clientSecret", CANARY, "applicationId", "app"),
                List.of("ops@contoso.com"), 3, Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(d.toString()).doesNotContain(CANARY).doesNotContain("ops@contoso.com");
        assertThat(d.maskedSettings()).containsEntry("clientSecret", LeadDestination.MASK)
                .containsEntry("instanceUrl", "https://contoso.crm.dynamics.com");
        JsonSerde<LeadDestination> serde = new JsonSerde<>(LeadDestination.class);
        byte[] bytes = serde.serializer().serialize("t", d);
        assertThat(new String(bytes)).contains("\"type\":\"dynamics\"");
        assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(d);
    }

    @Test
    void urlsConnectionStringsAndPasswordsAreSecrets() {
        assertThat(List.of("url", "connectionString", "password", "accountKey", "sasToken", "clientSecret"))
                .allMatch(LeadDestination::isSecretSetting);
        assertThat(List.of("instanceUrl", "organizationId", "tenantId", "applicationId", "userName"))
                .noneMatch(LeadDestination::isSecretSetting);
    }
}
