package dev.leadpipe.ops.auth;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.leadpipe.core.config.Declaration;
import dev.leadpipe.core.config.DeclaredConfig;
import dev.leadpipe.core.config.Setting;

/**
 * Whether and how the ingest and status services accept OIDC/JWT bearer tokens (Entra ID access tokens, say) besides
 * API keys; declared once here, read by both services from the environment. Off unless {@code AUTH_JWT_ISSUER} is
 * set; then {@code AUTH_JWT_AUDIENCE} and {@code AUTH_JWT_JWKS_URL} are required too ({@link JwtAuthenticator}).
 *
 * @param issuer          the {@code iss} a token must carry ({@code AUTH_JWT_ISSUER}); empty: JWTs are refused
 * @param audience        an {@code aud} a token must carry ({@code AUTH_JWT_AUDIENCE})
 * @param jwksUrl         where the issuer's signing keys are ({@code AUTH_JWT_JWKS_URL})
 * @param clockSkew       how far {@code exp} and {@code nbf} may be off ({@code AUTH_JWT_CLOCK_SKEW}, default 60 s)
 * @param publishersClaim the claim listing the publisher ids a token may act for ({@code AUTH_JWT_PUBLISHERS_CLAIM},
 *                        default {@code publishers}); roles come from the {@code roles} claim (Entra ID app roles)
 */
public record JwtConfig(
        Optional<String> issuer,
        Optional<String> audience,
        Optional<String> jwksUrl,
        Duration clockSkew,
        String publishersClaim)
        implements DeclaredConfig<JwtConfig> {

    public static final Setting<Optional<String>> ISSUER = Setting.text(
                    "issuer", "AUTH_JWT_ISSUER", "an issuer URL", "the iss of accepted JWTs (unset: JWTs are refused)")
            .optional();
    public static final Setting<Optional<String>> AUDIENCE = Setting.text(
                    "audience", "AUTH_JWT_AUDIENCE", "an audience", "an aud accepted JWTs must carry")
            .optional();
    public static final Setting<Optional<String>> JWKS_URL = Setting.text(
                    "jwksUrl", "AUTH_JWT_JWKS_URL", "an http(s) URL", "the issuer's JSON Web Key Set")
            .must("an http(s) URL", JwtConfig::httpUrl)
            .optional();
    public static final Setting<Duration> CLOCK_SKEW =
            Setting.duration("clockSkew", "AUTH_JWT_CLOCK_SKEW", Duration.ofSeconds(60), "tolerance on exp and nbf");
    public static final Setting<String> PUBLISHERS_CLAIM = Setting.text(
                    "publishersClaim",
                    "AUTH_JWT_PUBLISHERS_CLAIM",
                    "a claim name",
                    "the claim listing the publishers a token may act for")
            .defaultsTo("publishers");

    public static final List<Setting<?>> SETTINGS = List.of(ISSUER, AUDIENCE, JWKS_URL, CLOCK_SKEW, PUBLISHERS_CLAIM);

    public static final Declaration<JwtConfig> DECLARATION =
            new Declaration<>(JwtConfig.class, "JWT configuration", SETTINGS);

    public JwtConfig {
        DECLARATION.check(issuer, audience, jwksUrl, clockSkew, publishersClaim);
        if (issuer.isPresent() && (audience.isEmpty() || jwksUrl.isEmpty())) {
            throw new IllegalArgumentException(
                    "AUTH_JWT_ISSUER is set: AUTH_JWT_AUDIENCE and AUTH_JWT_JWKS_URL must be set too");
        }
    }

    /** JWTs off: no issuer. */
    public static JwtConfig off() {
        return DECLARATION.fromEnvironment(java.util.Map.of());
    }

    /** Whether JWTs are accepted. */
    public boolean enabled() {
        return issuer.isPresent();
    }

    private static boolean httpUrl(String s) {
        try {
            URI u = URI.create(s.trim());
            return u.getScheme() != null && u.getScheme().matches("https?") && u.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return DECLARATION.describe(this);
    }

    @Override
    public Declaration<JwtConfig> declaration() {
        return DECLARATION;
    }
}
