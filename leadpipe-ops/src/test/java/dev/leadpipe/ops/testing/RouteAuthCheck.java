package dev.leadpipe.ops.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.ops.auth.ApiRoute;
import dev.leadpipe.ops.auth.Role;
import dev.leadpipe.ops.auth.RouteTable;
import org.assertj.core.api.SoftAssertions;

/**
 * The done-when, for one service's {@link RouteTable}: every route in it is called, with {@code {offerId}}
 * replaced by an offer of publisher {@value #OWN}, and
 * <ul>
 *   <li>without a credential, and with one that does not exist: 401, {@code WWW-Authenticate: Bearer …}, a problem
 *       (open routes excepted: never 401);</li>
 *   <li>with a credential of every role but the route's: 403 problem;</li>
 *   <li>offer routes, with a credential of every role scoped to another publisher ({@value #OTHER}): 403 problem;</li>
 *   <li>with a credential of every role (not operator) scoped to {@value #OWN}, and with an operator's: neither 401
 *       nor 403.</li>
 * </ul>
 * Create it with {@link #createKeys} before the service starts (its key catalog then holds the keys at once).
 */
public final class RouteAuthCheck {
    public static final String OWN = "contoso";
    public static final String OTHER = "fabrikam";
    private static final String OFFER = OWN + ".route-check";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final EnumSet<Role> ALL_BUT_OPERATOR =
            EnumSet.of(Role.LEADS_WRITE, Role.DESTINATIONS_ADMIN, Role.STATUS_READ, Role.METRICS_READ);

    private final String own;
    private final String other;
    private final String operator;
    private final Map<Role, String> allBut;

    private RouteAuthCheck(String own, String other, String operator, Map<Role, String> allBut) {
        this.own = own;
        this.other = other;
        this.operator = operator;
        this.allBut = allBut;
    }

    /** Writes the keys the check uses to {@code leadpipe-api-keys}. */
    public static RouteAuthCheck createKeys(String bootstrapServers) {
        Map<Role, String> allBut = ALL_BUT_OPERATOR.stream().collect(Collectors.toMap(Function.identity(), r -> {
            EnumSet<Role> roles = EnumSet.copyOf(ALL_BUT_OPERATOR);
            roles.remove(r);
            return TestKeys.create(bootstrapServers, roles, OWN);
        }));
        return new RouteAuthCheck(
                TestKeys.create(bootstrapServers, ALL_BUT_OPERATOR, OWN),
                TestKeys.create(bootstrapServers, ALL_BUT_OPERATOR, OTHER),
                TestKeys.operator(bootstrapServers),
                allBut);
    }

    /** Checks every route of {@code table} on the service at {@code baseUrl}; reports every failure together. */
    public void assertEveryRoute(String baseUrl, RouteTable table) throws Exception {
        SoftAssertions soft = new SoftAssertions();
        for (ApiRoute route : table.routes()) {
            String path = route.path().replace("{offerId}", OFFER);
            String what = route + " ";
            HttpResponse<String> none = send(baseUrl, route, path, null);
            if (route.access().open()) {
                soft.assertThat(none.statusCode())
                        .as(what + "open, without a credential")
                        .isNotIn(401, 403);
                continue;
            }
            assertProblem(soft, what + "without a credential", none, 401);
            soft.assertThat(none.headers().firstValue("WWW-Authenticate").orElse(""))
                    .as(what + "challenge")
                    .startsWith("Bearer");
            assertProblem(
                    soft,
                    what + "with an unknown key",
                    send(baseUrl, route, path, "lpk_0123456789abcdef_" + "A".repeat(43)),
                    401);
            for (Role needed : route.access().roles()) {
                assertProblem(soft, what + "without " + needed, send(baseUrl, route, path, allBut.get(needed)), 403);
            }
            if (route.access().offerScoped()) {
                assertProblem(soft, what + "for another publisher", send(baseUrl, route, path, other), 403);
            }
            soft.assertThat(send(baseUrl, route, path, own).statusCode())
                    .as(what + "with the publisher's own credential")
                    .isNotIn(401, 403);
            soft.assertThat(send(baseUrl, route, path, operator).statusCode())
                    .as(what + "with an operator credential")
                    .isNotIn(401, 403);
        }
        soft.assertAll();
    }

    private static void assertProblem(SoftAssertions soft, String what, HttpResponse<String> r, int status) {
        soft.assertThat(r.statusCode()).as(what + ": status").isEqualTo(status);
        soft.assertThat(r.headers().firstValue("Content-Type").orElse(""))
                .as(what + ": Content-Type")
                .startsWith("application/problem+json");
        try {
            JsonNode body = Json.MAPPER.readTree(r.body());
            soft.assertThat(body.path("status").asInt())
                    .as(what + ": body status")
                    .isEqualTo(status);
            soft.assertThat(body.path("type").asText())
                    .as(what + ": type")
                    .startsWith("https://leadpipe.dev/problems/");
        } catch (Exception e) {
            soft.fail(what + ": the body is not JSON: " + r.body());
        }
    }

    private static HttpResponse<String> send(String baseUrl, ApiRoute route, String path, String key) throws Exception {
        String method = route.method().name();
        boolean body = method.equals("POST") || method.equals("PUT");
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, body ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody());
        if (body) {
            b.header("Content-Type", "application/json");
        }
        if (key != null) {
            b.header("Authorization", TestKeys.bearer(key));
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
