package dev.leadpipe.core.lead;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LeadSourceTest {
    @ParameterizedTest
    @CsvSource(delimiter = ';', nullValues = "null", value = {
            "AzureMarketplace-INS|contoso.widget; AzureMarketplace; INS; contoso; widget; true; true",
            "AzurePortal-PLT|contoso.widget-saas.v2; AzurePortal; PLT; contoso; widget-saas.v2; true; true",
            "AppSource-StartTestDrive|fabrikam.crm; AppSource; StartTestDrive; fabrikam; crm; true; true",
            "AppSource-DNC|fabrikam.crm; AppSource; DNC; fabrikam; crm; true; true",
            "AppSource-Create|fabrikam.crm; AppSource; Create; fabrikam; crm; true; true",
            "AzureMarketplace; AzureMarketplace; null; null; null; true; false",
            "NewStore-Teleport|contoso.widget; NewStore; Teleport; contoso; widget; false; false",
            "AzureMarketplace-INS|nodot; AzureMarketplace; INS; null; null; true; true",
    })
    void partsAreParsedAndUnknownValuesKept(String raw, String source, String action, String publisher, String offer,
                                           boolean knownSource, boolean knownAction) {
        LeadSource ls = LeadSource.parse(raw);
        assertThat(ls.raw()).isEqualTo(raw);
        assertThat(ls.source()).isEqualTo(source);
        assertThat(ls.action()).isEqualTo(action);
        assertThat(ls.publisherId()).isEqualTo(publisher);
        assertThat(ls.offerName()).isEqualTo(offer);
        assertThat(ls.knownSource()).isEqualTo(knownSource);
        assertThat(ls.knownAction()).isEqualTo(knownAction);
        assertThat(ls.offerId()).isEqualTo(publisher == null ? null : publisher + "." + offer);
    }
}
