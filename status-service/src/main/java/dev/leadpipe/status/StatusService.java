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

import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.topic.KafkaClientMeters;
import dev.leadpipe.core.topic.TopicAdmin;
import dev.leadpipe.core.topic.TopicPolicy;
import dev.leadpipe.ops.KafkaMeters;
import dev.leadpipe.ops.KafkaReachability;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.OpsServer;
import dev.leadpipe.ops.ServiceProcess;
import dev.leadpipe.ops.StreamsStartup;
import dev.leadpipe.ops.Termination;
import dev.leadpipe.ops.auth.ApiKeyCatalog;
import dev.leadpipe.ops.auth.JwtConfig;
import dev.leadpipe.ops.auth.Principal;
import dev.leadpipe.ops.auth.RouteTable;
import dev.leadpipe.status.StatusViews.OfferStatus;
import dev.leadpipe.status.StatusViews.Overview;
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
 * A running status service: one Kafka Streams instance of {@link StatusTopology} plus its HTTP server, whose routes
 * and their rules are {@link StatusRoutes} (the ops endpoints; the API {@code GET /v1/status} and
 * {@code GET /v1/status/offers/{offerId}}; the status page {@code GET /}), credentials checked against the API keys
 * of {@code leadpipe-api-keys} (and JWTs when the environment's {@link JwtConfig} turns them on). A publisher's {@code status:read} credential sees only its own offers.
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

    private final StatusConfig config;
    private final Ops ops;
    private final KafkaStreams streams;
    private final KafkaReachability kafka;
    private final KafkaClientMeters.Binding streamsMeters;
    private final ConsumerLag lag;
    private final StatusMetrics metrics;
    private final ScheduledExecutorService scheduler;
    private final Termination termination = new Termination();
    /** "Now" for the 24 h window and the verdicts. */
    private final Clock clock = Clock.systemUTC();

    private OpsServer server;
    private ApiKeyCatalog apiKeys;
    private final RouteTable routes;

    private StatusService(StatusConfig config, Ops ops) {
        this.config = config;
        this.ops = ops;
        this.streams = new KafkaStreams(StatusTopology.build(config), config.streamsProperties());
        this.streamsMeters = StreamsStartup.bindMeters(streams, ops.registry());
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
        this.kafka = new KafkaReachability(config.kafka());
        this.lag = new ConsumerLag(config.kafka(), config.lagCacheTtl(), clock);
        this.metrics = new StatusMetrics(ops, config.offerSeriesLimit());
        this.routes = StatusRoutes.table(this, ops);
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
        TopicAdmin.ensureTopics(config.kafka(), TopicPolicy.fromEnvironment());
        StatusService s = new StatusService(config, ops);
        try {
            s.streams.start();
            s.apiKeys = ApiKeyCatalog.start(config.kafka(), timeout).bindMeters(KafkaMeters.on(ops.registry()));
            s.server = OpsServer.start(config.host(), config.port(), ops, StatusRoutes.table(s, ops), s.apiKeys);
            StreamsStartup.awaitRunning(s.streams, timeout, "status service");
            s.scheduler.scheduleWithFixedDelay(
                    s::refreshQuietly, 0, config.metricsRefresh().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        LOG.info(
                "status service running on {}:{} against {}",
                config.host(),
                s.port(),
                config.kafka().shownBootstrap());
        return s;
    }

    /** Every offer, the per-type totals and the backlog, now; empty while the stores cannot be read (restoring). */
    public Optional<Overview> overview() {
        return overview(null);
    }

    /**
     * What {@code principal} may see of the overview: every offer for an unscoped one (or null), else only its
     * publishers' offers, with the totals and the dead-letter backlog computed from those offers alone.
     */
    public Optional<Overview> overview(Principal principal) {
        try {
            boolean all = principal == null || principal.unscoped();
            List<OfferState> states = new ArrayList<>();
            try (KeyValueIterator<String, OfferState> it = offersStore().all()) {
                while (it.hasNext()) {
                    OfferState state = it.next().value;
                    if (all || principal.mayActForOffer(state.offerId)) {
                        states.add(state);
                    }
                }
            }
            Map<ErrorClass, Long> backlog = all ? backlog() : backlogOf(states);
            return Optional.of(StatusViews.overview(states, backlog, clock.instant()));
        } catch (InvalidStateStoreException e) {
            return Optional.empty();
        }
    }

    private static Map<ErrorClass, Long> backlogOf(List<OfferState> states) {
        Map<ErrorClass, Long> sum = new EnumMap<>(ErrorClass.class);
        for (OfferState s : states) {
            s.open.forEach((cls, open) -> sum.merge(cls, open.count, Long::sum));
        }
        return sum;
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

    /** Every route this service serves, with its rule ({@link StatusRoutes}). */
    public RouteTable routes() {
        return routes;
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
            streamsMeters.close();
            lag.close();
            kafka.close();
            if (apiKeys != null) {
                apiKeys.close();
            }
        });
    }
}
