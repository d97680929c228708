package dev.leadpipe.status;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.OpsServer;
import dev.leadpipe.ops.ProblemJson;
import dev.leadpipe.ops.auth.Access;
import dev.leadpipe.ops.auth.ApiRoute;
import dev.leadpipe.ops.auth.Principal;
import dev.leadpipe.ops.auth.Role;
import dev.leadpipe.ops.auth.RouteTable;
import dev.leadpipe.status.StatusViews.OfferStatus;
import dev.leadpipe.status.StatusViews.Overview;
import io.javalin.http.Context;

/**
 * The status service's route table, the only place its routes are declared, each with its rule:
 * <table>
 *   <tr><th>route</th><th>needs</th><th>answers</th></tr>
 *   <tr><td>{@code GET /health/live}, {@code /health/ready}</td><td>nothing</td><td>the probes</td></tr>
 *   <tr><td>{@code GET /metrics}</td><td>{@code metrics:read}</td><td>Prometheus text</td></tr>
 *   <tr><td>{@code GET /v1/status}</td><td>{@code status:read}</td><td>the offers the credential may see (a
 *       publisher's: its own, with totals and backlog of those alone), their waiting leads</td></tr>
 *   <tr><td>{@code GET /v1/status/offers/{offerId}}</td><td>{@code status:read} for the offer's publisher</td>
 *       <td>one offer, its waiting leads</td></tr>
 *   <tr><td>{@code GET /v1/status/page}</td><td>{@code status:read}</td><td>the rendered status page
 *       ({@link StatusPage}) of what the credential may see</td></tr>
 *   <tr><td>{@code GET /}</td><td>nothing</td><td>the page's shell ({@link StatusPageShell}): no data; it asks
 *       for a credential, keeps it in the tab's sessionStorage and loads {@code /v1/status/page} with it</td></tr>
 * </table>
 * An operator credential passes every rule. 401/403 answers are problems ({@code application/problem+json}).
 */
final class StatusRoutes {
    static final String PAGE_PATH = "/v1/status/page";

    private StatusRoutes() {}

    static RouteTable table(StatusService status, Ops ops) {
        List<ApiRoute> routes = new ArrayList<>(OpsServer.routes(ops));
        routes.add(ApiRoute.get("/v1/status", Access.role(Role.STATUS_READ), ctx -> {
            Optional<Overview> o = status.overview(Principal.of(ctx));
            if (o.isEmpty()) {
                unavailable(ctx);
                return;
            }
            json(ctx, 200, o.get());
        }));
        routes.add(ApiRoute.get("/v1/status/offers/{offerId}", Access.offer(Role.STATUS_READ), ctx -> {
            String offerId = ctx.pathParam("offerId");
            Optional<Optional<OfferStatus>> o = status.offer(offerId);
            if (o.isEmpty()) {
                unavailable(ctx);
            } else if (o.get().isEmpty()) {
                ObjectNode p = ProblemJson.of(
                        ctx,
                        404,
                        "offer-not-found",
                        "Offer not found",
                        "the status service has never seen offer " + offerId
                                + ": no lead, outcome or circuit report for it");
                p.put("offerId", offerId);
                ProblemJson.send(ctx, p);
            } else {
                json(ctx, 200, o.get().get());
            }
        }));
        routes.add(ApiRoute.get(PAGE_PATH, Access.role(Role.STATUS_READ), ctx -> {
            Optional<Overview> o = status.overview(Principal.of(ctx));
            if (o.isEmpty()) {
                ctx.status(503)
                        .header("Retry-After", "5")
                        .contentType("text/html; charset=utf-8")
                        .result(StatusPageShell.STARTING);
                return;
            }
            ctx.status(200).contentType("text/html; charset=utf-8").result(StatusPage.render(o.get()));
        }));
        routes.add(ApiRoute.get(
                "/",
                Access.anyone(),
                ctx -> ctx.status(200).contentType("text/html; charset=utf-8").result(StatusPageShell.HTML)));
        return new RouteTable(routes);
    }

    private static void unavailable(Context ctx) {
        ctx.header("Retry-After", "5");
        ProblemJson.send(
                ctx,
                ProblemJson.of(
                        ctx,
                        503,
                        "status-unavailable",
                        "Status not available yet",
                        "the status service is restoring its state from Kafka; try again in a few seconds"));
    }

    private static void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(Json.MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a response body could not be written", e);
        }
    }
}
