package dev.leadpipe.core.lead;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class LeadSourceTest {
    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            nullValues = "null",
            value = {
                "AzureMarketplace-INS|contoso.widget; AzureMarketplace; INS; contoso; widget; true; true",
                "AzurePortal-PLT|contoso.widget-saas.v2; AzurePortal; PLT; contoso; widget-saas.v2; true; true",
                "AppSource-StartTestDrive|fabrikam.crm; AppSource; StartTestDrive; fabrikam; crm; true; true",
                "AppSource-DNC|fabrikam.crm; AppSource; DNC; fabrikam; crm; true; true",
                "AppSource-Create|fabrikam.crm; AppSource; Create; fabrikam; crm; true; true",
                "AzureMarketplace; AzureMarketplace; null; null; null; true; false",
                "NewStore-Teleport|contoso.widget; NewStore; Teleport; contoso; widget; false; false",
                "AzureMarketplace-INS|nodot; AzureMarketplace; INS; null; null; true; true",
                "|contoso.widget; null; null; contoso; widget; false; false",
                "-INS|contoso.widget; null; INS; contoso; widget; false; true",
                "AzurePortal-|contoso.widget; AzurePortal; null; contoso; widget; true; false",
                " AppSource - Create | fabrikam.crm ; AppSource; Create; fabrikam; crm; true; true",
                "AzureMarketplace-INS|.widget; AzureMarketplace; INS; null; null; true; true",
                "AzureMarketplace-INS|contoso.; AzureMarketplace; INS; null; null; true; true",
                "AzureMarketplace-INS|c.w; AzureMarketplace; INS; c; w; true; true",
                "AzureMarketplace-INS-x|contoso.widget; AzureMarketplace; INS-x; contoso; widget; true; false",
                "azuremarketplace-ins; azuremarketplace; ins; null; null; true; true",
                "SPZA-PLT|contoso.widget; SPZA; PLT; contoso; widget; true; true",
                "TestDrive-StartTestDrive|contoso.widget; TestDrive; StartTestDrive; contoso; widget; true; true",
            })
    void partsAreParsedAndUnknownValuesKept(
            String raw,
            String source,
            String action,
            String publisher,
            String offer,
            boolean knownSource,
            boolean knownAction) {
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

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  "})
    void anAbsentSourceHasNoParts(String raw) {
        LeadSource ls = LeadSource.parse(raw);
        assertThat(ls.raw()).isEqualTo(raw);
        assertThat(ls.source()).isNull();
        assertThat(ls.action()).isNull();
        assertThat(ls.offerId()).isNull();
        assertThat(ls.knownSource()).isFalse();
        assertThat(ls.knownAction()).isFalse();
    }
}
