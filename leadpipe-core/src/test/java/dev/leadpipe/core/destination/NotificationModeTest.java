package dev.leadpipe.core.destination;

import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.leadpipe.core.json.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NotificationModeTest {

    @Test
    void wireNamesAreLowerCaseHyphenatedAndReadBackInAnyCase() {
        assertThat(NotificationMode.PER_LEAD.wireName()).isEqualTo("per-lead");
        assertThat(NotificationMode.DAILY_DIGEST.wireName()).isEqualTo("daily-digest");
        assertThat(NotificationMode.fromWireName(" Daily-Digest ")).contains(NotificationMode.DAILY_DIGEST);
        assertThat(NotificationMode.fromWireName("per-lead")).contains(NotificationMode.PER_LEAD);
        assertThat(NotificationMode.fromWireName("daily_digest")).isEmpty();
        assertThat(NotificationMode.fromWireName(null)).isEmpty();
    }

    @Test
    void inJsonAModeIsItsWireNameAndAnUnknownOneIsRefused() throws Exception {
        assertThat(Json.MAPPER.writeValueAsString(NotificationMode.DAILY_DIGEST))
                .isEqualTo("\"daily-digest\"");
        assertThat(Json.MAPPER.readValue("\"daily-digest\"", NotificationMode.class))
                .isEqualTo(NotificationMode.DAILY_DIGEST);
        assertThat(Json.MAPPER.readValue("\"PER-LEAD\"", NotificationMode.class))
                .isEqualTo(NotificationMode.PER_LEAD);
        assertThatThrownBy(() -> Json.MAPPER.readValue("\"weekly\"", NotificationMode.class))
                .isInstanceOf(ValueInstantiationException.class)
                .hasMessageContaining("unknown notification mode");
    }
}
