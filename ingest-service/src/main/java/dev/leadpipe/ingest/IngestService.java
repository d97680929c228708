package dev.leadpipe.ingest;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.leadpipe.core.destination.DestinationCatalog;
import dev.leadpipe.core.secret.SecretKeyring;
import dev.leadpipe.core.topic.TopicAdmin;
import dev.leadpipe.core.topic.TopicPolicy;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.ops.KafkaMeters;
import dev.leadpipe.ops.KafkaReachability;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.OpsServer;
import dev.leadpipe.ops.ServiceProcess;
import dev.leadpipe.ops.auth.ApiKeyCatalog;
import dev.leadpipe.ops.auth.Authenticator;
import dev.leadpipe.ops.auth.JwtAuthenticator;
import dev.leadpipe.ops.auth.JwtConfig;
import dev.leadpipe.ops.auth.RouteTable;
import io.javalin.Javalin;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest HTTP service: accepts marketplace leads and offers' lead destinations and writes them to Kafka,
 * answering only once Kafka acknowledged the write. Handlers are asynchronous: no request thread waits for Kafka.
 * <ul>
 *   <li>{@code POST /v1/leads}: one lead (application/json) → 202 {@code {leadId, offerId, status}}</li>
 *   <li>{@code POST /v1/leads/batch}: a JSON array or NDJSON of leads → 202 / 207 / 422 with per-item results</li>
 *   <li>{@code PUT|GET|DELETE /v1/offers/{offerId}/lead-destination}: an offer's destination, every setting
 *       checked, secrets encrypted before they reach Kafka, shown masked</li>
 *   <li>{@code POST /v1/offers/{offerId}/lead-destination/validate} and {@code POST /v1/offers/{offerId}/publish}:
 *       a test lead through the real pipeline, answered with its outcome ({@link TestLeadEndpoints})</li>
 *   <li>{@code GET /health}: liveness, 200 {@code {"status":"UP"}}</li>
 *   <li>{@code GET /metrics}, {@code GET /health/live}, {@code GET /health/ready}: the operations endpoints of
 *       {@link OpsServer} for this service's {@link #ops()} (service {@value #SERVICE}; readiness check
 *       {@code kafka}), on the same port as the API</li>
 * </ul>
 * Every route and its rule are declared together in {@link IngestRoutes}: every route but the health probes needs
 * {@code Authorization: Bearer <API key or token>} (API keys from {@code leadpipe-api-keys}; JWTs when the
 * environment's {@link JwtConfig} turns them on) (401 without a valid one, 403 for a role or publisher not allowed).
 * Every 4xx and 5xx answer is an RFC 9457 problem ({@code application/problem+json}) naming every bad field.
 * <p>
 * {@link #start(IngestConfig)} creates the pipeline's topics if needed, one shared idempotent producer and the
 * {@link DestinationCatalog}, and returns once the catalog caught up and the server listens ({@link #port()}).
 * {@link #stop()} (or {@link #close()}) stops the server, flushes the producer and stops the catalog.
 * {@link #main} runs the service from the environment ({@link IngestConfig#fromEnvironment(java.util.Map)}) until interrupted.
 */
public final class IngestService implements ServiceProcess.Service {
    private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);
    /** The {@code service} tag of ingest's meters. */
    public static final String SERVICE = "ingest";

    private static final Duration CATALOG_CATCH_UP = Duration.ofSeconds(60);
    /** A safety net beyond the producer's own delivery time-out: an async answer pending longer gets 503. */
    private static final long ASYNC_TIMEOUT_MS = KafkaWriter.DELIVERY_TIMEOUT_MS + 15_000L;

    private final IngestConfig config;
    private final KafkaWriter writer;
    private final DestinationCatalog catalog;
    private final OutcomeAwaiter outcomes;
    private final ApiKeyCatalog apiKeys;
    private final RouteTable routes;
    private final Javalin app;
    private final Ops ops;
    private final boolean ownsOps;
    private final KafkaReachability kafka;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);

    private IngestService(
            IngestConfig config,
            KafkaWriter writer,
            DestinationCatalog catalog,
            OutcomeAwaiter outcomes,
            ApiKeyCatalog apiKeys,
            Authenticator authenticator,
            SecretKeyring keyring,
            Ops ops,
            boolean ownsOps,
            KafkaReachability kafka) {
        this.config = config;
        this.writer = writer;
        this.catalog = catalog;
        this.outcomes = outcomes;
        this.apiKeys = apiKeys;
        this.ops = ops;
        this.ownsOps = ownsOps;
        this.kafka = kafka;
        Clock clock = Clock.systemUTC();
        LeadEndpoints leads = new LeadEndpoints(config, writer, clock, new IngestMetrics(ops.registry()));
        DestinationEndpoints destinations = new DestinationEndpoints(config, writer, catalog, keyring, clock);
        TestLeadEndpoints testLeads = new TestLeadEndpoints(
                config, catalog, new TestLeadRoundTrip(writer, outcomes, clock, config.validationTimeout()));
        this.routes = IngestRoutes.table(ops, leads, destinations, testLeads);
        this.app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.http.maxRequestSize = config.maxBodyBytes();
            cfg.http.prefer405over404 = true;
            cfg.http.asyncTimeout =
                    Math.max(ASYNC_TIMEOUT_MS, config.validationTimeout().toMillis() + 15_000L);
            cfg.jetty.timeoutStatus = 503;
            cfg.jetty.modifyServer(server -> server.setErrorHandler(new ProblemErrorHandler()));
            routes.register(cfg.routes, authenticator);
            HttpErrors.register(cfg.routes, config);
        });
    }

    /**
     * Starts the service: ensures the topics exist ({@code KAFKA_REPLICATION_FACTOR}, default 1), creates the
     * producer, waits for the destination catalog and the API keys ({@code leadpipe-api-keys}) to catch up, then listens on {@code config.host():config.port()}.
     *
     * Its meters and readiness are those of a new {@link Ops} of service {@value #SERVICE}, closed on {@link #stop()}.
     *
     * @throws IllegalStateException when Kafka cannot be reached or the port cannot be bound
     */
    public static IngestService start(IngestConfig config) {
        return start(config, Ops.forService(SERVICE), true);
    }

    /**
     * {@link #start(IngestConfig)} with the caller's {@link Ops}: ingest's meters are registered on its registry and
     * its readiness gains the check {@code kafka}; {@code /metrics} and {@code /health/*} serve it. The caller
     * closes {@code ops} (after {@link #stop()}).
     */
    public static IngestService start(IngestConfig config, Ops ops) {
        return start(config, ops, false);
    }

    private static IngestService start(IngestConfig config, Ops ops, boolean ownsOps) {
        try {
            TopicAdmin.ensureTopics(config.kafka(), TopicPolicy.fromEnvironment());
        } catch (RuntimeException e) {
            if (ownsOps) {
                ops.close();
            }
            throw e;
        }
        Producer<byte[], byte[]> producer = KafkaWriter.createProducer(config.kafka());
        KafkaWriter writer = new KafkaWriter(producer);
        try {
            writer.warmUp(Topics.LEADS);
            writer.warmUp(Topics.LEAD_DESTINATIONS);
        } catch (RuntimeException e) {
            writer.close(Duration.ZERO);
            if (ownsOps) {
                ops.close();
            }
            throw new IllegalStateException("Kafka at " + config.kafka().shownBootstrap() + " is not reachable", e);
        }
        return start(config, writer, ops, ownsOps);
    }

    /** Starts with the given producer (tests substitute a {@code MockProducer}); the topics must exist. */
    static IngestService start(IngestConfig config, Producer<byte[], byte[]> producer) {
        return start(config, new KafkaWriter(producer), Ops.forService(SERVICE), true);
    }

    private static IngestService start(IngestConfig config, KafkaWriter writer, Ops ops, boolean ownsOps) {
        DestinationCatalog catalog = null;
        OutcomeAwaiter outcomes = null;
        ApiKeyCatalog apiKeys = null;
        KafkaReachability kafka = null;
        try {
            SecretKeyring keyring = SecretKeyring.fromEnvironment();
            KafkaMeters kafkaMeters = KafkaMeters.on(ops.registry());
            writer.bindMeters(kafkaMeters);
            catalog = DestinationCatalog.start(config.kafka(), CATALOG_CATCH_UP).bindMeters(kafkaMeters);
            outcomes =
                    new OutcomeAwaiter(config.kafka()).start(CATALOG_CATCH_UP).bindMeters(kafkaMeters);
            JwtConfig jwt = JwtConfig.DECLARATION.fromEnvironment(System.getenv());
            apiKeys = ApiKeyCatalog.start(config.kafka(), CATALOG_CATCH_UP).bindMeters(kafkaMeters);
            Authenticator authenticator = JwtAuthenticator.withApiKeys(apiKeys, jwt);
            kafka = new KafkaReachability(config.kafka());
            ops.readiness().add("kafka", kafka);
            IngestService service = new IngestService(
                    config, writer, catalog, outcomes, apiKeys, authenticator, keyring, ops, ownsOps, kafka);
            service.app.start(config.host(), config.port());
            LOG.info(
                    "ingest listening on http://{}:{} (Kafka {})",
                    config.host(),
                    service.port(),
                    config.kafka().shownBootstrap());
            return service;
        } catch (RuntimeException e) {
            if (kafka != null) {
                kafka.close();
            }
            if (ownsOps) {
                ops.close();
            }
            if (outcomes != null) {
                outcomes.close();
            }
            if (apiKeys != null) {
                apiKeys.close();
            }
            if (catalog != null) {
                catalog.close();
            }
            writer.close(Duration.ZERO);
            throw e;
        }
    }

    /** The port the server listens on: the configured one, or the one picked when it was 0. */
    public int port() {
        return app.port();
    }

    public IngestConfig config() {
        return config;
    }

    /** This service's meters and readiness, served on its port at {@code /metrics} and {@code /health/*}. */
    public Ops ops() {
        return ops;
    }

    /** Every route this service serves, with its rule ({@link IngestRoutes}). */
    public RouteTable routes() {
        return routes;
    }

    /** The local view of every offer's lead destination. */
    public DestinationCatalog destinations() {
        return catalog;
    }

    /**
     * Stops the HTTP server, flushes and closes the producer, stops the catalog and closes the Kafka readiness check
     * (and the {@link Ops}, when {@link #start(IngestConfig)} created it). Safe to call more than once.
     */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        try {
            app.stop();
        } finally {
            try {
                writer.close(Duration.ofSeconds(10));
            } finally {
                try {
                    outcomes.close();
                    catalog.close();
                    apiKeys.close();
                } finally {
                    kafka.close();
                    if (ownsOps) {
                        ops.close();
                    }
                    terminated.countDown();
                }
            }
        }
        LOG.info("ingest stopped");
    }

    @Override
    public void close() {
        stop();
    }

    /** Blocks until {@link #stop()}: ingest has no failure that stops it by itself. */
    @Override
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    /** Always null: a request that fails is answered, and Kafka being away only makes the service not ready. */
    @Override
    public String failure() {
        return null;
    }

    /**
     * Runs the service as a process ({@link ServiceProcess}): settings from {@link IngestConfig#fromEnvironment(java.util.Map)},
     * the API, {@code /metrics} and {@code /health/*} on {@code INGEST_HOST:INGEST_PORT}, until SIGTERM / Ctrl-C.
     */
    public static void main(String[] args) {
        ServiceProcess.runServingOwnOpsRoutes(
                SERVICE, () -> IngestConfig.DECLARATION.fromEnvironment(System.getenv()), IngestService::start);
    }
}
