package dev.leadpipe.ops.auth;

import java.net.MalformedURLException;
import java.net.URI;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts an OIDC/JWT access token when its signature verifies with a key of the issuer's JWKS (fetched and cached
 * from {@link JwtConfig#jwksUrl()}; an unknown {@code kid} refreshes it, rate-limited), its {@code iss} is the
 * configured issuer, its {@code aud} holds the configured audience, and {@code exp} / {@code nbf} hold within the
 * clock skew. Accepted signatures: RSA and EC ({@code RS*}, {@code PS*}, {@code ES*}); {@code none} and HMAC never.
 * The principal's subject is {@code jwt:<sub>}, its roles the known ones of the {@code roles} claim, its publishers the
 * configured claim (a list or one string). A refusal is logged with the reason, never the token.
 */
public final class JwtAuthenticator implements Authenticator {
    private static final Logger LOG = LoggerFactory.getLogger(JwtAuthenticator.class);
    static final String ROLES_CLAIM = "roles";

    private final DefaultJWTProcessor<SecurityContext> processor;
    private final String publishersClaim;

    /**
     * @throws IllegalArgumentException when {@code config} has JWTs off
     */
    public JwtAuthenticator(JwtConfig config) {
        if (!config.enabled()) {
            throw new IllegalArgumentException("JWTs are off: AUTH_JWT_ISSUER is not set");
        }
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.create(
                            URI.create(config.jwksUrl().orElseThrow().trim()).toURL())
                    .build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("AUTH_JWT_JWKS_URL is not a URL", e);
        }
        Set<JWSAlgorithm> algorithms = new HashSet<>();
        algorithms.addAll(JWSAlgorithm.Family.RSA);
        algorithms.addAll(JWSAlgorithm.Family.EC);
        processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, keys));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                config.audience().orElseThrow(),
                new JWTClaimsSet.Builder().issuer(config.issuer().orElseThrow()).build(),
                Set.of("sub", "exp"));
        claims.setMaxClockSkew((int) config.clockSkew().toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
        this.publishersClaim = config.publishersClaim();
    }

    /** An API key's authenticator, plus this one for JWTs when {@code config} turns them on. */
    public static Authenticator withApiKeys(Authenticator apiKeys, JwtConfig config) {
        return Authenticator.of(apiKeys, config.enabled() ? new JwtAuthenticator(config) : null);
    }

    @Override
    public Optional<Principal> authenticate(String credential) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(credential, null);
        } catch (Exception e) {
            LOG.info("refused a JWT: {}", reason(e));
            return Optional.empty();
        }
        Set<Role> roles = new HashSet<>();
        for (String name : strings(claims.getClaim(ROLES_CLAIM))) {
            Role.byId(name).ifPresent(roles::add);
        }
        Set<String> publishers = new HashSet<>(strings(claims.getClaim(publishersClaim)));
        return Optional.of(new Principal("jwt:" + claims.getSubject(), roles, publishers));
    }

    private static List<String> strings(Object claim) {
        if (claim instanceof String s) {
            return List.of(s);
        }
        if (claim instanceof Collection<?> c) {
            return c.stream()
                    .filter(String.class::isInstance)
                    .map(String.class::cast)
                    .toList();
        }
        return List.of();
    }

    /** Nimbus's reason, which names the failed check (never the token). */
    private static String reason(Exception e) {
        String m = e instanceof java.text.ParseException ? null : e.getMessage(); // a parse error may quote the input
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + (m.length() > 200 ? m.substring(0, 200) : m));
    }
}
