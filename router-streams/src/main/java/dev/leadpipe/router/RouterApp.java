package dev.leadpipe.router;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.topic.KafkaClientMeters;
import dev.leadpipe.core.topic.TopicAdmin;
import dev.leadpipe.core.topic.TopicPolicy;
import dev.leadpipe.ops.KafkaReachability;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.OpsServer;
import dev.leadpipe.ops.ServiceProcess;
import dev.leadpipe.ops.StreamsStartup;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running router: one Kafka Streams instance of {@link RouterTopology}.
 *
 * <p>In-process use (ingest's tests, the local run):
 * <pre>{@code
 * try (RouterApp router = RouterApp.start(RouterConfig.of(bootstrap).with(RouterConfig.STATE_DIR, tempDir))) {
 *     ... produce leads, read deliveries / outcomes / leads-dlq ...
 *     long dropped = router.duplicateCount();
 * }
 * }</pre>
 * {@link #start(RouterConfig)} creates any missing pipeline topics, starts Streams and returns only once it is
 * RUNNING (or throws {@link IllegalStateException} after closing what it started). {@link #close()} stops it and may
 * be called more than once. As a process, {@link #main} reads {@link RouterConfig#fromEnvironment(java.util.Map)} and runs until
 * SIGTERM / Ctrl-C, exiting non-zero if Streams fails for good.
 *
 * <p>A stream thread that dies of an unexpected exception is replaced (it resumes from the last committed
 * transaction, so nothing is lost or doubled); a failure of the global (destinations) thread stops the instance,
 * visible as {@link KafkaStreams.State#ERROR} in {@link #state()}.
 *
 * <p>Operations: {@link #start(RouterConfig, Ops)} registers the {@link RouterMetrics} counters on
 * {@code ops.registry()} and the readiness checks {@code kafka} (the cluster answers) and {@code streams} (Streams
 * is RUNNING). {@link #main} serves them with {@link OpsServer} on {@code OPS_PORT} (default
 * {@value #DEFAULT_OPS_PORT}).
 */
public final class RouterApp implements ServiceProcess.Service {
    private static final Logger LOG = LoggerFactory.getLogger(RouterApp.class);

    /** How long {@link #start(RouterConfig)} waits for Streams to reach RUNNING. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    /** The {@code service} tag of the router's meters. */
    public static final String SERVICE = "router";
    /** The port of the router's ops server when {@code OPS_PORT} is not set. */
    public static final int DEFAULT_OPS_PORT = 9101;

    private final RouterConfig config;
    private final RouterMetrics metrics;
    private final KafkaStreams streams;
    private final KafkaReachability kafka;
    private final KafkaClientMeters.Binding streamsMeters;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();

    private RouterApp(RouterConfig config, RouterMetrics metrics, KafkaReachability kafka) {
        this.config = config;
        this.metrics = metrics;
        this.kafka = kafka;
        Topology topology = RouterTopology.build(config, metrics);
        this.streams = new KafkaStreams(topology, config.streamsProperties());
        this.streamsMeters = StreamsStartup.bindMeters(streams, metrics.registry());
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("a router stream thread failed; replacing it", e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> {
            LOG.info("router {} state {} -> {}", config.applicationId(), before, now);
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                terminated.countDown();
            }
        });
    }

    /** {@link #start(RouterConfig, Duration)} with {@link #DEFAULT_START_TIMEOUT}. */
    public static RouterApp start(RouterConfig config) {
        return start(config, DEFAULT_START_TIMEOUT);
    }

    /**
     * Ensures the pipeline's topics exist, starts the router and waits until it is RUNNING.
     *
     * @throws IllegalStateException if the topics cannot be created, or Streams fails or is not RUNNING within
     *                               {@code timeout}; whatever was started is closed first
     */
    public static RouterApp start(RouterConfig config, Duration timeout) {
        return start(config, timeout, new RouterMetrics(), null, new AtomicReference<>());
    }

    /** {@link #start(RouterConfig, Duration, Ops)} with {@link #DEFAULT_START_TIMEOUT}. */
    public static RouterApp start(RouterConfig config, Ops ops) {
        return start(config, DEFAULT_START_TIMEOUT, ops);
    }

    /**
     * {@link #start(RouterConfig, Duration)}, reporting to {@code ops}: the router's counters are registered on
     * {@code ops.registry()}, and {@code ops.readiness()} gains the checks {@code kafka} (the cluster answers a
     * describe-cluster request) and {@code streams} (Kafka Streams is RUNNING, else e.g. "Kafka Streams is
     * REBALANCING"). The checks are added before anything starts, so readiness is DOWN while the router starts and
     * after it closed. {@link #close()} closes the Kafka check; the caller closes {@code ops}.
     */
    public static RouterApp start(RouterConfig config, Duration timeout, Ops ops) {
        KafkaReachability kafka = new KafkaReachability(config.kafka());
        AtomicReference<RouterApp> created = new AtomicReference<>();
        ops.readiness().add("kafka", kafka).add("streams", () -> streamsProblem(created.get()));
        try {
            return start(config, timeout, new RouterMetrics(ops.registry()), kafka, created);
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    private static String streamsProblem(RouterApp app) {
        if (app == null) {
            return "Kafka Streams is not started yet";
        }
        KafkaStreams.State state = app.streams.state();
        return state == KafkaStreams.State.RUNNING ? null : "Kafka Streams is " + state;
    }

    private static RouterApp start(
            RouterConfig config,
            Duration timeout,
            RouterMetrics metrics,
            KafkaReachability kafka,
            AtomicReference<RouterApp> created) {
        TopicAdmin.ensureTopics(config.kafka(), TopicPolicy.fromEnvironment());
        RouterApp app = new RouterApp(config, metrics, kafka);
        created.set(app);
        try {
            app.streams.start();
            StreamsStartup.awaitRunning(app.streams, timeout, "router");
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
        LOG.info(
                "router {} running against {} (de-duplication window {})",
                config.applicationId(),
                config.kafka().shownBootstrap(),
                config.dedupWindow());
        return app;
    }

    /** Leads dropped as duplicates since this router started. */
    public long duplicateCount() {
        return metrics.duplicatesDropped();
    }

    /** All of this router's counters. */
    public RouterMetrics metrics() {
        return metrics;
    }

    public RouterConfig config() {
        return config;
    }

    /** The Streams state: RUNNING or REBALANCING while healthy. */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /**
     * The destination this router currently routes {@code offerId}'s leads by, from its global table of
     * {@code lead-destinations}; empty when it has none (yet). A destination saved through ingest reaches this table
     * shortly after the save, so a caller that must know the router has it asks here (or waits with
     * {@link #awaitDestination}). Throws {@link org.apache.kafka.streams.errors.InvalidStateStoreException} while the router is not
     * running.
     */
    public Optional<LeadDestination> destination(String offerId) {
        ReadOnlyKeyValueStore<String, LeadDestination> store = streams.store(StoreQueryParameters.fromNameAndType(
                RouterTopology.DESTINATIONS_STORE, QueryableStoreTypes.keyValueStore()));
        return Optional.ofNullable(store.get(offerId));
    }

    /**
     * Waits until this router routes {@code offerId}'s leads by version {@code version} or later of its destination,
     * up to {@code timeout}; returns whether it does. Ingest answers a save with the saved version, so a caller about
     * to send leads for a destination it just saved (the local run's sample feed, a test) waits here first.
     */
    public boolean awaitDestination(String offerId, long version, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (destination(offerId).filter(d -> d.version() >= version).isEmpty()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** Blocks until the router has stopped: closed, or failed for good (then {@link #state()} is ERROR). */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    /**
     * Stops the router, waiting up to 30 s for the in-flight transaction to commit, and closes its Kafka readiness
     * check. Idempotent.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            LOG.info("router {} closing", config.applicationId());
            try {
                if (!streams.close(CLOSE_TIMEOUT)) {
                    LOG.warn("router {} did not close within {}", config.applicationId(), CLOSE_TIMEOUT);
                }
            } finally {
                streamsMeters.close();
                if (kafka != null) {
                    kafka.close();
                }
            }
            terminated.countDown();
        }
    }

    /** Why the router stopped by itself (Streams in ERROR), or null. */
    @Override
    public String failure() {
        return !closed.get() && streams.state() == KafkaStreams.State.ERROR
                ? "stopped after an unrecoverable error (Kafka Streams is ERROR)"
                : null;
    }

    /**
     * Runs the router as a process ({@link ServiceProcess}): settings from {@link RouterConfig#fromEnvironment(java.util.Map)},
     * {@code /metrics} and {@code /health/*} on {@code OPS_HOST:OPS_PORT} (default 127.0.0.1:{@value #DEFAULT_OPS_PORT}).
     */
    public static void main(String[] args) {
        ServiceProcess.run(
                SERVICE,
                DEFAULT_OPS_PORT,
                () -> RouterConfig.DECLARATION.fromEnvironment(System.getenv()),
                RouterApp::start);
    }
}
