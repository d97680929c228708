package dev.leadpipe.core.lead;

import java.util.Map;

import dev.leadpipe.core.json.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EduPrivacyTest {
    private static Lead read(String s) throws Exception {
        return LeadJson.read(Json.MAPPER.readTree(s)).lead();
    }

    @Test
    void aEduLeadKeepsNoPersonalDataButStaysRecognisablyEdu() throws Exception {
        Lead lead = read("""
                {"leadId":"l1","offerId":"contoso.widget","UserDetails":{"FirstName":"Alice","LastName":"Liddell",
                 "Email":"Alice.Liddell@CS.MIT.EDU.","Phone":"555-0100","Company":"MIT","Title":"Student","Hobby":"chess"},
                 "Description":"call Alice on 555-0100","LeadSource":"AzureMarketplace-INS|contoso.widget","ActionCode":"INS","Extra":"x"}""");
        Lead withheld = EduPrivacy.withhold(lead);
        String written = LeadJson.write(withheld).toString();
        assertThat(written)
                .doesNotContainIgnoringCase("alice")
                .doesNotContain("Liddell")
                .doesNotContain("555-0100")
                .doesNotContain("Student")
                .doesNotContain("chess")
                .doesNotContain("Extra");
        assertThat(withheld.userDetails().isEdu()).isTrue();
        assertThat(withheld.userDetails().email()).isEqualTo(EduPrivacy.WITHHELD_LOCAL_PART + "@cs.mit.edu.");
        assertThat(withheld.leadId()).isEqualTo("l1");
        assertThat(withheld.offerId()).isEqualTo("contoso.widget");
        assertThat(withheld.actionCode()).isEqualTo("INS");
    }

    @Test
    void theNameAndAddressFormKeepsOnlyTheDomain() throws Exception {
        Lead lead = new Lead(
                "l2",
                "contoso.widget",
                null,
                false,
                new UserDetails("Alice", null, "Alice Liddell <alice@Oxford.EDU>", null, null, null, null, Map.of()),
                null,
                null,
                null,
                null,
                Map.of());
        assertThat(EduPrivacy.withhold(lead).userDetails().email()).isEqualTo("withheld@oxford.edu");
    }

    @Test
    void otherLeadsAreUntouched() throws Exception {
        Lead lead = read("{\"UserDetails\":{\"FirstName\":\"Ann\",\"Email\":\"ann@edu.com\"}}");
        assertThat(EduPrivacy.withhold(lead)).isSameAs(lead);
        assertThat(lead.userDetails().isEdu()).isFalse();
        assertThat(lead.userDetails().toString()).doesNotContain("Ann").doesNotContain("ann@edu.com");
        assertThat(lead.toString()).doesNotContain("Ann").doesNotContain("ann@edu.com");
    }
}
