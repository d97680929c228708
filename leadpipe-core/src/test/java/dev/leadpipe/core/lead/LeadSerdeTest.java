package dev.leadpipe.core.lead;

import java.nio.charset.StandardCharsets;

import dev.leadpipe.core.json.Json;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LeadSerdeTest {
    private final LeadSerde serde = new LeadSerde();

    @Test
    void aLeadGoesOverATopicAndComesBackTheSame() throws Exception {
        Lead lead = LeadJson.read(Json.MAPPER.readTree("""
                {"leadId": "lead-1", "offerId": "contoso.widget", "receivedAt": "2026-03-01T10:15:30Z",
                 "UserDetails": {"FirstName": "Ann", "Email": "ann@contoso.com", "Pet": "cat"},
                 "LeadSource": "AppSource-INS|contoso.widget", "Campaign": [1, 2]}""")).lead();
        byte[] bytes = serde.serializer().serialize("leads", lead);
        assertThat(Json.MAPPER.readTree(bytes)).isEqualTo(LeadJson.write(lead));
        assertThat(serde.deserializer().deserialize("leads", bytes)).isEqualTo(lead);
    }

    @Test
    void aTombstoneStaysATombstone() {
        assertThat(serde.serializer().serialize("leads", null)).isNull();
        assertThat(serde.deserializer().deserialize("leads", null)).isNull();
    }

    @Test
    void unreadableBytesAreRefusedWithoutEchoingThem() {
        byte[] notJson = "{\"UserDetails\": {\"Email\": \"ann@contoso.com\"".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> serde.deserializer().deserialize("leads", notJson))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("leads")
                .hasMessageContaining("not JSON")
                .hasMessageNotContaining("ann@contoso.com");
        byte[] notALead = "{\"UserDetails\": {\"Email\": \"ann at contoso\"}}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> serde.deserializer().deserialize("leads", notALead))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("is not a lead")
                .hasMessageContaining("/UserDetails/Email")
                .hasMessageNotContaining("ann at contoso");
    }
}
