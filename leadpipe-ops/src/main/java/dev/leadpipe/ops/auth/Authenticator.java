package dev.leadpipe.ops.auth;

import java.util.Optional;

/**
 * Turns a bearer credential into a {@link Principal}, or refuses it. Implementations never log or put the credential
 * in an exception; they may log a key id or a token's subject.
 */
@FunctionalInterface
public interface Authenticator {
    /** The principal of {@code credential} (the text after {@code Bearer }), empty when it is not valid. */
    Optional<Principal> authenticate(String credential);

    /** This one for API keys ({@code lpk_…}), {@code tokens} for anything else (a JWT), when given. */
    static Authenticator of(Authenticator apiKeys, Authenticator tokens) {
        return credential -> credential.startsWith(ApiKeys.PREFIX) || tokens == null
                ? apiKeys.authenticate(credential)
                : tokens.authenticate(credential);
    }
}
