package dev.leadpipe.ops.auth;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** JWT bearer tokens against a JWKS served by an in-test HTTP server, signed with nimbus. */
class JwtAuthenticatorTest {
    private static final String ISSUER = "https://login.example/tenant/v2.0";
    private static final String AUDIENCE = "api://leadpipe";

    private static HttpServer jwks;
    private static RSAKey signing;
    private static RSAKey stranger;
    private static JwtAuthenticator authenticator;

    @BeforeAll
    static void serveJwks() throws Exception {
        signing = new RSAKeyGenerator(2048).keyID("k1").generate();
        stranger = new RSAKeyGenerator(2048).keyID("k1").generate();
        byte[] body = new JWKSet(signing.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.createContext("/keys", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        jwks.start();
        authenticator = new JwtAuthenticator(config(Map.of()));
    }

    @AfterAll
    static void stop() {
        jwks.stop(0);
    }

    private static JwtConfig config(Map<String, String> more) {
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "AUTH_JWT_ISSUER",
                ISSUER,
                "AUTH_JWT_AUDIENCE",
                AUDIENCE,
                "AUTH_JWT_JWKS_URL",
                "http://127.0.0.1:" + jwks.getAddress().getPort() + "/keys"));
        env.putAll(more);
        return JwtConfig.DECLARATION.fromEnvironment(env);
    }

    private static JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject("portal-app")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .claim("roles", List.of("status:read", "destinations:admin", "not-a-role"))
                .claim("publishers", List.of("contoso"));
    }

    private static String token(JWTClaimsSet claims, RSAKey key, String kid) throws Exception {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(kid)
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    @Test
    void aGoodTokenGivesItsSubjectRolesAndPublishers() throws Exception {
        Optional<Principal> p = authenticator.authenticate(token(claims().build(), signing, "k1"));
        assertThat(p).isPresent();
        assertThat(p.get().subject()).isEqualTo("jwt:portal-app");
        assertThat(p.get().roles()).containsExactlyInAnyOrder(Role.STATUS_READ, Role.DESTINATIONS_ADMIN);
        assertThat(p.get().publishers()).containsExactly("contoso");
        assertThat(p.get().mayActForOffer("fabrikam.crm")).isFalse();
    }

    @Test
    void theConfiguredClaimNamesThePublishers() throws Exception {
        JwtAuthenticator custom = new JwtAuthenticator(config(Map.of("AUTH_JWT_PUBLISHERS_CLAIM", "extension_pubs")));
        Principal p = custom.authenticate(
                        token(claims().claim("extension_pubs", "fabrikam").build(), signing, "k1"))
                .orElseThrow();
        assertThat(p.publishers()).containsExactly("fabrikam");
    }

    @Test
    void aWrongIssuerAudienceAnExpiredTokenABadSignatureOrAnUnknownKidAreRefused() throws Exception {
        assertThat(authenticator.authenticate(
                        token(claims().issuer("https://evil.example").build(), signing, "k1")))
                .isEmpty();
        assertThat(authenticator.authenticate(
                        token(claims().audience("api://other").build(), signing, "k1")))
                .isEmpty();
        Instant past = Instant.now().minus(Duration.ofMinutes(10));
        assertThat(authenticator.authenticate(
                        token(claims().expirationTime(Date.from(past)).build(), signing, "k1")))
                .isEmpty();
        assertThat(authenticator.authenticate(token(claims().build(), stranger, "k1")))
                .as("signed by a key that is not the issuer's")
                .isEmpty();
        assertThat(authenticator.authenticate(token(claims().build(), signing, "k2")))
                .as("a kid the JWKS does not have")
                .isEmpty();
        assertThat(authenticator.authenticate("not.a.jwt")).isEmpty();
    }

    @Test
    void theClockSkewToleratesAJustExpiredToken() throws Exception {
        Date justExpired = Date.from(Instant.now().minusSeconds(30));
        assertThat(authenticator.authenticate(
                        token(claims().expirationTime(justExpired).build(), signing, "k1")))
                .isPresent();
        JwtAuthenticator strict = new JwtAuthenticator(config(Map.of("AUTH_JWT_CLOCK_SKEW", "1s")));
        assertThat(strict.authenticate(
                        token(claims().expirationTime(justExpired).build(), signing, "k1")))
                .isEmpty();
        Date notYet = Date.from(Instant.now().plusSeconds(600));
        assertThat(authenticator.authenticate(
                        token(claims().notBeforeTime(notYet).build(), signing, "k1")))
                .isEmpty();
    }

    @Test
    void anIssuerWithoutAudienceOrJwksIsRefusedAndNoIssuerTurnsJwtsOff() {
        assertThatThrownBy(() -> JwtConfig.DECLARATION.fromEnvironment(Map.of("AUTH_JWT_ISSUER", ISSUER)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AUTH_JWT_AUDIENCE");
        assertThat(JwtConfig.off().enabled()).isFalse();
        Authenticator keysOnly = JwtAuthenticator.withApiKeys(c -> Optional.empty(), JwtConfig.off());
        assertThat(keysOnly.authenticate("eyJhbGciOiJub25lIn0.e30.")).isEmpty();
    }
}
