package dev.leadpipe.ingest;

import java.util.ArrayList;
import java.util.List;

import dev.leadpipe.core.json.Json;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.OpsServer;
import dev.leadpipe.ops.auth.Access;
import dev.leadpipe.ops.auth.ApiRoute;
import dev.leadpipe.ops.auth.Role;
import dev.leadpipe.ops.auth.RouteTable;

/**
 * The ingest service's route table: every route with the credential it needs, the only place routes are declared.
 * <table>
 *   <tr><th>route</th><th>needs</th></tr>
 *   <tr><td>{@code GET /health}, {@code /health/live}, {@code /health/ready}</td><td>nothing</td></tr>
 *   <tr><td>{@code GET /metrics}</td><td>{@code metrics:read}</td></tr>
 *   <tr><td>{@code POST /v1/leads}, {@code /v1/leads/batch}</td><td>{@code leads:write}; a credential scoped to
 *       publishers may post only their offers' leads ({@link LeadEndpoints})</td></tr>
 *   <tr><td>{@code PUT|GET|DELETE /v1/offers/{offerId}/lead-destination}, {@code POST …/validate},
 *       {@code POST /v1/offers/{offerId}/publish}</td><td>{@code destinations:admin} for the offer's publisher</td></tr>
 * </table>
 * An operator credential passes every rule.
 */
final class IngestRoutes {
    private IngestRoutes() {}

    static RouteTable table(
            Ops ops, LeadEndpoints leads, DestinationEndpoints destinations, TestLeadEndpoints testLeads) {
        List<ApiRoute> routes = new ArrayList<>();
        routes.add(ApiRoute.get(
                "/health",
                Access.anyone(),
                ctx -> LeadEndpoints.respond(
                        ctx,
                        200,
                        "application/json",
                        Json.MAPPER.createObjectNode().put("status", "UP"))));
        routes.addAll(OpsServer.routes(ops));
        routes.add(ApiRoute.post(LeadEndpoints.SINGLE_PATH, Access.role(Role.LEADS_WRITE), leads::postLead));
        routes.add(ApiRoute.post(LeadEndpoints.BATCH_PATH, Access.role(Role.LEADS_WRITE), leads::postBatch));
        Access admin = Access.offer(Role.DESTINATIONS_ADMIN);
        routes.add(ApiRoute.put(DestinationEndpoints.PATH, admin, destinations::put));
        routes.add(ApiRoute.get(DestinationEndpoints.PATH, admin, destinations::get));
        routes.add(ApiRoute.delete(DestinationEndpoints.PATH, admin, destinations::delete));
        routes.add(ApiRoute.post(TestLeadEndpoints.VALIDATE_PATH, admin, testLeads::validate));
        routes.add(ApiRoute.post(TestLeadEndpoints.PUBLISH_PATH, admin, testLeads::publish));
        return new RouteTable(routes);
    }
}
