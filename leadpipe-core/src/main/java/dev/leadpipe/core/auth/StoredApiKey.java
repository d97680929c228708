package dev.leadpipe.core.auth;

import java.time.Instant;
import java.util.List;

/**
 * One API key as the {@code leadpipe-api-keys} topic stores it, keyed by {@code keyId}: never the key itself, only the
 * SHA-256 of its secret part (lowercase hex), its roles, the publisher ids it is scoped to (empty: every publisher),
 * when it was created and a free-text description. A tombstone revokes the key.
 *
 * @param keyId       the key's public id, the middle part of {@code lpk_<keyId>_<secret>}
 * @param secretHash  hex SHA-256 of the secret part's UTF-8 bytes
 * @param roles       role names such as {@code status:read}
 * @param publishers  publisher ids the key may act for; empty for every publisher
 */
public record StoredApiKey(
        String keyId,
        String secretHash,
        List<String> roles,
        List<String> publishers,
        Instant createdAt,
        String description) {
    public StoredApiKey {
        roles = roles == null ? List.of() : List.copyOf(roles);
        publishers = publishers == null ? List.of() : List.copyOf(publishers);
    }

    /** Never shows the hash. */
    @Override
    public String toString() {
        return "StoredApiKey[" + keyId + ", roles=" + roles + ", publishers=" + publishers + "]";
    }
}
