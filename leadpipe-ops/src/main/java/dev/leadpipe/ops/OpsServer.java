package dev.leadpipe.ops;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.ops.auth.Access;
import dev.leadpipe.ops.auth.ApiRoute;
import dev.leadpipe.ops.auth.Authenticator;
import dev.leadpipe.ops.auth.Role;
import dev.leadpipe.ops.auth.RouteTable;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * The HTTP endpoints every service exposes to operations:
 * <ul>
 *   <li>{@code GET /metrics}: the Prometheus text exposition ({@value #PROMETHEUS_CONTENT_TYPE});</li>
 *   <li>{@code GET /health/live}: 200 {@code {"status":"UP"}} while the process serves;</li>
 *   <li>{@code GET /health/ready}: 200 {@code {"status":"UP","checks":{...}}} when every readiness check passes, else
 *       503 with {@code "DOWN"} and each failing check's reason.</li>
 * </ul>
 * Either on a server of its own ({@link #start}) or as part of a service's {@link RouteTable} ({@link #routes}), where
 * {@code /metrics} needs a credential with {@link Role#METRICS_READ} (or operator) and the health probes stay open.
 * The services that keep no credentials (router, sinks, notifier) serve them open on their own ops port.
 */
public final class OpsServer implements AutoCloseable {
    public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** Environment variable of the port a service's own ops server listens on. */
    public static final String PORT_ENV = "OPS_PORT";
    /** Environment variable of the address it binds to (default 127.0.0.1). */
    public static final String HOST_ENV = "OPS_HOST";

    private final Javalin app;

    private OpsServer(Javalin app) {
        this.app = app;
    }

    /** Starts a server with the ops routes, all open, on {@code host:port} (0: any free port). */
    public static OpsServer start(String host, int port, Ops ops) {
        return start(host, port, ops, routes -> register(routes, ops));
    }

    /**
     * Starts a server with the routes of {@code table} (which should include {@link #routes(Ops)}), each guarded by its
     * rule, credentials checked by {@code authenticator} (the status service).
     */
    public static OpsServer start(String host, int port, Ops ops, RouteTable table, Authenticator authenticator) {
        return start(host, port, ops, routes -> table.register(routes, authenticator));
    }

    private static OpsServer start(String host, int port, Ops ops, Consumer<RoutesConfig> routes) {
        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            routes.accept(cfg.routes);
        });
        try {
            app.start(host, port);
        } catch (RuntimeException e) {
            app.stop();
            throw new IllegalStateException(
                    "the " + ops.service() + " ops server could not listen on " + host + ":" + port + ": "
                            + e.getMessage(),
                    e);
        }
        return new OpsServer(app);
    }

    /**
     * Starts the server where {@value #HOST_ENV} / {@value #PORT_ENV} say, else on 127.0.0.1:{@code defaultPort}.
     *
     * @throws IllegalArgumentException when {@value #PORT_ENV} is not a port number
     */
    public static OpsServer startFromEnvironment(Ops ops, int defaultPort) {
        return start(hostFromEnvironment(), portFromEnvironment(defaultPort), ops);
    }

    /** {@value #HOST_ENV}, else 127.0.0.1. */
    public static String hostFromEnvironment() {
        String host = System.getenv(HOST_ENV);
        return host == null || host.isBlank() ? "127.0.0.1" : host.trim();
    }

    /** {@value #PORT_ENV}, else {@code defaultPort}. */
    public static int portFromEnvironment(int defaultPort) {
        String value = System.getenv(PORT_ENV);
        if (value == null || value.isBlank()) {
            return defaultPort;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    PORT_ENV + " must be a port number from 0 to 65535, not '" + value + "'");
        }
    }

    /** Adds {@code /metrics}, {@code /health/live} and {@code /health/ready}, all open, to an app being configured. */
    static void register(RoutesConfig routes, Ops ops) {
        for (ApiRoute route : routes(ops)) {
            routes.addHttpHandler(route.method(), route.path(), route.handler());
        }
    }

    /**
     * The ops routes with their rules, for a service's {@link RouteTable}: {@code /metrics} needs
     * {@link Role#METRICS_READ} (or operator); {@code /health/live} and {@code /health/ready} are open.
     */
    public static List<ApiRoute> routes(Ops ops) {
        return List.of(
                ApiRoute.get(
                        "/metrics",
                        Access.role(Role.METRICS_READ),
                        ctx -> ctx.status(200)
                                .contentType(PROMETHEUS_CONTENT_TYPE)
                                .result(ops.scrape())),
                ApiRoute.get(
                        "/health/live",
                        Access.anyone(),
                        ctx -> json(ctx, 200, Json.MAPPER.createObjectNode().put("status", "UP"))),
                ApiRoute.get("/health/ready", Access.anyone(), ctx -> {
                    Readiness.Report report = ops.readiness().report();
                    ObjectNode body = Json.MAPPER.createObjectNode().put("status", report.ready() ? "UP" : "DOWN");
                    ObjectNode checks = body.putObject("checks");
                    for (Map.Entry<String, String> e : report.checks().entrySet()) {
                        checks.put(e.getKey(), e.getValue());
                    }
                    json(ctx, report.ready() ? 200 : 503, body);
                }));
    }

    private static void json(Context ctx, int status, ObjectNode body) {
        try {
            ctx.status(status).contentType("application/json").result(Json.MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a response body could not be written", e);
        }
    }

    /** The port listened on. */
    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
