package dev.leadpipe.ops.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's routes, each with its {@link Access} rule; the service's server registers routes only through
 * {@link #register}, so a route cannot exist without a rule. Before a guarded route's handler runs:
 * <ul>
 *   <li>no {@code Authorization: Bearer …} header, or a credential the {@link Authenticator} refuses: 401 with
 *       {@code WWW-Authenticate: Bearer realm="leadpipe"};</li>
 *   <li>a credential without one of the route's roles, or (offer routes) whose publisher scope does not hold the
 *       {@code {offerId}}'s publisher: 403;</li>
 * </ul>
 * both {@code application/problem+json} ({@link AuthProblems}). Otherwise the {@link Principal} is attached to the
 * request ({@link Principal#of}) and the handler runs.
 */
public final class RouteTable {
    private static final Logger LOG = LoggerFactory.getLogger(RouteTable.class);
    private static final String BEARER = "bearer ";

    private final List<ApiRoute> routes;

    public RouteTable(List<ApiRoute> routes) {
        this.routes = List.copyOf(routes);
    }

    /** This table followed by {@code more}. */
    public RouteTable plus(List<ApiRoute> more) {
        List<ApiRoute> all = new ArrayList<>(routes);
        all.addAll(more);
        return new RouteTable(all);
    }

    /** Every route with its rule. */
    public List<ApiRoute> routes() {
        return routes;
    }

    /** Registers every route, each guarded by its rule, credentials checked by {@code authenticator}. */
    public void register(RoutesConfig config, Authenticator authenticator) {
        for (ApiRoute route : routes) {
            config.addHttpHandler(route.method(), route.path(), guarded(route, authenticator));
        }
    }

    private static Handler guarded(ApiRoute route, Authenticator authenticator) {
        if (route.access().open()) {
            return route.handler();
        }
        return ctx -> {
            Optional<Principal> principal = principal(ctx, authenticator);
            if (principal.isEmpty()) {
                return;
            }
            Principal p = principal.get();
            if (!route.access().allows(p)) {
                LOG.info("refused {} {} to {}: role not allowed", ctx.method(), ctx.path(), p.subject());
                AuthProblems.forbidden(
                        ctx,
                        "role-not-allowed",
                        "this credential's roles do not allow " + route + " (needs "
                                + route.access().roles() + " or operator)");
                return;
            }
            if (route.access().offerScoped() && !p.mayActForOffer(ctx.pathParam("offerId"))) {
                LOG.info("refused {} {} to {}: publisher not in scope", ctx.method(), ctx.path(), p.subject());
                AuthProblems.forbidden(
                        ctx, "publisher-not-allowed", "this credential may not act for this offer's publisher");
                return;
            }
            p.attachTo(ctx);
            route.handler().handle(ctx);
        };
    }

    /** The request's principal, or empty once a 401 was answered. */
    private static Optional<Principal> principal(Context ctx, Authenticator authenticator) {
        String header = ctx.header("Authorization");
        if (header == null
                || header.length() <= BEARER.length()
                || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            AuthProblems.unauthorized(
                    ctx,
                    "credential-required",
                    "this endpoint needs a credential: send 'Authorization: Bearer <API key or token>'");
            return Optional.empty();
        }
        Optional<Principal> p =
                authenticator.authenticate(header.substring(BEARER.length()).trim());
        if (p.isEmpty()) {
            AuthProblems.unauthorized(
                    ctx, "credential-invalid", "the credential is not valid (unknown, revoked, expired or malformed)");
        }
        return p;
    }
}
