package dev.leadpipe.core.lead;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.json.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

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
        assertThat(LeadJson.readForIngest(json("{\"LeadSource\": \"AzureMarketplace\", \"ActionCode\": [1]}"))
                        .errors())
                .extracting(FieldError::pointer)
                .containsExactlyInAnyOrder("/offerId", "/ActionCode");
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
        assertThat(r.errors())
                .extracting(FieldError::pointer)
                .containsExactlyInAnyOrder(
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
        Lead lead = LeadJson.read(
                        json("{\"offerId\": \"fabrikam.app\", \"LeadSource\": \"AzurePortal-PLT|contoso.widget\"}"))
                .lead();
        assertThat(lead.offerId()).isEqualTo("fabrikam.app");
    }

    @Test
    void aNonObjectIsNotALead() throws Exception {
        assertThat(LeadJson.read(json("[1,2]")).errors())
                .extracting(FieldError::pointer)
                .containsExactly("");
        assertThat(LeadJson.read(null).ok()).isFalse();
        assertThat(LeadJson.read(json("{\"UserDetails\": \"Ann\"}")).errors())
                .extracting(FieldError::pointer)
                .containsExactly("/UserDetails");
    }

    @Test
    void everyFieldSurvivesWritingAndReadingBack() throws Exception {
        LeadJson.Result r = LeadJson.read(json("""
                {"leadId": "lead-1", "offerId": "contoso.widget", "receivedAt": "2026-03-01T10:15:30Z", "test": false,
                 "UserDetails": {"FirstName": "Ann", "LastName": "Lee", "Email": "ann@contoso.com", "Phone": "555-0100",
                   "Country": "NZ", "Company": "Contoso", "Title": "CTO"},
                 "LeadSource": "AzureMarketplace-INS|contoso.widget", "ActionCode": "INS", "OfferTitle": "Widget",
                 "Description": "Call after 3pm"}"""));
        assertThat(r.ok()).isTrue();
        Lead lead = r.lead();
        assertThat(lead.receivedAt()).isEqualTo(java.time.Instant.parse("2026-03-01T10:15:30Z"));
        assertThat(lead.parsedLeadSource().offerId()).isEqualTo("contoso.widget");
        JsonNode written = LeadJson.write(lead);
        for (String pointer : new String[] {
            "/leadId",
            "/offerId",
            "/receivedAt",
            "/LeadSource",
            "/ActionCode",
            "/OfferTitle",
            "/Description",
            "/UserDetails/FirstName",
            "/UserDetails/LastName",
            "/UserDetails/Email",
            "/UserDetails/Phone",
            "/UserDetails/Country",
            "/UserDetails/Company",
            "/UserDetails/Title"
        }) {
            assertThat(written.at(pointer).isTextual()).as(pointer).isTrue();
        }
        assertThat(LeadJson.read(written).lead()).isEqualTo(lead);
        assertThat(LeadJson.read(LeadJson.write(lead.withLeadId(null))).lead().leadId())
                .isNull();
    }

    @Test
    void theMarketplaceShapeDropsThePipelinesFields() throws Exception {
        Lead lead = LeadJson.read(json("""
                {"leadId": "lead-1", "offerId": "contoso.widget", "receivedAt": "2026-03-01T10:15:30Z",
                 "UserDetails": {"Email": "ann@contoso.com"}, "LeadSource": "AppSource-INS|contoso.widget", "Extra": 1}""")).lead();
        JsonNode shape = LeadJson.writeMarketplaceShape(lead);
        assertThat(shape.has("leadId") || shape.has("offerId") || shape.has("receivedAt") || shape.has("test"))
                .isFalse();
        assertThat(shape.at("/UserDetails/Email").asText()).isEqualTo("ann@contoso.com");
        assertThat(shape.at("/LeadSource").asText()).isEqualTo("AppSource-INS|contoso.widget");
        assertThat(shape.at("/Extra").asInt()).isEqualTo(1);
    }

    @Test
    void aReceiveTimeMustBeAnInstant() throws Exception {
        assertThat(LeadJson.read(json("{\"receivedAt\": \"yesterday\"}")).errors())
                .extracting(FieldError::pointer)
                .containsExactly("/receivedAt");
        assertThat(LeadJson.read(json("{\"receivedAt\": null}")).lead().receivedAt())
                .isNull();
    }

    @Test
    void fieldsMayBeAsLongAsTheirLimitAndNoLonger() throws Exception {
        String atLimit = "a".repeat(1024);
        String descriptionAtLimit = "d".repeat(8192);
        LeadJson.Result ok = LeadJson.read(json("{\"OfferTitle\": \"" + atLimit + "\", \"Description\": \""
                + descriptionAtLimit + "\", \"UserDetails\": {\"Company\": \"" + atLimit + "\"}}"));
        assertThat(ok.errors()).isEmpty();
        assertThat(ok.lead().offerTitle()).isEqualTo(atLimit);
        assertThat(ok.lead().description()).isEqualTo(descriptionAtLimit);
        LeadJson.Result tooLong = LeadJson.read(json("{\"OfferTitle\": \"" + atLimit + "a\", \"Description\": \""
                + descriptionAtLimit + "d\", \"UserDetails\": {\"Company\": \"" + atLimit + "a\"}}"));
        assertThat(tooLong.errors())
                .extracting(FieldError::pointer)
                .containsExactlyInAnyOrder("/OfferTitle", "/Description", "/UserDetails/Company");
        assertThat(tooLong.errors())
                .extracting(FieldError::detail)
                .contains("is longer than 1024 characters", "is longer than 8192 characters");
    }

    @Test
    void aNumberIsReadAsTextAndAnAbsentFieldStaysAbsent() throws Exception {
        Lead lead = LeadJson.read(json("{\"UserDetails\": {\"Phone\": 5550100, \"Email\": \"  \"}}"))
                .lead();
        assertThat(lead.userDetails().phone()).isEqualTo("5550100");
        assertThat(lead.userDetails().firstName()).isNull();
        assertThat(lead.actionCode()).isNull();
        assertThat(lead.userDetails().email())
                .as("a blank e-mail is not checked")
                .isBlank();
    }

    @Test
    void anyMarketplaceFieldStartingWithTheTestPrefixMarksATestLead() throws Exception {
        for (String field : new String[] {"LeadSource", "ActionCode", "OfferTitle", "Description"}) {
            assertThat(LeadJson.read(json("{\"" + field + "\": \"MSFT_TEST_1\"}"))
                            .lead()
                            .test())
                    .as(field)
                    .isTrue();
        }
        for (String field : new String[] {"FirstName", "LastName", "Email", "Company", "Title"}) {
            String value = field.equals("Email") ? "MSFT_TEST_1@test.com" : "MSFT_TEST_1";
            assertThat(LeadJson.read(json("{\"UserDetails\": {\"" + field + "\": \"" + value + "\"}}"))
                            .lead()
                            .test())
                    .as(field)
                    .isTrue();
        }
        assertThat(LeadJson.read(json(
                                "{\"UserDetails\": {\"Phone\": \"MSFT_TEST_1\"}, \"OfferTitle\": \"A MSFT_TEST_\"}"))
                        .lead()
                        .test())
                .as("the phone, or the prefix elsewhere than at the start")
                .isFalse();
    }

    @Test
    void ingestTakesTheOfferFromTheLeadSourceOrReportsItOnce() throws Exception {
        assertThat(LeadJson.readForIngest(json("{\"LeadSource\": \"AppSource-INS|contoso.widget\"}"))
                        .lead()
                        .offerId())
                .isEqualTo("contoso.widget");
        assertThat(LeadJson.readForIngest(json("{\"LeadSource\": \"AppSource-INS|con toso.widget\"}"))
                        .errors())
                .extracting(FieldError::pointer)
                .containsExactly("/offerId");
        assertThat(LeadJson.readForIngest(json("{\"leadId\": \"$$$\", \"UserDetails\": {\"Email\": \"ann\"}}"))
                        .errors())
                .extracting(FieldError::pointer)
                .as("a missing offer is reported with the other problems")
                .containsExactlyInAnyOrder("/leadId", "/UserDetails/Email", "/offerId");
        assertThat(LeadJson.readForIngest(json("{\"offerId\": \"no-dot\"}")).errors())
                .extracting(FieldError::pointer)
                .containsExactly("/offerId");
        assertThat(LeadJson.readForIngest(json("{\"offerId\": [\"contoso.widget\"]}"))
                        .errors())
                .extracting(FieldError::detail)
                .as("an unreadable offerId is reported once, not also as missing")
                .containsExactly("must be a string");
        assertThat(LeadJson.read(json("{\"LeadSource\": \"AppSource-INS|con toso.widget\"}"))
                        .lead()
                        .offerId())
                .isNull();
    }

    @Test
    void aLeadsTextNamesNoPersonalData() throws Exception {
        Lead lead = LeadJson.read(
                        json(
                                "{\"leadId\": \"lead-1\", \"UserDetails\": {\"FirstName\": \"Ann\", \"Email\": \"ann@contoso.com\"}}"))
                .lead();
        assertThat(lead.toString()).contains("lead-1").doesNotContain("Ann").doesNotContain("ann@contoso.com");
        assertThat(lead.userDetails().toString()).contains("withheld").doesNotContain("Ann");
    }
}
