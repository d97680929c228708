package dev.leadpipe.core.lead;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class MarketplaceActionTest {
    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {
                "INS; Get it now; false",
                "PLT; Contact me; false",
                "DNC; Do not contact; true",
                "Create; Purchase; false",
                "StartTestDrive; Test drive; false",
                " dnc ; Do not contact; true",
            })
    void eachMarketplaceCodeHasItsMeaning(String code, String label, boolean doNotContact) {
        MarketplaceAction action = MarketplaceAction.fromCode(code).orElseThrow();
        assertThat(action.label()).isEqualTo(label);
        assertThat(action.doNotContact()).isEqualTo(doNotContact);
        assertThat(MarketplaceAction.labelOf(code)).isEqualTo(label);
    }

    @Test
    void pltIsContactMeNotAFreeTrialAndDncNeverAsksForContact() {
        assertThat(MarketplaceAction.PLT.words())
                .contains("asked to be contacted")
                .doesNotContain("free trial");
        assertThat(MarketplaceAction.DNC.words()).contains("did not ask to be contacted");
    }

    @Test
    void unknownCodesAreShownAsTheyCame() {
        assertThat(MarketplaceAction.fromCode("Teleport")).isEmpty();
        assertThat(MarketplaceAction.labelOf("Teleport")).isEqualTo("Teleport");
        assertThat(MarketplaceAction.labelOf(null)).isEqualTo("unknown action");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {
                "AzureMarketplace; Azure Marketplace",
                "AzurePortal; Azure portal",
                "AppSource; AppSource",
                "SPZA; AppSource",
                "TestDrive; Test drive",
                "NewStore; NewStore",
            })
    void sourcesAreNamedForThePublisher(String code, String label) {
        assertThat(MarketplaceSource.labelOf(code)).isEqualTo(label);
    }
}
