package dev.leadpipe.ops.auth;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ApiKeysTest {
    @Test
    void aNewKeyHasTheFormatAndOnlyItsSecretsHashIsStored() {
        ApiKeys.NewKey key = ApiKeys.create(EnumSet.of(Role.STATUS_READ), List.of("contoso"), "d", Instant.EPOCH);
        assertThat(key.key()).matches("lpk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}");
        ApiKeys.Parts parts = ApiKeys.parse(key.key()).orElseThrow();
        assertThat(parts.keyId()).isEqualTo(key.stored().keyId());
        assertThat(key.stored().secretHash()).hasSize(64).isNotEqualTo(parts.secret());
        assertThat(key.stored().toString() + key + parts)
                .doesNotContain(parts.secret(), key.stored().secretHash());
        assertThat(ApiKeys.matches(parts.secret(), key.stored().secretHash())).isTrue();
        assertThat(ApiKeys.matches(parts.secret() + "x", key.stored().secretHash()))
                .isFalse();
        assertThat(key.stored().roles()).containsExactly("status:read");
    }

    @Test
    void malformedKeysAreNotParsed() {
        assertThat(ApiKeys.parse("lpk_short_abc")).isEmpty();
        assertThat(ApiKeys.parse("Bearer something")).isEmpty();
        assertThat(ApiKeys.parse("lpk_0123456789abcdef")).isEmpty();
        assertThat(ApiKeys.parse(null)).isEmpty();
    }

    @Test
    void aPrincipalActsForItsPublishersOffersAndAnOperatorForAll() {
        Principal contoso = new Principal("k", Set.of(Role.STATUS_READ), Set.of("contoso"));
        assertThat(contoso.mayActForOffer("contoso.crm")).isTrue();
        assertThat(contoso.mayActForOffer("fabrikam.crm")).isFalse();
        assertThat(contoso.mayActForOffer("contosox.crm")).isFalse();
        assertThat(contoso.mayActForOffer("nodot")).isFalse();
        assertThat(contoso.has(Role.DESTINATIONS_ADMIN)).isFalse();
        Principal operator = new Principal("o", Set.of(Role.OPERATOR), Set.of("contoso"));
        assertThat(operator.mayActForOffer("fabrikam.crm")).isTrue();
        assertThat(operator.has(Role.METRICS_READ)).isTrue();
    }
}
