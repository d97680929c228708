package dev.leadpipe.ops.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.leadpipe.core.auth.StoredApiKey;

/**
 * The API key format, {@code lpk_<keyId>_<secret>}: {@code keyId} 16 lowercase hex characters, {@code secret} 32
 * random bytes in unpadded base64url. Only the SHA-256 of the secret is stored (enough for a high-entropy random
 * secret; no slow hash needed), compared in constant time.
 */
public final class ApiKeys {
    /** Every API key starts with this. */
    public static final String PREFIX = "lpk_";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int SECRET_BYTES = 32;
    private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{16}");
    private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{43}");
    /** Cloned per hash: cheaper than a provider look-up on every request. */
    private static final MessageDigest SHA_256 = sha256();

    private ApiKeys() {}

    /** A key just made: the full key (shown once) and what is stored. */
    public record NewKey(String key, StoredApiKey stored) {
        @Override
        public String toString() {
            return "NewKey[" + stored.keyId() + "]";
        }
    }

    /** The two parts of a key. */
    record Parts(String keyId, String secret) {
        @Override
        public String toString() {
            return "Parts[" + keyId + "]";
        }
    }

    /** Makes a new random key with these roles and publishers (empty: every publisher). */
    public static NewKey create(
            Collection<Role> roles, Collection<String> publishers, String description, Instant createdAt) {
        byte[] id = new byte[8];
        byte[] secret = new byte[SECRET_BYTES];
        RANDOM.nextBytes(id);
        RANDOM.nextBytes(secret);
        String keyId = HexFormat.of().formatHex(id);
        String secretText = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        StoredApiKey stored = new StoredApiKey(
                keyId,
                hash(secretText),
                roles.stream().map(Role::id).toList(),
                List.copyOf(publishers),
                createdAt,
                description);
        return new NewKey(PREFIX + keyId + "_" + secretText, stored);
    }

    /** The key's id and secret, empty when it does not have the format. */
    static Optional<Parts> parse(String key) {
        if (key == null || !key.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int sep = key.indexOf('_', PREFIX.length());
        if (sep < 0) {
            return Optional.empty();
        }
        String keyId = key.substring(PREFIX.length(), sep);
        String secret = key.substring(sep + 1);
        if (!KEY_ID.matcher(keyId).matches() || !SECRET.matcher(secret).matches()) {
            return Optional.empty();
        }
        return Optional.of(new Parts(keyId, secret));
    }

    /** The key id of a well-formed key, for messages; empty otherwise. */
    public static Optional<String> keyIdOf(String key) {
        return parse(key).map(Parts::keyId);
    }

    /** Lowercase hex SHA-256 of the secret's UTF-8 bytes. */
    static String hash(String secret) {
        MessageDigest digest;
        try {
            digest = (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            digest = sha256();
        }
        return HexFormat.of().formatHex(digest.digest(secret.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** Whether {@code secret} hashes to {@code storedHash}, compared in constant time. */
    static boolean matches(String secret, String storedHash) {
        if (storedHash == null) {
            return false;
        }
        return MessageDigest.isEqual(
                hash(secret).getBytes(StandardCharsets.US_ASCII), storedHash.getBytes(StandardCharsets.US_ASCII));
    }
}
