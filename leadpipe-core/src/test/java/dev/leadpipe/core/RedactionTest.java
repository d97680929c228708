package dev.leadpipe.core;

import java.util.Arrays;
import java.util.List;

import dev.leadpipe.core.error.Redaction;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RedactionTest {
    @Test
    void removesKnownSecretsEmailAddressesAndSecretShapedValues() {
        String upstream = "AuthenticationFailed for canary-Secret-42 user ann.lee@contoso.example; "
                + "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=bm90LWEtcmVhbC1rZXk=;"
                + " url https://x/invoke?sv=1&sig=abcDEF123 Authorization: Bearer eyJ0eXAi.eyJ.sig"
                + " {\"client_secret\":\"s3cr3t\"} password=hunter2";
        String out = Redaction.redact(upstream, List.of("canary-Secret-42"));
        assertThat(out)
                .doesNotContain(
                        "canary-Secret-42",
                        "ann.lee@contoso.example",
                        "bm90LWEtcmVhbC1rZXk=",
                        "abcDEF123",
                        "eyJ0eXAi",
                        "s3cr3t",
                        "hunter2");
        assertThat(out).contains("AuthenticationFailed", "AccountName=acct");
    }

    @Test
    void cutsLongText() {
        assertThat(Redaction.redact("x".repeat(5_000), List.of()))
                .hasSize(1_003)
                .endsWith("x...");
        assertThat(Redaction.redact("x".repeat(1_001), List.of())).isEqualTo("x".repeat(1_000) + "...");
        assertThat(Redaction.redact("x".repeat(1_000), List.of()))
                .as("fits: not cut")
                .isEqualTo("x".repeat(1_000));
    }

    @Test
    void knownSecretsOfFourCharactersOrMoreAreRemovedShorterOnesAndNullsIgnored() {
        String out = Redaction.redact("pin 7f3q and abc in the reply", Arrays.asList("7f3q", "abc", null));
        assertThat(out).isEqualTo("pin " + Redaction.REDACTED + " and abc in the reply");
        assertThat(Redaction.redact(null, List.of("7f3q"))).isNull();
    }

    @Test
    void textWithoutSecretsIsKeptAsItIs() {
        String plain = "Required field missing: [Company] (REQUIRED_FIELD_MISSING)";
        assertThat(Redaction.redact(plain, List.of())).isEqualTo(plain);
    }
}
