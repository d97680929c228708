package dev.leadpipe.core.lead;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.leadpipe.core.json.Json;

class LeadJsonTest {
    private static JsonNode json(String s) throws Exception {
        return Json.MAPPER.readTree(s);
    }

    @Test
    void readsTheSeedsTestLeadAndMarksItAsTest() throws Exception {
        LeadJson.Result r = LeadJson.read(json("""
                {"UserDetails": {"FirstName": "MSFT_TEST_636573304831318844", "LastName": "MSFT_TEST_636573304831318844",
                  "Email": "MSFT_TEST_636573304831318844@test.com", "Phone": "1234567890", "Country": "US",
                  "Company": "MSFT_TEST_636573304831318844", "Title": "MSFT_TEST_636573304831318844"},
                 "LeadSource": "AzureMarketplace", "ActionCode": "INS", "OfferTitle": "Contoso Test",
                 "Description": "MSFT_TEST_636573304831318844"}"""));
        assertThat(r.errors()).isEmpty();
        Lead lead = r.lead();
        assertThat(lead.test()).isTrue();
        assertThat(lead.userDetails().phone()).isEqualTo("1234567890");
        assertThat(lead.offerId()).isNull();
        assertThat(LeadJson.readForIngest(json("{\"LeadSource\": \"AzureMarketplace\", \"ActionCode\": [1]}")).errors())
                .extracting(FieldError::pointer).containsExactlyInAnyOrder("/offerId", "/ActionCode");
    }

    @Test
    void readsKeysInAnyCaseKeepsUnknownFieldsAndWritesCanonicalCasing() throws Exception {
        LeadJson.Result r = LeadJson.read(json("""
                {"userdetails": {"EMAIL": "ann@contoso.com", "firstname": "Ann", "Nickname": "A"},
                 "leadsource": "AppSource-Create|contoso.widget", "campaign": {"id": 7}}"""));
        assertThat(r.errors()).isEmpty();
        Lead lead = r.lead();
        assertThat(lead.userDetails().email()).isEqualTo("ann@contoso.com");
        assertThat(lead.offerId()).isEqualTo("contoso.widget");
        assertThat(lead.test()).isFalse();
        JsonNode written = LeadJson.write(lead);
        assertThat(written.at("/UserDetails/Email").asText()).isEqualTo("ann@contoso.com");
        assertThat(written.at("/UserDetails/Nickname").asText()).isEqualTo("A");
        assertThat(written.at("/campaign/id").asInt()).isEqualTo(7);
        assertThat(written.at("/LeadSource").asText()).isEqualTo("AppSource-Create|contoso.widget");
        // and the written form reads back to the same lead
        assertThat(LeadJson.read(written).lead()).isEqualTo(lead);
    }

    @Test
    void reportsEveryBadFieldAtOnce() throws Exception {
        LeadJson.Result r = LeadJson.read(json("""
                {"offerId": "bad id", "ActionCode": {"x": 1}, "UserDetails": {"Email": "not-an-email", "Phone": [1]},
                 "leadId": "$$$"}"""));
        assertThat(r.ok()).isFalse();
        assertThat(r.errors()).extracting(FieldError::pointer).containsExactlyInAnyOrder(
                "/offerId", "/ActionCode", "/UserDetails/Email", "/UserDetails/Phone", "/leadId");
        assertThat(r.errors()).extracting(FieldError::detail).noneMatch(d -> d.contains("not-an-email"));
    }

    @Test
    void rejectsTheSameKeyTwiceInDifferentCase() throws Exception {
        LeadJson.Result r = LeadJson.read(json("{\"ActionCode\": \"INS\", \"actioncode\": \"PLT\"}"));
        assertThat(r.errors()).extracting(FieldError::pointer).containsExactly("/ActionCode");
    }

    @Test
    void explicitOfferIdWinsOverLeadSource() throws Exception {
        Lead lead = LeadJson.read(json("{\"offerId\": \"fabrikam.app\", \"LeadSource\": \"AzurePortal-PLT|contoso.widget\"}")).lead();
        assertThat(lead.offerId()).isEqualTo("fabrikam.app");
    }

    @Test
    void aNonObjectIsNotALead() throws Exception {
        assertThat(LeadJson.read(json("[1,2]")).errors()).extracting(FieldError::pointer).containsExactly("");
    }
}
