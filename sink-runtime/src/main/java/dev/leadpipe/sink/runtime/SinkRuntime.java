package dev.leadpipe.sink.runtime;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

import dev.leadpipe.core.destination.DestinationCatalog;
import dev.leadpipe.core.destination.DestinationSpecs;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.error.SafeErrors;
import dev.leadpipe.core.secret.SecretKeyring;
import dev.leadpipe.ops.KafkaReachability;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.ServiceProcess;
import dev.leadpipe.ops.Termination;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime every sink runs in: it consumes its destination type's delivery topic and retry tiers, delivers each
 * lead through the sink's {@link DestinationClient}, lets leads that must wait wait in Kafka, dead-letters what cannot
 * be delivered, writes one outcome per lead, and commits only what is finished. A sink module writes the client and a
 * {@code main}:
 * <pre>{@code
 * public static void main(String[] args) {
 *     SinkRuntime.run(DestinationType.TABLE, () -> SinkConfig.DECLARATION.fromEnvironment(System.getenv()), TableClient::new);   // until SIGTERM / Ctrl-C
 * }
 * }</pre>
 * In-process (tests, the local run): {@code try (SinkRuntime sink = SinkRuntime.start(config, client)) { ... }}.
 *
 * <p>This class runs the parts' lifecycle ({@link SinkParts} wires them); {@code docs/sink-runtime.md} follows a lead
 * through them: {@link DeliveryConsumer} (the consumer thread: reading, retry tier due times, pauses, commits,
 * rebalances), {@link OffsetTracker} (what is finished, also above the committed offset), {@link Dispatcher} (what
 * happens to a lead, before and after each attempt; {@link DestinationLookup}, {@link HoldPolicy},
 * {@link UnfinishedLeads}), {@link EndpointLane} (per-endpoint share: slots, queue, circuit breaker,
 * uncommitted-attempt tokens), {@link Attempt} (one call), {@link RetryTierWriter} and {@link RetryRecords} (waiting in
 * Kafka), {@link OutcomeWriter} and {@link DeadLetterRecords} (outcomes and dead letters), {@link LeadWriter} (write
 * chains that respect revocation), {@link CircuitReporter}. {@link SinkStartup} holds the work of {@link #run} and
 * {@link #start} (topics, catalog, readiness checks, clean-up of a failed start), {@link SinkKafkaClients} how its
 * consumer and producers are configured and opened, {@link ConsumerStatus} what its consumer thread reported (the first
 * assignment, readiness), {@link SinkShutdown} how it stops (draining, then closing everything in order).
 *
 * <h2>Operations</h2>
 * {@link #run} serves {@code /metrics}, {@code /health/live} and {@code /health/ready} (service {@code sink-<type>}, port
 * {@code OPS_PORT}, default {@link #defaultOpsPort}); in-process, {@link #start(SinkConfig, DestinationClient, Ops)}
 * registers the meters ({@link SinkMetrics}, names as in {@code docs/monitoring.md}) and the readiness checks
 * {@value #KAFKA_CHECK} and {@value #CONSUMER_CHECK} ({@link #readinessProblem()}) on a given {@link Ops}.
 *
 * <h2>Threads</h2>
 * One consumer thread, one scheduler thread (in-memory waits, attempt timeouts, write retries), one virtual thread per
 * delivery attempt and per write continuation. Log lines and metric tags name lead ids, offer ids and error classes
 * only: never a customer field, a setting or a secret.
 */
public final class SinkRuntime implements ServiceProcess.Service {
    private static final Logger LOG = LoggerFactory.getLogger(SinkRuntime.class);

    /** How long {@link #start} waits for the destination catalog and for the first partition assignment. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** How long {@link #close()} waits for attempts under way and their outcome writes. */
    public static final Duration CLOSE_GRACE = Duration.ofSeconds(10);
    /** How long after a sink stops heartbeating (a crash) its partitions go to the others. */
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);
    /** The consumer is not ready when its last completed poll is older than this. */
    public static final Duration MAX_POLL_AGE = Duration.ofSeconds(30);
    /** The names of the readiness checks {@link #start(SinkConfig, DestinationClient, Ops)} adds. */
    public static final String KAFKA_CHECK = "kafka";

    public static final String CONSUMER_CHECK = "consumer";

    private final SinkConfig config;
    private final DestinationType type;
    private final MeterRegistry registry;
    private final Dispatcher dispatcher;
    private final DeliveryConsumer deliveries;
    private final Thread consumerThread;
    private final ConsumerStatus status;
    private final SinkShutdown shutdown;
    private final Termination termination = new Termination();
    private volatile boolean stopping;
    private volatile boolean aborting;

    SinkRuntime(
            SinkConfig config,
            DestinationClient client,
            MeterRegistry registry,
            DestinationCatalog catalog,
            SecretKeyring keyring,
            Clock clock) {
        this.config = config;
        this.type = client.type();
        this.registry = registry;
        this.status = new ConsumerStatus(config, client);
        SinkParts parts = SinkParts.open(
                config,
                client,
                registry,
                catalog,
                keyring,
                clock,
                new ConsumerLifecycle(),
                () -> termination.isClosed() || aborting);
        this.dispatcher = parts.dispatcher();
        this.deliveries = parts.deliveries();
        this.consumerThread = parts.consumerThread();
        this.shutdown = new SinkShutdown(parts);
    }

    /** What the consumer thread tells the runtime. */
    private final class ConsumerLifecycle implements DeliveryConsumer.Lifecycle {
        @Override
        public boolean stopping() {
            return stopping;
        }

        @Override
        public boolean aborting() {
            return aborting;
        }

        @Override
        public void awaitWorkUnderWay() {
            shutdown.awaitWorkUnderWay();
        }

        @Override
        public void assigned() {
            status.assigned();
        }

        @Override
        public void polled() {
            status.polled();
        }

        @Override
        public void failed(Throwable e) {
            status.failed(e);
            termination.terminated(); // run() notices, then close() releases the rest
        }
    }

    /** {@link #start(SinkConfig, DestinationClient, MeterRegistry)} with a {@link SimpleMeterRegistry}. */
    public static SinkRuntime start(SinkConfig config, DestinationClient client) {
        return start(config, client, new SimpleMeterRegistry());
    }

    /**
     * Creates any missing pipeline topics, starts the destination catalog (waiting until it caught up), joins the
     * consumer group of {@link SinkConfig#groupIdFor} and returns once the first partition assignment arrived. The
     * runtime owns the client from here: {@link #close()} closes it, and so does a failed start.
     *
     * @throws IllegalArgumentException if the client's type has no delivery topic ({@code none}, {@code blob})
     * @throws IllegalStateException    if Kafka cannot be reached or the group not joined within {@link #START_TIMEOUT}
     */
    public static SinkRuntime start(SinkConfig config, DestinationClient client, MeterRegistry registry) {
        return start(config, client, registry, null);
    }

    /**
     * {@link #start(SinkConfig, DestinationClient, MeterRegistry)} decrypting destination secrets with
     * {@code keyring} (null: {@link SecretKeyring#fromEnvironment()}, the same keys the ingest service uses).
     */
    public static SinkRuntime start(
            SinkConfig config, DestinationClient client, MeterRegistry registry, SecretKeyring keyring) {
        return SinkStartup.start(config, client, registry, keyring, null);
    }

    /**
     * {@link #start(SinkConfig, DestinationClient, MeterRegistry)} for a service's operations: registers the meters on
     * {@code ops.registry()} and adds the readiness checks {@value #KAFKA_CHECK} (the cluster answers, see
     * {@link KafkaReachability}) and {@value #CONSUMER_CHECK} ({@link #readinessProblem()}) to {@code ops.readiness()}.
     * Both are added before the runtime starts (the consumer check says "starting" until it did) and stay not ready
     * once it is closed or failed to start. Destination secrets are decrypted with {@link SecretKeyring#fromEnvironment()}.
     */
    public static SinkRuntime start(SinkConfig config, DestinationClient client, Ops ops) {
        return start(config, client, ops, null);
    }

    /** {@link #start(SinkConfig, DestinationClient, Ops)} decrypting destination secrets with {@code keyring}. */
    public static SinkRuntime start(SinkConfig config, DestinationClient client, Ops ops, SecretKeyring keyring) {
        return SinkStartup.start(config, client, ops.registry(), keyring, ops.readiness());
    }

    /**
     * Runs a sink as a process ({@link ServiceProcess}), for a sink module's {@code main}: reads {@code settings},
     * serves its operations endpoints ({@code /metrics}, {@code /health/live}, {@code /health/ready}; service
     * {@code sink-<type>}) on {@code OPS_HOST}:{@code OPS_PORT}, by default 127.0.0.1:{@link #defaultOpsPort} of the
     * client's type, and delivers until SIGTERM / Ctrl-C, when a shutdown hook closes it gracefully. Bad settings
     * exit 2, a failed start or an unrecoverable error 1, each with one line on stderr. The client is created
     * only once the settings have been read, so a bad environment is reported before any destination library loads.
     *
     * @param type   the type the client delivers, which names the service ({@code sink-<type>}) and its default port
     * @param client creates the destination client, whose {@link DestinationClient#type()} must be {@code type}
     */
    public static void run(
            DestinationType type, Supplier<SinkConfig> settings, Supplier<? extends DestinationClient> client) {
        SinkStartup.run(type, settings, client);
    }

    /**
     * The default port of a sink's operations endpoints, from its type's spec: dynamics 9102, salesforce 9103,
     * table 9104, https 9105 ({@code docs/monitoring.md}).
     *
     * @throws IllegalArgumentException for a type no sink delivers ({@code none}, {@code blob})
     */
    public static int defaultOpsPort(DestinationType type) {
        return DestinationSpecs.of(type)
                .defaultOpsPort()
                .orElseThrow(
                        () -> new IllegalArgumentException("no sink delivers destination type " + type.wireName()));
    }

    /** Starts the consumer thread and waits for the first partition assignment (see {@link SinkStartup}). */
    void launch() {
        consumerThread.start();
        status.awaitFirstAssignment(deliveries::hasStopped, START_TIMEOUT);
    }

    /** Closes {@code resource} after everything else when the runtime closes. */
    void closeWith(AutoCloseable resource) {
        shutdown.closeWith(resource);
    }

    /** Whether {@link #close()} was called. */
    boolean isClosed() {
        return termination.isClosed();
    }

    // ---------------------------------------------------------------- lifecycle and inspection

    public SinkConfig config() {
        return config;
    }

    public DestinationType type() {
        return type;
    }

    /** Where the runtime's meters are registered. */
    public MeterRegistry meterRegistry() {
        return registry;
    }

    /** Leads held in memory and not finished: under way, queued for a slot, or waiting at most the retry horizon. */
    public int inFlight() {
        return dispatcher.inFlight();
    }

    /** Leads waiting in memory for a retry, a destination or a short wait. */
    public int parked() {
        return dispatcher.parked();
    }

    /**
     * Why the sink is not ready to work, or null when it is: not before its first partition assignment, not once
     * closed or stopped after an unrecoverable error, and not while its consumer has not completed a poll for more
     * than {@link #MAX_POLL_AGE}. One short line with no secret, setting or customer data.
     */
    public String readinessProblem() {
        return readinessProblem(System.nanoTime());
    }

    /** {@link #readinessProblem()} as at {@code nowNanos} ({@link System#nanoTime()}), for tests. */
    String readinessProblem(long nowNanos) {
        if (termination.isClosed() || stopping) {
            return "the sink is closed";
        }
        return status.problem(nowNanos, deliveries.hasStopped());
    }

    /** Whether the consumer is running: false once closed or after an unrecoverable error. */
    public boolean isRunning() {
        return !deliveries.hasStopped() && !stopping;
    }

    /** Why the sink stopped by itself (its consumer failed for good), in one line; null when it did not fail. */
    @Override
    public String failure() {
        Throwable f = status.failure();
        return f == null
                ? null
                : "the " + type.wireName() + " sink stopped after an unrecoverable error: " + SafeErrors.describe(f);
    }

    /** Blocks until the runtime is closed, or its consumer stopped after an unrecoverable error. */
    public void awaitTermination() throws InterruptedException {
        termination.await();
    }

    /**
     * Stops gracefully: stops consuming and starting attempts, waits up to {@link #CLOSE_GRACE} for attempts under
     * way and their writes (a transient failure while closing leaves its lead unfinished; nothing is dead-lettered
     * because the sink stopped), commits every finished offset, then closes the consumer, the producers, the catalog
     * and the client. Leads waiting in memory are left unfinished: the next owner of their partition reads them again.
     * Idempotent.
     */
    @Override
    public void close() {
        termination.closeOnce(() -> {
            LOG.info("sink {} closing{}", type.wireName(), aborting ? " abruptly" : "");
            stopping = true;
            shutdown.close(aborting);
            LOG.info("sink {} closed", type.wireName());
        });
    }

    /**
     * Simulates a crash, for tests: stops at once without waiting for attempts, without committing or writing
     * anything more, dropping records the producers have not sent yet.
     */
    void abort() {
        aborting = true;
        close();
    }
}
