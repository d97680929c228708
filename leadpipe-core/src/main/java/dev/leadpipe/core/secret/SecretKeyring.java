package dev.leadpipe.core.secret;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import dev.leadpipe.core.destination.LeadDestination;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encrypts and decrypts destination secrets with AES-256-GCM, so that a secret never reaches Kafka in clear.
 * <p>
 * An encrypted value reads {@code enc:v1:<keyId>:<base64url(12-byte nonce ‖ ciphertext ‖ 16-byte tag)>}. The
 * associated data is {@code <offerId>/<setting name>}, so a ciphertext copied to another offer or setting does not
 * decrypt. New values are encrypted with the <em>current</em> key (the first one listed); every listed key can still
 * decrypt, which is how keys rotate: list the new key first, keep the old one until every configuration has been
 * written again, then drop it.
 * <p>
 * Keys come from the environment, never from Kafka ({@link #fromEnvironment}): {@value #KEYS_ENV} (a comma-separated
 * list of {@code keyId=base64(32 bytes)}), or the file named by {@value #KEYS_FILE_ENV} (one {@code keyId=base64} per
 * line, {@code #} comments). With neither, a development keyring is used: {@value #DEV_KEYS_FILE} in the working
 * directory, created with one random key (owner-only permissions) when absent, so every service started from the
 * same folder (the local run, the tests) shares it. {@link #toString()} names key ids only.
 * <p>
 * Values that are not encrypted pass through {@link #decrypt} unchanged (configurations written before encryption).
 * Thread-safe.
 */
public final class SecretKeyring {
    private static final Logger LOG = LoggerFactory.getLogger(SecretKeyring.class);
    public static final String KEYS_ENV = "LEADPIPE_SECRET_KEYS";
    public static final String KEYS_FILE_ENV = "LEADPIPE_SECRET_KEYS_FILE";
    public static final String DEV_KEYS_FILE = ".leadpipe/secret-keys";
    public static final String PREFIX = "enc:v1:";
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, SecretKey> keys;
    private final String currentKeyId;
    private final String origin;

    private SecretKeyring(Map<String, SecretKey> keys, String origin) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a secret keyring needs at least one key (" + origin + ")");
        }
        this.keys = Map.copyOf(keys);
        this.currentKeyId = keys.keySet().iterator().next();
        this.origin = origin;
    }

    /** A keyring from {@code keyId=base64} entries; the first is the current key. */
    public static SecretKeyring of(List<String> entries, String origin) {
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        List<String> problems = new java.util.ArrayList<>();
        int n = 0;
        for (String raw : entries) {
            String entry = raw.strip();
            if (entry.isEmpty() || entry.startsWith("#")) {
                continue;
            }
            n++;
            int eq = entry.indexOf('=');
            String id = eq < 0 ? "" : entry.substring(0, eq).strip();
            if (!KEY_ID.matcher(id).matches()) {
                problems.add("entry " + n + ": the key id must be 1-64 letters, digits, '_', '-' or '.', before '='");
                continue;
            }
            byte[] key;
            try {
                key = Base64.getDecoder().decode(entry.substring(eq + 1).strip());
            } catch (IllegalArgumentException e) {
                problems.add("key " + id + ": not base64");
                continue;
            }
            if (key.length != 32) {
                problems.add("key " + id + ": must be 32 bytes (AES-256), is " + key.length);
            } else if (keys.putIfAbsent(id, new SecretKeySpec(key, "AES")) != null) {
                problems.add("key " + id + ": listed twice");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid secret keys in " + origin + ": " + String.join("; ", problems));
        }
        return new SecretKeyring(keys, origin);
    }

    /** A keyring with one new random key, for tests. */
    public static SecretKeyring random(String keyId) {
        return of(List.of(keyId + "=" + newKey()), "random");
    }

    /** A new random 32-byte key, base64. */
    public static String newKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** The process environment's keyring; see the class comment. */
    public static SecretKeyring fromEnvironment() {
        return fromEnvironment(System.getenv(), Path.of(DEV_KEYS_FILE));
    }

    /**
     * @throws IllegalArgumentException naming every problem of the configured keys (never a key's value)
     */
    public static SecretKeyring fromEnvironment(Map<String, String> env, Path devKeysFile) {
        String inline = env.get(KEYS_ENV);
        if (inline != null && !inline.isBlank()) {
            return of(List.of(inline.split(",")), KEYS_ENV);
        }
        String file = env.get(KEYS_FILE_ENV);
        if (file != null && !file.isBlank()) {
            return readFile(Path.of(file.strip()), KEYS_FILE_ENV + " (" + file.strip() + ")");
        }
        return developmentKeyring(devKeysFile);
    }

    private static SecretKeyring readFile(Path file, String origin) {
        try {
            return of(Files.readAllLines(file, StandardCharsets.UTF_8), origin);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the secret keys file " + file + ": "
                    + e.getClass().getSimpleName());
        }
    }

    private static synchronized SecretKeyring developmentKeyring(Path file) {
        if (!Files.exists(file)) {
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "secret-keys", ".tmp");
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system
                }
                Files.writeString(
                        tmp,
                        "# leadpipe development key (AES-256), created on first use; not for production\ndev1="
                                + newKey() + "\n");
                try {
                    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    LOG.warn("no {} or {} set: created a development secret key in {}", KEYS_ENV, KEYS_FILE_ENV, file);
                } catch (FileAlreadyExistsException raced) {
                    Files.deleteIfExists(tmp);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the development secret keys file " + file, e);
            }
        }
        return readFile(file, file.toString());
    }

    /** The id of the key new values are encrypted with. */
    public String currentKeyId() {
        return currentKeyId;
    }

    public static boolean isEncrypted(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    /** The key id an encrypted value names, or null when the value is not encrypted. */
    public static String keyIdOf(String value) {
        if (!isEncrypted(value)) {
            return null;
        }
        int end = value.indexOf(':', PREFIX.length());
        return end < 0 ? null : value.substring(PREFIX.length(), end);
    }

    /** Encrypts one setting's value with the current key; an already encrypted value is returned as it is. */
    public String encrypt(String offerId, String setting, String plaintext) {
        if (plaintext == null || isEncrypted(plaintext)) {
            return plaintext;
        }
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(offerId, setting));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = ByteBuffer.allocate(nonce.length + sealed.length)
                    .put(nonce)
                    .put(sealed)
                    .array();
            return PREFIX + currentKeyId + ":"
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "AES-GCM encryption failed: " + e.getClass().getSimpleName());
        }
    }

    /**
     * Decrypts one setting's value; a value that is not encrypted is returned as it is.
     *
     * @throws SecretUnreadableException when the key id is unknown here or the value was altered or moved (the
     *                                   message names the offer, the setting and the key id, never the value)
     */
    public String decrypt(String offerId, String setting, String value) {
        if (!isEncrypted(value)) {
            return value;
        }
        String keyId = keyIdOf(value);
        SecretKey key = keyId == null ? null : keys.get(keyId);
        if (key == null) {
            throw new SecretUnreadableException("the " + setting + " of offer " + offerId + " was encrypted with key '"
                    + keyId + "', which this service does not have (it has " + keys.keySet() + ")");
        }
        try {
            byte[] in = Base64.getUrlDecoder().decode(value.substring(PREFIX.length() + keyId.length() + 1));
            if (in.length < NONCE_BYTES + TAG_BITS / 8) {
                throw new IllegalArgumentException("too short");
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(aad(offerId, setting));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new SecretUnreadableException("the " + setting + " of offer " + offerId
                    + " does not decrypt with key '" + keyId + "' (altered, or copied from another offer or setting)");
        }
    }

    /** The destination with every secret setting encrypted (those its type's {@link dev.leadpipe.core.destination.DestinationSpec} declares secret). */
    public LeadDestination encryptSecrets(LeadDestination destination) {
        return destination.withSettings(transform(destination, true));
    }

    /** The destination with every encrypted setting decrypted. */
    public LeadDestination decryptSecrets(LeadDestination destination) {
        return destination.withSettings(transform(destination, false));
    }

    private Map<String, String> transform(LeadDestination d, boolean encrypt) {
        Map<String, String> out = new LinkedHashMap<>();
        d.settings()
                .forEach((name, value) -> out.put(
                        name,
                        encrypt
                                ? (d.spec().isSecret(name) ? encrypt(d.offerId(), name, value) : value)
                                : decrypt(d.offerId(), name, value)));
        return out;
    }

    private static byte[] aad(String offerId, String setting) {
        return (offerId + "/" + setting).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "SecretKeyring[current=" + currentKeyId + ", keys=" + keys.keySet() + ", from=" + origin + "]";
    }
}
