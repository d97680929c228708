package dev.leadpipe.core.destination;

import java.util.Map;

import dev.leadpipe.core.lead.FieldError;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.UserDetails;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The doNotContactLeads setting: its values, its default, which leads it concerns, and every type declaring it. */
class DoNotContactLeadsTest {

    private static Lead lead(String leadSource, String actionCode) {
        return new Lead(
                "lead-1", "contoso.widget", null, false, UserDetails.EMPTY, leadSource, actionCode, null, null, null);
    }

    @ParameterizedTest(name = "{0} / {1} -> {2}")
    @CsvSource(
            delimiter = ';',
            nullValues = "-",
            value = {
                "AppSource-DNC|contoso.widget; DNC; true",
                "SPZA-dnc|contoso.widget; -; true",
                "AzureMarketplace-INS|contoso.widget; INS; false",
                "AppSource-PLT|contoso.widget; PLT; false",
                "AzurePortal-Create|contoso.widget; Create; false",
                "TestDrive-StartTestDrive|contoso.widget; StartTestDrive; false",
                "AppSource-XYZ|contoso.widget; XYZ; false",
                "-; -; false",
            })
    void onlyADncLeadIsConcernedAndOnlyRecordOnlyWithholdsIt(String leadSource, String actionCode, boolean dnc) {
        Lead lead = lead(leadSource, actionCode);
        assertThat(DoNotContactLeads.applies(lead)).isEqualTo(dnc);
        assertThat(DoNotContactLeads.RECORD_ONLY.withholds(lead)).isEqualTo(dnc);
        assertThat(DoNotContactLeads.DELIVER_MARKED.withholds(lead)).isFalse();
    }

    @Test
    void deliverMarkedIsTheDefaultAndValuesAreReadIgnoringCase() {
        assertThat(DoNotContactLeads.of(Map.of())).isEqualTo(DoNotContactLeads.DELIVER_MARKED);
        assertThat(DoNotContactLeads.of(null)).isEqualTo(DoNotContactLeads.DELIVER_MARKED);
        assertThat(DoNotContactLeads.of(Map.of("doNotContactLeads", " Record-Only ")))
                .isEqualTo(DoNotContactLeads.RECORD_ONLY);
        assertThat(DoNotContactLeads.of(Map.of("doNotContactLeads", "deliver-marked")))
                .isEqualTo(DoNotContactLeads.DELIVER_MARKED);
    }

    @ParameterizedTest
    @EnumSource(
            value = DestinationType.class,
            names = {"DYNAMICS", "SALESFORCE", "TABLE", "HTTPS"})
    void everyDeliveringTypeDeclaresTheOneSettingAndRefusesAnotherValue(DestinationType type) {
        DestinationSpec spec = DestinationSpecs.of(type);
        assertThat(spec.setting(DoNotContactLeads.SETTING)).contains(DoNotContactLeads.SETTING_SPEC);
        assertThat(spec.isSecret(DoNotContactLeads.SETTING)).isFalse();
        assertThat(DestinationValidator.validate(type, Map.of(DoNotContactLeads.SETTING, "never")))
                .extracting(FieldError::pointer, FieldError::detail)
                .contains(org.assertj.core.groups.Tuple.tuple(
                        "/settings/doNotContactLeads", "must be one of deliver-marked, record-only"));
        for (DoNotContactLeads choice : DoNotContactLeads.values()) {
            assertThat(DestinationValidator.validate(type, Map.of(DoNotContactLeads.SETTING, choice.value())))
                    .extracting(FieldError::pointer)
                    .doesNotContain("/settings/doNotContactLeads");
        }
    }
}
