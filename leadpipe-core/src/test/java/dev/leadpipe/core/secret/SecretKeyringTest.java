package dev.leadpipe.core.secret;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretKeyringTest {
    private static final String OFFER = "contoso.widget";
    private static final String SETTING = "clientSecret";
    private static final String PLAIN = "canary-Secret-7d2e";

    private static final String KEY_A = SecretKeyring.newKey();
    private static final String KEY_B = SecretKeyring.newKey();

    private static SecretKeyring ring(String... entries) {
        return SecretKeyring.of(List.of(entries), "test");
    }

    @Test
    void aValueEncryptsWithTheCurrentKeyAndDecryptsBack() {
        SecretKeyring keys = ring("k1=" + KEY_A);
        String sealed = keys.encrypt(OFFER, SETTING, PLAIN);
        assertThat(sealed).startsWith(SecretKeyring.PREFIX + "k1:").doesNotContain(PLAIN);
        assertThat(SecretKeyring.isEncrypted(sealed)).isTrue();
        assertThat(SecretKeyring.keyIdOf(sealed)).isEqualTo("k1");
        assertThat(keys.decrypt(OFFER, SETTING, sealed)).isEqualTo(PLAIN);
        assertThat(keys.encrypt(OFFER, SETTING, PLAIN))
                .as("a fresh nonce each time")
                .isNotEqualTo(sealed);
        // the shortest value there is: an empty secret is a nonce and a tag
        assertThat(keys.decrypt(OFFER, SETTING, keys.encrypt(OFFER, SETTING, "")))
                .isEmpty();
    }

    @Test
    void afterRotationOldValuesStillDecryptAndNewValuesUseTheNewKey() {
        SecretKeyring before = ring("k1=" + KEY_A);
        String old = before.encrypt(OFFER, SETTING, PLAIN);

        SecretKeyring after = ring("k2=" + KEY_B, "k1=" + KEY_A);
        assertThat(after.currentKeyId()).isEqualTo("k2");
        assertThat(after.decrypt(OFFER, SETTING, old)).isEqualTo(PLAIN);
        String fresh = after.encrypt(OFFER, SETTING, PLAIN);
        assertThat(SecretKeyring.keyIdOf(fresh)).isEqualTo("k2");
        assertThat(after.decrypt(OFFER, SETTING, fresh)).isEqualTo(PLAIN);

        // a service still on the old keyring cannot read what the new key wrote, and says which key it lacks
        assertThatThrownBy(() -> before.decrypt(OFFER, SETTING, fresh))
                .isInstanceOf(SecretUnreadableException.class)
                .hasMessageContaining("'k2'")
                .hasMessageContaining("k1")
                .hasMessageContaining(OFFER)
                .hasMessageContaining(SETTING)
                .hasMessageNotContaining(PLAIN);
        // once the old key is dropped, the old value is unreadable
        assertThatThrownBy(() -> ring("k2=" + KEY_B).decrypt(OFFER, SETTING, old))
                .isInstanceOf(SecretUnreadableException.class)
                .hasMessageContaining("'k1'");
    }

    @Test
    void aKeyListedUnderAnotherIdDoesNotDecryptEitherKeysValues() {
        String sealed = ring("k1=" + KEY_A).encrypt(OFFER, SETTING, PLAIN);
        assertThatThrownBy(() -> ring("k1=" + KEY_B).decrypt(OFFER, SETTING, sealed))
                .isInstanceOf(SecretUnreadableException.class)
                .hasMessageContaining("does not decrypt with key 'k1'")
                .hasMessageNotContaining(PLAIN);
    }

    @Test
    void aValueMovedToAnotherOfferOrSettingIsRefused() {
        SecretKeyring keys = ring("k1=" + KEY_A);
        String sealed = keys.encrypt(OFFER, SETTING, PLAIN);
        assertThatThrownBy(() -> keys.decrypt("fabrikam.app", SETTING, sealed))
                .isInstanceOf(SecretUnreadableException.class)
                .hasMessageContaining("fabrikam.app")
                .hasMessageContaining(SETTING)
                .hasMessageContaining("'k1'")
                .hasMessageNotContaining(PLAIN)
                .hasMessageNotContaining(sealed);
        assertThatThrownBy(() -> keys.decrypt(OFFER, "password", sealed))
                .isInstanceOf(SecretUnreadableException.class)
                .hasMessageContaining("password")
                .hasMessageNotContaining(PLAIN);
    }

    @Test
    void anAlteredOrCutValueIsRefusedWithoutEchoingIt() {
        SecretKeyring keys = ring("k1=" + KEY_A);
        String sealed = keys.encrypt(OFFER, SETTING, PLAIN);
        String body = sealed.substring((SecretKeyring.PREFIX + "k1:").length());
        byte[] bytes = Base64.getUrlDecoder().decode(body);
        bytes[bytes.length - 1] ^= 1;
        String flipped = SecretKeyring.PREFIX + "k1:"
                + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        byte[] shortest = new byte[12 + 16];
        System.arraycopy(bytes, 0, shortest, 0, shortest.length);
        String nonceAndTagOnly = SecretKeyring.PREFIX + "k1:"
                + Base64.getUrlEncoder().withoutPadding().encodeToString(shortest);
        String tooShort = SecretKeyring.PREFIX + "k1:"
                + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[12 + 15]);
        for (String bad : List.of(flipped, nonceAndTagOnly, tooShort, SecretKeyring.PREFIX + "k1:not*base64")) {
            assertThatThrownBy(() -> keys.decrypt(OFFER, SETTING, bad))
                    .as(bad)
                    .isInstanceOf(SecretUnreadableException.class)
                    .hasMessageContaining("altered")
                    .hasMessageNotContaining(PLAIN)
                    .hasMessageNotContaining(bad);
        }
    }

    @Test
    void anEncryptedValueWithoutAKeyIdIsUnreadable() {
        SecretKeyring keys = ring("k1=" + KEY_A);
        assertThat(SecretKeyring.keyIdOf(SecretKeyring.PREFIX + "k1")).isNull();
        assertThatThrownBy(() -> keys.decrypt(OFFER, SETTING, SecretKeyring.PREFIX + "k1"))
                .isInstanceOf(SecretUnreadableException.class)
                .hasMessageContaining("does not have");
    }

    @Test
    void plainValuesPassThroughAndEncryptedOnesAreNotEncryptedTwice() {
        SecretKeyring keys = ring("k1=" + KEY_A);
        assertThat(keys.decrypt(OFFER, SETTING, "written-before-encryption")).isEqualTo("written-before-encryption");
        assertThat(keys.decrypt(OFFER, SETTING, null)).isNull();
        assertThat(keys.encrypt(OFFER, SETTING, null)).isNull();
        String sealed = keys.encrypt(OFFER, SETTING, PLAIN);
        assertThat(keys.encrypt(OFFER, SETTING, sealed)).isEqualTo(sealed);
        assertThat(SecretKeyring.isEncrypted(PLAIN)).isFalse();
        assertThat(SecretKeyring.isEncrypted(null)).isFalse();
        assertThat(SecretKeyring.keyIdOf(PLAIN)).isNull();
    }

    @Test
    void aDestinationsSecretSettingsAreEncryptedAndTheOthersLeftAlone() {
        SecretKeyring keys = ring("k1=" + KEY_A);
        LeadDestination clear = new LeadDestination(
                OFFER,
                DestinationType.DYNAMICS,
                Map.of("instanceUrl", "https://contoso.crm.dynamics.com", "applicationId", "app-1", SETTING, PLAIN),
                List.of("ops@contoso.com"),
                4,
                Instant.parse("2026-01-01T00:00:00Z"));
        LeadDestination sealed = keys.encryptSecrets(clear);
        assertThat(sealed.settings().get(SETTING))
                .startsWith(SecretKeyring.PREFIX)
                .doesNotContain(PLAIN);
        assertThat(sealed.settings())
                .containsEntry("instanceUrl", "https://contoso.crm.dynamics.com")
                .containsEntry("applicationId", "app-1");
        assertThat(sealed.version()).isEqualTo(4);
        assertThat(keys.decrypt(OFFER, SETTING, sealed.settings().get(SETTING))).isEqualTo(PLAIN);
        assertThat(keys.decryptSecrets(sealed)).isEqualTo(clear);
        // another offer's copy of the same settings does not decrypt
        LeadDestination copied = new LeadDestination(
                "fabrikam.app",
                sealed.type(),
                sealed.settings(),
                sealed.contactEmails(),
                sealed.version(),
                sealed.updatedAt());
        assertThatThrownBy(() -> keys.decryptSecrets(copied)).isInstanceOf(SecretUnreadableException.class);
    }

    @Test
    void entriesSkipCommentsAndBlankLinesAndTheFirstKeyIsCurrent() {
        SecretKeyring keys =
                SecretKeyring.of(List.of("# rotated 2026-01", "", "  k2 = " + KEY_B + "  ", "k1=" + KEY_A), "file");
        assertThat(keys.currentKeyId()).isEqualTo("k2");
        assertThat(keys.toString())
                .contains("current=k2", "k1", "from=file")
                .doesNotContain(KEY_A)
                .doesNotContain(KEY_B);
    }

    @Test
    void everyBadEntryIsNamedAtOnceWithoutItsValue() {
        String notBase64 = "not-base64!";
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        assertThatThrownBy(() -> SecretKeyring.of(
                        List.of(
                                "=" + KEY_A,
                                "no equals sign",
                                "bad id!=" + KEY_A,
                                "k1=" + notBase64,
                                "k2=" + shortKey,
                                "k3=" + KEY_A,
                                "k3=" + KEY_B),
                        "LEADPIPE_SECRET_KEYS"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("LEADPIPE_SECRET_KEYS")
                .hasMessageContaining("entry 1:")
                .hasMessageContaining("entry 2:")
                .hasMessageContaining("entry 3:")
                .hasMessageContaining("key k1: not base64")
                .hasMessageContaining("key k2: must be 32 bytes (AES-256), is 16")
                .hasMessageContaining("key k3: listed twice")
                .hasMessageNotContaining(KEY_A)
                .hasMessageNotContaining(KEY_B)
                .hasMessageNotContaining(notBase64);
    }

    @Test
    void aKeyringNeedsAKey() {
        assertThatThrownBy(() -> SecretKeyring.of(List.of("# nothing here", " "), "empty file"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one key")
                .hasMessageContaining("empty file");
    }

    @Test
    void aRandomKeyringHasOneFreshKey() {
        SecretKeyring a = SecretKeyring.random("t1");
        SecretKeyring b = SecretKeyring.random("t1");
        assertThat(a.currentKeyId()).isEqualTo("t1");
        assertThat(Base64.getDecoder().decode(SecretKeyring.newKey())).hasSize(32);
        assertThat(SecretKeyring.newKey()).isNotEqualTo(SecretKeyring.newKey());
        String sealed = a.encrypt(OFFER, SETTING, PLAIN);
        assertThatThrownBy(() -> b.decrypt(OFFER, SETTING, sealed)).isInstanceOf(SecretUnreadableException.class);
    }

    @Test
    void theEnvironmentsInlineKeysComeFirst(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys");
        Files.writeString(file, "f1=" + KEY_B + "\n");
        SecretKeyring keys = SecretKeyring.fromEnvironment(
                Map.of(
                        SecretKeyring.KEYS_ENV,
                        "k2=" + KEY_B + ",k1=" + KEY_A,
                        SecretKeyring.KEYS_FILE_ENV,
                        file.toString()),
                dir.resolve("dev-keys"));
        assertThat(keys.currentKeyId()).isEqualTo("k2");
        assertThat(keys.decrypt(OFFER, SETTING, ring("k1=" + KEY_A).encrypt(OFFER, SETTING, PLAIN)))
                .isEqualTo(PLAIN);
        assertThat(dir.resolve("dev-keys")).doesNotExist();
    }

    @Test
    void aKeysFileIsReadWhenNoInlineKeysAreSet(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys");
        Files.writeString(file, "# production keys\nf2=" + KEY_B + "\nf1=" + KEY_A + "\n");
        SecretKeyring keys = SecretKeyring.fromEnvironment(
                Map.of(SecretKeyring.KEYS_ENV, "  ", SecretKeyring.KEYS_FILE_ENV, " " + file + " "),
                dir.resolve("dev-keys"));
        assertThat(keys.currentKeyId()).isEqualTo("f2");
        assertThat(keys.toString()).contains(SecretKeyring.KEYS_FILE_ENV, file.toString());
        assertThat(dir.resolve("dev-keys")).doesNotExist();

        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> SecretKeyring.fromEnvironment(
                        Map.of(SecretKeyring.KEYS_FILE_ENV, missing.toString()), dir.resolve("dev-keys")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot read")
                .hasMessageContaining(missing.toString());
    }

    @Test
    void withoutKeysADevelopmentKeyIsCreatedOnceOwnerOnlyAndShared(@TempDir Path dir) throws Exception {
        Path devFile = dir.resolve(".leadpipe/secret-keys");
        SecretKeyring first = SecretKeyring.fromEnvironment(Map.of(SecretKeyring.KEYS_FILE_ENV, ""), devFile);
        assertThat(devFile).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(devFile)))
                .isEqualTo("rw-------");
        assertThat(first.currentKeyId()).isEqualTo("dev1");
        String sealed = first.encrypt(OFFER, SETTING, PLAIN);

        SecretKeyring second = SecretKeyring.fromEnvironment(Map.of(), devFile);
        assertThat(second.decrypt(OFFER, SETTING, sealed))
                .as("a second service shares the key")
                .isEqualTo(PLAIN);
        try (var left = Files.list(devFile.getParent())) {
            assertThat(left).as("no temporary file left behind").containsExactly(devFile);
        }
    }
}
