package dev.leadpipe.sink.salesforce;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadpipe.core.destination.types.SalesforceSpec;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.sink.runtime.DeliveryException;
import dev.leadpipe.sink.runtime.HttpSupport;
import dev.leadpipe.sink.salesforce.SalesforceErrorClassifier.Stage;

/**
 * The REST route's sign-in at {@code <loginUrl>/services/oauth2/token}: client credentials ({@code clientSecret}) or
 * the JWT bearer flow ({@code userName} + {@code privateKey}: an RS256 assertion). One {@link TokenHolder} per (login
 * URL, client id, SHA-256 of the credential), shared by every delivery of that destination until {@link #clear()}.
 */
final class SalesforceSignIn {
    private static final Duration JWT_LIFETIME = Duration.ofMinutes(3);
    private static final int MAX_CACHED_TOKENS = 10_000;

    /** An access token and the instance it is for. */
    record Token(String accessToken, String instanceUrl) {}

    @FunctionalInterface
    private interface SignIn {
        Token signIn() throws DeliveryException;
    }

    /** The last token of one (login URL, client id, credential); sign-ins serialised, a rejected token refreshed once. */
    static final class TokenHolder {
        private final ReentrantLock lock = new ReentrantLock();
        private final SignIn signIn;
        private volatile Token last;

        private TokenHolder(SignIn signIn) {
            this.signIn = signIn;
        }

        /** The current token, or a fresh one when there is none or the current one is {@code rejected}. */
        Token token(Token rejected) throws DeliveryException {
            Token t = last;
            if (t != null && t != rejected) {
                return t;
            }
            lock.lock();
            try {
                t = last;
                if (t != null && t != rejected) {
                    return t;
                }
                t = signIn.signIn();
                last = t;
                return t;
            } finally {
                lock.unlock();
            }
        }
    }

    private final SalesforceExchange exchange;
    private final Duration timeout;
    private final ConcurrentMap<String, TokenHolder> tokens = new ConcurrentHashMap<>();

    SalesforceSignIn(SalesforceExchange exchange, Duration timeout) {
        this.exchange = exchange;
        this.timeout = timeout;
    }

    /**
     * The shared tokens of the destination's client and credential at {@code loginUrl}: client credentials when a
     * {@code clientSecret} is set, else the JWT bearer flow; neither configured is SALESFORCE_AUTH_FAILED.
     */
    TokenHolder tokens(String loginUrl, Map<String, String> s, Set<String> secrets) throws DeliveryException {
        String clientId = s.get(SalesforceSpec.CLIENT_ID).trim();
        String secret = s.get(SalesforceSpec.CLIENT_SECRET);
        String user = HttpSupport.blankToNull(s.get(SalesforceSpec.USER_NAME));
        String pem = HttpSupport.blankToNull(s.get(SalesforceSpec.PRIVATE_KEY));
        String key;
        SignIn signIn;
        if (secret != null && !secret.isEmpty()) {
            key = loginUrl + "|" + clientId + "|cc|" + HttpSupport.sha256Hex(secret);
            signIn = () -> signIn(
                    loginUrl,
                    Map.of("grant_type", "client_credentials", "client_id", clientId, "client_secret", secret),
                    secrets);
        } else if (user != null && pem != null) {
            key = loginUrl + "|" + clientId + "|jwt|" + HttpSupport.sha256Hex(user + "\u0000" + pem);
            signIn = () -> {
                String assertion = assertion(clientId, user, loginUrl, pem);
                return signIn(
                        loginUrl,
                        Map.of("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion", assertion),
                        SalesforceExchange.with(secrets, assertion));
            };
        } else {
            throw new DeliveryException(SalesforceErrorClassifier.local(
                    ErrorClass.SALESFORCE_AUTH_FAILED,
                    "no credentials configured for client " + clientId
                            + ": clientSecret (client credentials), or userName + privateKey (JWT bearer)"));
        }
        if (tokens.size() > MAX_CACHED_TOKENS) {
            tokens.clear();
        }
        return tokens.computeIfAbsent(key, k -> new TokenHolder(signIn));
    }

    /** Forgets every token. */
    void clear() {
        tokens.clear();
    }

    private Token signIn(String loginUrl, Map<String, String> form, Set<String> secrets) throws DeliveryException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(loginUrl + "/services/oauth2/token"))
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(BodyPublishers.ofString(SalesforceExchange.formBody(form)))
                .build();
        HttpResponse<String> response = exchange.send(request, Stage.SIGN_IN, secrets);
        JsonNode answer = response.statusCode() == 200 ? SalesforceExchange.readJson(response.body()) : null;
        String accessToken = answer == null ? null : answer.path("access_token").asText(null);
        String instance = answer == null ? null : answer.path("instance_url").asText(null);
        if (accessToken == null || instance == null) {
            throw new DeliveryException(SalesforceErrorClassifier.classify(
                    Stage.SIGN_IN,
                    response.statusCode(),
                    response.body(),
                    response.headers(),
                    SalesforceExchange.with(secrets, accessToken)));
        }
        URI instanceUri = SalesforceDestinationClient.url(instance, null, "instance_url");
        return new Token(accessToken, HttpSupport.stripTrailingSlashes(instanceUri.toString()));
    }

    /** The RS256 JWT bearer assertion (iss = client id, sub = user, aud = login URL, exp = now + 3 min). */
    static String assertion(String clientId, String user, String audience, String pem) throws DeliveryException {
        PrivateKey key = privateKey(pem);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        ObjectNode claims = SalesforceExchange.JSON
                .createObjectNode()
                .put("iss", clientId)
                .put("sub", user)
                .put("aud", audience)
                .put("exp", Instant.now().plus(JWT_LIFETIME).getEpochSecond());
        try {
            String signingInput = b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                    + b64.encodeToString(SalesforceExchange.JSON.writeValueAsBytes(claims));
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(key);
            signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64.encodeToString(signer.sign());
        } catch (Exception e) {
            throw new DeliveryException(SalesforceErrorClassifier.local(
                    ErrorClass.SALESFORCE_AUTH_FAILED,
                    "the JWT bearer assertion could not be signed with the privateKey ("
                            + e.getClass().getSimpleName() + ")"));
        }
    }

    static PrivateKey privateKey(String pem) throws DeliveryException {
        if (pem.contains("BEGIN RSA PRIVATE KEY") || pem.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
            throw new DeliveryException(SalesforceErrorClassifier.local(
                    ErrorClass.SALESFORCE_AUTH_FAILED,
                    "the privateKey must be an unencrypted PKCS#8 PEM (BEGIN PRIVATE KEY); convert it with"
                            + " openssl pkcs8 -topk8 -nocrypt"));
        }
        try {
            String base64 =
                    pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (Exception e) {
            throw new DeliveryException(SalesforceErrorClassifier.local(
                    ErrorClass.SALESFORCE_AUTH_FAILED,
                    "the privateKey is not a PKCS#8 PEM RSA private key (BEGIN PRIVATE KEY)"));
        }
    }
}
