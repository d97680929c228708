package dev.leadpipe.status;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadpipe.core.KafkaSettings;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.core.topic.TopicAdmin;
import dev.leadpipe.ops.KafkaReachability;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.OpsServer;
import dev.leadpipe.ops.ServiceProcess;
import dev.leadpipe.ops.StreamsStartup;
import dev.leadpipe.ops.Termination;
import dev.leadpipe.status.StatusViews.OfferStatus;
import dev.leadpipe.status.StatusViews.Overview;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running status service: one Kafka Streams instance of {@link StatusTopology} plus its HTTP server (the ops
 * endpoints {@code /metrics}, {@code /health/live}, {@code /health/ready}; the API {@code GET /v1/status} and
 * {@code GET /v1/status/offers/{offerId}}; the operator page {@code GET /}).
 *
 * <pre>{@code
 * try (Ops ops = Ops.forService("status");
 *      StatusService status = StatusService.start(StatusConfig.of(bootstrap).with(StatusConfig.PORT, 0)
 * .with(StatusConfig.STATE_DIR, dir), ops)) {
 *     int port = status.port();
 * }
 * }</pre>
 * Readiness: {@code kafka} (reachable) and {@code streams} (RUNNING). The stores are read locally, so run one
 * instance (a second one would answer for its own partitions only).
 */
public final class StatusService implements ServiceProcess.Service {
    private static final Logger LOG = LoggerFactory.getLogger(StatusService.class);
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    static final String PROBLEM_CONTENT_TYPE = "application/problem+json";
    static final String PROBLEM_BASE = "https://leadpipe.dev/problems/";

    private final StatusConfig config;
    private final Ops ops;
    private final KafkaStreams streams;
    private final KafkaReachability kafka;
    private final ConsumerLag lag;
    private final StatusMetrics metrics;
    private final ScheduledExecutorService scheduler;
    private final Termination termination = new Termination();
    /** "Now" for the 24 h window and the verdicts. */
    private final Clock clock = Clock.systemUTC();

    private OpsServer server;

    private StatusService(StatusConfig config, Ops ops) {
        this.config = config;
        this.ops = ops;
        this.streams = new KafkaStreams(StatusTopology.build(config), config.streamsProperties());
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("a status stream thread failed; replacing it", e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> {
            LOG.info("status {} state {} -> {}", config.applicationId(), before, now);
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                termination.terminated();
            }
        });
        this.kafka = new KafkaReachability(config.bootstrapServers());
        this.lag = new ConsumerLag(config.bootstrapServers(), config.lagCacheTtl(), clock);
        this.metrics = new StatusMetrics(ops, config.offerSeriesLimit());
        ops.readiness().add("kafka", kafka).add("streams", () -> {
            KafkaStreams.State s = streams.state();
            return s == KafkaStreams.State.RUNNING ? null : "the status Streams application is " + s;
        });
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "status-metrics");
            t.setDaemon(true);
            return t;
        });
    }

    /** {@link #start(StatusConfig, Ops, Duration)} with {@link #DEFAULT_START_TIMEOUT}. */
    public static StatusService start(StatusConfig config, Ops ops) {
        return start(config, ops, DEFAULT_START_TIMEOUT);
    }

    /**
     * Ensures the pipeline's topics exist, starts Streams and the HTTP server on {@code config.host():config.port()},
     * and returns once Streams is RUNNING.
     *
     * @throws IllegalStateException when the topics cannot be created, the port is taken, or Streams is not RUNNING
     *                               within {@code timeout}; whatever was started is closed first
     */
    public static StatusService start(StatusConfig config, Ops ops, Duration timeout) {
        TopicAdmin.ensureTopics(config.bootstrapServers(), KafkaSettings.replicationFactor());
        StatusService s = new StatusService(config, ops);
        try {
            s.streams.start();
            s.server = OpsServer.start(config.host(), config.port(), ops, s::routes);
            StreamsStartup.awaitRunning(s.streams, timeout, "status service");
            s.scheduler.scheduleWithFixedDelay(
                    s::refreshQuietly, 0, config.metricsRefresh().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        LOG.info("status service running on {}:{} against {}", config.host(), s.port(), config.bootstrapServers());
        return s;
    }

    private void routes(RoutesConfig routes) {
        routes.get("/v1/status", ctx -> {
            Optional<Overview> o = overview();
            if (o.isEmpty()) {
                unavailable(ctx);
                return;
            }
            json(ctx, 200, o.get());
        });
        routes.get("/v1/status/offers/{offerId}", ctx -> {
            String offerId = ctx.pathParam("offerId");
            Optional<Optional<OfferStatus>> o = offer(offerId);
            if (o.isEmpty()) {
                unavailable(ctx);
            } else if (o.get().isEmpty()) {
                ObjectNode p = problem(
                        404,
                        "offer-not-found",
                        "Offer not found",
                        "the status service has never seen offer " + offerId
                                + ": no lead, outcome or circuit report for it",
                        ctx.path());
                p.put("offerId", offerId);
                json(ctx, 404, p, PROBLEM_CONTENT_TYPE);
            } else {
                json(ctx, 200, o.get().get());
            }
        });
        routes.get("/", ctx -> {
            Optional<Overview> o = overview();
            if (o.isEmpty()) {
                ctx.status(503)
                        .header("Retry-After", "5")
                        .contentType("text/html; charset=utf-8")
                        .result(
                                "<!DOCTYPE html><html><head><meta http-equiv=\"refresh\" content=\"5\"><title>leadpipe status</title></head>"
                                        + "<body><p>The status service is starting (its state is being restored); this page refreshes.</p></body></html>");
                return;
            }
            ctx.status(200).contentType("text/html; charset=utf-8").result(StatusPage.render(o.get()));
        });
    }

    /** Every offer, the per-type totals and the backlog, now; empty while the stores cannot be read (restoring). */
    public Optional<Overview> overview() {
        try {
            List<OfferState> states = new ArrayList<>();
            try (KeyValueIterator<String, OfferState> it = offersStore().all()) {
                while (it.hasNext()) {
                    states.add(it.next().value);
                }
            }
            return Optional.of(StatusViews.overview(states, backlog(), clock.instant()));
        } catch (InvalidStateStoreException e) {
            return Optional.empty();
        }
    }

    /** An offer's status: outer empty while the stores cannot be read, inner empty for an offer never seen. */
    public Optional<Optional<OfferStatus>> offer(String offerId) {
        try {
            OfferState s = offersStore().get(offerId);
            return Optional.of(Optional.ofNullable(s).map(x -> StatusViews.offer(x, clock.instant())));
        } catch (InvalidStateStoreException e) {
            return Optional.empty();
        }
    }

    private ReadOnlyKeyValueStore<String, OfferState> offersStore() {
        return streams.store(
                StoreQueryParameters.fromNameAndType(StatusTopology.OFFERS_STORE, QueryableStoreTypes.keyValueStore()));
    }

    /** Open dead letters by class, summed over this instance's tasks. */
    private Map<ErrorClass, Long> backlog() {
        ReadOnlyKeyValueStore<String, Long> store = streams.store(StoreQueryParameters.fromNameAndType(
                StatusTopology.DLQ_BACKLOG_STORE, QueryableStoreTypes.keyValueStore()));
        Map<ErrorClass, Long> sum = new EnumMap<>(ErrorClass.class);
        try (KeyValueIterator<String, Long> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, Long> kv = it.next();
                try {
                    sum.merge(ErrorClass.valueOf(kv.key), kv.value, Long::sum);
                } catch (IllegalArgumentException e) {
                    // a class this version does not know: not shown
                }
            }
        }
        return sum;
    }

    /** Recomputes every gauge from the stores and the consumer groups now (the service also does so every few seconds). */
    public void refreshMetrics() {
        Map<String, Long> lags = lag.lags();
        Overview o = null;
        Map<ErrorClass, Long> b = null;
        try {
            b = backlog();
            o = overview().orElse(null);
        } catch (InvalidStateStoreException e) {
            // restoring: keep the store-based gauges as they are
        }
        if (b == null || o == null) {
            metrics.update(null, b == null ? Map.of() : b, lags);
        } else {
            metrics.update(o, b, lags);
        }
    }

    private void refreshQuietly() {
        try {
            refreshMetrics();
        } catch (RuntimeException e) {
            LOG.warn(
                    "the status gauges could not be refreshed: {}", e.getClass().getSimpleName());
        }
    }

    private static ObjectNode problem(int status, String slug, String title, String detail, String instance) {
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.put("type", PROBLEM_BASE + slug);
        p.put("title", title);
        p.put("status", status);
        p.put("detail", detail);
        p.put("instance", instance);
        return p;
    }

    private static void unavailable(Context ctx) {
        ctx.header("Retry-After", "5");
        json(
                ctx,
                503,
                problem(
                        503,
                        "status-unavailable",
                        "Status not available yet",
                        "the status service is restoring its state from Kafka; try again in a few seconds",
                        ctx.path()),
                PROBLEM_CONTENT_TYPE);
    }

    private static void json(Context ctx, int status, Object body) {
        json(ctx, status, body, "application/json");
    }

    private static void json(Context ctx, int status, Object body, String contentType) {
        try {
            ctx.status(status).contentType(contentType).result(Json.MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a response body could not be written", e);
        }
    }

    /** The HTTP port listened on (the actual one when the config asked for 0). */
    public int port() {
        return server.port();
    }

    public StatusConfig config() {
        return config;
    }

    /** The Streams state: RUNNING while healthy. */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Why the service stopped by itself (Streams in ERROR), or null. */
    @Override
    public String failure() {
        return !termination.isClosed() && state() == KafkaStreams.State.ERROR
                ? "stopped after an unrecoverable error (Kafka Streams is ERROR)"
                : null;
    }

    /** Blocks until the service has stopped: closed, or Streams failed for good. */
    public void awaitTermination() throws InterruptedException {
        termination.await();
    }

    /** Stops the HTTP server, the gauges' refresh and Streams (waiting up to 30 s). Idempotent; the Ops stays open. */
    @Override
    public void close() {
        termination.closeOnce(() -> {
            scheduler.shutdownNow();
            if (server != null) {
                server.close();
            }
            if (!streams.close(CLOSE_TIMEOUT)) {
                LOG.warn("status {} did not close within {}", config.applicationId(), CLOSE_TIMEOUT);
            }
            lag.close();
            kafka.close();
        });
    }
}
