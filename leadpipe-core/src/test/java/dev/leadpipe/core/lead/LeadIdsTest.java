package dev.leadpipe.core.lead;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.leadpipe.core.json.Json;

class LeadIdsTest {
    private static Lead read(String s) throws Exception {
        return LeadJson.read(Json.MAPPER.readTree(s)).lead();
    }

    @Test
    void theSameLeadGetsTheSameIdWhateverTheKeyCaseOrOrderOrReceiveTime() throws Exception {
        Lead a = read("{\"LeadSource\":\"AzureMarketplace-INS|contoso.widget\",\"UserDetails\":{\"Email\":\"x@y.com\",\"FirstName\":\"X\"}}");
        Lead b = read("{\"userdetails\":{\"firstname\":\"X\",\"email\":\"x@y.com\"},\"leadsource\":\"AzureMarketplace-INS|contoso.widget\"}")
                .withReceivedAt(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(LeadIds.deterministicId(a)).isEqualTo(LeadIds.deterministicId(b))
                .matches("[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    }

    @Test
    void aDifferentLeadGetsADifferentId() throws Exception {
        Lead a = read("{\"LeadSource\":\"AzureMarketplace-INS|contoso.widget\",\"UserDetails\":{\"Email\":\"x@y.com\"}}");
        Lead b = read("{\"LeadSource\":\"AzureMarketplace-INS|contoso.widget\",\"UserDetails\":{\"Email\":\"z@y.com\"}}");
        assertThat(LeadIds.deterministicId(a)).isNotEqualTo(LeadIds.deterministicId(b));
    }
}
