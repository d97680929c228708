package dev.leadpipe.core.destination;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OfferTypeTest {

    @Test
    void typesThatAlwaysCollectLeadsNeedADestinationWhateverTheListing() {
        for (OfferType t : new OfferType[] {
            OfferType.DYNAMICS_365_FINANCE_AND_OPERATIONS,
            OfferType.DYNAMICS_365_BUSINESS_CENTRAL,
            OfferType.CONSULTING_SERVICE
        }) {
            assertThat(t.requiresLeadDestination(null)).as(t.wireName()).isTrue();
            assertThat(t.requiresLeadDestination("free-trial")).as(t.wireName()).isTrue();
        }
    }

    @Test
    void saasAndCustomerEngagementNeedOneOnlyWhenListedAsContactMe() {
        for (OfferType t : new OfferType[] {OfferType.SAAS, OfferType.DYNAMICS_365_CUSTOMER_ENGAGEMENT}) {
            assertThat(t.requiresLeadDestination(OfferType.CONTACT_ME))
                    .as(t.wireName())
                    .isTrue();
            assertThat(t.requiresLeadDestination(" Contact-Me "))
                    .as(t.wireName())
                    .isTrue();
            assertThat(t.requiresLeadDestination("free-trial")).as(t.wireName()).isFalse();
            assertThat(t.requiresLeadDestination(null)).as(t.wireName()).isFalse();
        }
    }

    @Test
    void otherTypesNeverNeedOne() {
        for (OfferType t : new OfferType[] {
            OfferType.AZURE_APPLICATION,
            OfferType.AZURE_VIRTUAL_MACHINE,
            OfferType.AZURE_CONTAINER,
            OfferType.IOT_EDGE_MODULE,
            OfferType.POWER_BI_APP
        }) {
            assertThat(t.requiresLeadDestination(OfferType.CONTACT_ME))
                    .as(t.wireName())
                    .isFalse();
        }
    }

    @Test
    void wireNamesAreLowerCaseHyphenatedAndReadBackInAnyCase() {
        assertThat(OfferType.CONSULTING_SERVICE.wireName()).isEqualTo("consulting-service");
        assertThat(OfferType.fromWireName(" SaaS ")).contains(OfferType.SAAS);
        assertThat(OfferType.fromWireName("dynamics-365-business-central"))
                .contains(OfferType.DYNAMICS_365_BUSINESS_CENTRAL);
        assertThat(OfferType.fromWireName("consulting_service")).isEmpty();
        assertThat(OfferType.fromWireName(null)).isEmpty();
        for (OfferType t : OfferType.values()) {
            assertThat(OfferType.fromWireName(t.wireName())).contains(t);
        }
        assertThat(OfferType.wireNames())
                .startsWith("saas, dynamics-365-customer-engagement, ")
                .endsWith(", power-bi-app")
                .contains("iot-edge-module");
    }
}
