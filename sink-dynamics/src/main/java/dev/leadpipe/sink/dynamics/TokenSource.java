package dev.leadpipe.sink.dynamics;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import com.microsoft.aad.msal4j.AbstractClientApplicationBase;
import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.IHttpClient;
import com.microsoft.aad.msal4j.PublicClientApplication;
import com.microsoft.aad.msal4j.UserNamePasswordParameters;

/**
 * One msal4j application (one authority, client id and credential) and the token it last gave. {@link #token}
 * serialises sign-ins, so concurrent deliveries of one destination share one token request, and a token that
 * Dataverse rejected is refreshed once however many deliveries saw the rejection.
 */
final class TokenSource {
    /** Token kept this long before its expiry at most (the password route's own cache). */
    private static final Duration EARLY_REFRESH = Duration.ofMinutes(5);

    @FunctionalInterface
    interface Factory {
        TokenSource create() throws Exception;
    }

    /** Asks msal4j for a token, past its own cache when {@code skipCache}. */
    @FunctionalInterface
    private interface Acquire {
        CompletableFuture<IAuthenticationResult> acquire(boolean skipCache) throws Exception;
    }

    private final Acquire acquire;
    private final Duration timeout;
    private final boolean msalCache;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile IAuthenticationResult last;

    private TokenSource(Acquire acquire, Duration timeout, boolean msalCache) {
        this.acquire = acquire;
        this.timeout = timeout;
        this.msalCache = msalCache;
    }

    /** The builder signing in at {@code authority} (no instance discovery) through {@code http}. */
    private static <B extends AbstractClientApplicationBase.Builder<B>> B signingInAt(
            B builder, String authority, IHttpClient http) throws Exception {
        return builder.authority(authority).instanceDiscovery(false).httpClient(http);
    }

    static TokenSource clientCredentials(
            String authority, String clientId, String secret, String scope, IHttpClient http, Duration timeout)
            throws Exception {
        ConfidentialClientApplication app = signingInAt(
                        ConfidentialClientApplication.builder(
                                clientId, ClientCredentialFactory.createFromSecret(secret)),
                        authority,
                        http)
                .build();
        Set<String> scopes = Set.of(scope);
        return new TokenSource(
                skip -> app.acquireToken(ClientCredentialParameters.builder(scopes)
                        .skipCache(skip)
                        .build()),
                timeout,
                true);
    }

    static TokenSource password(
            String authority,
            String clientId,
            String user,
            String password,
            String scope,
            IHttpClient http,
            Duration timeout)
            throws Exception {
        PublicClientApplication app = signingInAt(PublicClientApplication.builder(clientId), authority, http)
                .build();
        Set<String> scopes = Set.of(scope);
        return new TokenSource(
                skip -> app.acquireToken(UserNamePasswordParameters.builder(scopes, user, password.toCharArray())
                        .build()),
                timeout,
                false);
    }

    /**
     * An access token. {@code rejected}: the token Dataverse just answered 401 to (refresh, unless another
     * delivery already did), or null.
     */
    String token(String rejected) throws Exception {
        IAuthenticationResult current = last;
        if (rejected == null && !msalCache && fresh(current)) {
            return current.accessToken();
        }
        lock.lockInterruptibly();
        try {
            current = last;
            if (rejected != null && current != null && !rejected.equals(current.accessToken()) && fresh(current)) {
                return current.accessToken(); // someone refreshed meanwhile
            }
            if (rejected == null && !msalCache && fresh(current)) {
                return current.accessToken();
            }
            IAuthenticationResult result =
                    acquire.acquire(rejected != null).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            last = result;
            return result.accessToken();
        } finally {
            lock.unlock();
        }
    }

    private static boolean fresh(IAuthenticationResult r) {
        return r != null
                && r.expiresOnDate() != null
                && r.expiresOnDate().toInstant().isAfter(Instant.now().plus(EARLY_REFRESH));
    }
}
