package dev.leadpipe.sink.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.leadpipe.core.KafkaSettings;
import dev.leadpipe.core.circuit.CircuitReport;
import dev.leadpipe.core.destination.DestinationCatalog;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.dlq.PipelineHeaders;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.error.Redaction;
import dev.leadpipe.core.error.SafeErrors;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.UserDetails;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.secret.SecretKeyring;
import dev.leadpipe.core.secret.SecretUnreadableException;
import dev.leadpipe.core.topic.TopicAdmin;
import dev.leadpipe.core.topic.TopicSpec;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.ops.KafkaReachability;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.Readiness;
import dev.leadpipe.ops.ServiceProcess;

/**
 * The runtime every sink runs in: it consumes its destination type's delivery topic, delivers each lead through the
 * sink's {@link DestinationClient}, retries transient failures, dead-letters the rest, writes one outcome per lead,
 * and commits only what is finished. A sink module writes the client and a {@code main}:
 * <pre>{@code
 * public static void main(String[] args) {
 *     SinkRuntime.run(DestinationType.TABLE, SinkConfig::fromEnvironment, TableClient::new);   // until SIGTERM / Ctrl-C
 * }
 * }</pre>
 * In-process (tests, the local run): {@code try (SinkRuntime sink = SinkRuntime.start(config, client)) { ... }}.
 *
 * <h2>Per lead</h2>
 * At every attempt the offer's <em>current</em> destination is read from a {@link DestinationCatalog}, so a fixed
 * configuration applies to the next attempt. No destination (after a one-second grace for a catalog that has not yet
 * read a new one) or one of another type dead-letters the lead as {@link ErrorClass#NO_DESTINATION_CONFIGURED}
 * ({@link ErrorClass#DESTINATION_UNSUPPORTED} for blob). Otherwise the lead waits for its endpoint's
 * ({@link DestinationClient#endpoint}) concurrency cap and circuit breaker, then {@link DestinationClient#deliver} runs
 * on a virtual thread:
 * <ul>
 *   <li>success: a {@code DELIVERED} outcome (record id, attempts, latency) on {@code lead-outcomes};</li>
 *   <li>transient failure: {@link RetryPolicy} picks the next attempt time and the lead is parked until then, while
 *       consumption and every other lead go on; once the budget is spent it is dead-lettered with that last
 *       failure's class;</li>
 *   <li>permanent failure: dead-lettered at once, after one attempt;</li>
 *   <li>an open circuit parks the endpoint's leads without attempting them (no attempt is counted); their time budget
 *       runs on, and one spent while held dead-letters the lead with the endpoint's last failure.</li>
 * </ul>
 * A dead-letter record keeps the delivery record's key, raw bytes, timestamp and headers, adds the
 * {@link dev.leadpipe.core.dlq.DeadLetterHeaders} context (detail redacted of the destination's secret settings and
 * the lead's personal fields), goes to the source partition of {@code leads-dlq}, and is followed by a
 * {@code DEAD_LETTERED} outcome. An unreadable record is dead-lettered as {@link ErrorClass#MALFORMED_RECORD} with its
 * raw bytes.
 *
 * <h2>Why in-memory parking and out-of-order offsets</h2>
 * A lead waiting for a retry must not hold up its partition: one publisher's broken destination would stop every
 * other publisher whose leads share the partition. Retry topics would avoid that but add topics, a second consumer
 * and re-ordering of their own. Instead a waiting lead is parked in memory (a timer per lead, a queue per endpoint for
 * the concurrency cap) and the consumer keeps reading. Leads therefore finish out of order, so the committed offset of
 * a partition is its lowest unfinished offset ({@link OffsetTracker}), advanced only once a lead's outcome (and
 * dead-letter record) were acknowledged by Kafka ({@code acks=all}, idempotent producer). Memory is bounded by pausing
 * consumption while more than {@link SinkConfig#maxInFlight()} leads are unfinished.
 *
 * <h2>Crash semantics</h2>
 * At-least-once toward the destination and toward {@code lead-outcomes}. A crash (or a revoked partition) loses only
 * in-memory state: every lead at or after the committed offset is read again — parked and in-flight ones, and finished
 * ones behind them — and delivered again. Destinations upsert on leadId, so the CRM still holds one record; but a lead
 * that had finished may get a second outcome with the same leadId, and its retry budget starts over. On revocation the
 * finished prefix is committed and the revoked partitions' leads are dropped; an attempt already under way finishes
 * but writes no outcome (the new owner will). The group uses the cooperative-sticky assignor, so a rebalance revokes
 * only the partitions that move and the others keep their parked leads.
 *
 * <h2>Operations</h2>
 * {@link #run} serves {@code /metrics}, {@code /health/live} and {@code /health/ready} (service {@code sink-<type>}, port
 * {@code OPS_PORT}, default {@link #defaultOpsPort}); in-process, {@link #start(SinkConfig, DestinationClient, Ops)}
 * registers the meters ({@link SinkMetrics}, names as in {@code docs/monitoring.md}) and the readiness checks
 * {@value #KAFKA_CHECK} and {@value #CONSUMER_CHECK} ({@link #readinessProblem()}) on a given {@link Ops}. Each
 * transition of an endpoint's circuit breaker is published to {@code destination-circuits} as one
 * {@link CircuitReport} per offer whose leads used the endpoint (offer, type, state, since, error class: no endpoint,
 * setting or secret), fire-and-forget: a report that cannot be written is logged and never holds up a lead.
 *
 * <h2>Threads</h2>
 * One consumer thread (poll, parse, track, commit every {@link SinkConfig#commitInterval()}, pause/resume, rebalance),
 * one scheduler thread (parking timers, attempt timeouts), one virtual thread per delivery attempt. Log lines and
 * metric tags name lead ids, offer ids and error classes only: never a customer field, a setting or a secret.
 */
public final class SinkRuntime implements ServiceProcess.Service {
    private static final Logger LOG = LoggerFactory.getLogger(SinkRuntime.class);

    /** How long {@link #start} waits for the destination catalog and for the first partition assignment. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** How long {@link #close()} waits for attempts under way and their outcome writes. */
    public static final Duration CLOSE_GRACE = Duration.ofSeconds(10);
    /** How long a lead whose offer has no destination waits once for the catalog to catch up before dead-lettering. */
    static final Duration DESTINATION_GRACE = Duration.ofSeconds(1);
    private static final Duration WRITE_RETRY = Duration.ofSeconds(1);
    private static final Duration POLL = Duration.ofMillis(100);
    /** The consumer is not ready when its last completed poll is older than this. */
    public static final Duration MAX_POLL_AGE = Duration.ofSeconds(30);
    /** The names of the readiness checks {@link #start(SinkConfig, DestinationClient, Ops)} adds. */
    public static final String KAFKA_CHECK = "kafka";
    public static final String CONSUMER_CHECK = "consumer";

    private final SinkConfig config;
    private final DestinationClient client;
    private final DestinationType type;
    private final TopicSpec<String, Lead> topic;
    private final Clock clock;
    private final RetryPolicy policy;
    private final MeterRegistry registry;
    private final SinkMetrics metrics;
    private final DestinationCatalog catalog;
    private final SecretKeyring keyring;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final int deadLetterPartitions;

    private final OffsetTracker offsets = new OffsetTracker();
    private final Set<PendingLead> live = ConcurrentHashMap.newKeySet();
    private final Set<PendingLead> parked = ConcurrentHashMap.newKeySet();
    private final Map<String, EndpointLane> lanes = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor scheduler;
    private final ExecutorService workers;
    private final AtomicInteger attemptsUnderWay = new AtomicInteger();
    private final AtomicInteger writesUnderWay = new AtomicInteger();
    private final Thread consumerThread;
    private final CountDownLatch firstAssignment = new CountDownLatch(1);
    private final CountDownLatch consumerStopped = new CountDownLatch(1);
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean stopping;
    private volatile boolean aborting;
    private volatile Throwable failure;
    private volatile long lastPollNanos = System.nanoTime();
    /** Closed after everything else by {@link #close()} (the Kafka readiness check). */
    private final List<AutoCloseable> closeWith = new CopyOnWriteArrayList<>();
    private boolean paused;

    private SinkRuntime(SinkConfig config, DestinationClient client, MeterRegistry registry,
                        DestinationCatalog catalog, SecretKeyring keyring, Clock clock) {
        this.config = config;
        this.keyring = keyring;
        this.client = client;
        this.type = client.type();
        this.topic = Topics.deliveryTopic(type);
        this.clock = clock;
        this.policy = RetryPolicy.of(config, clock, () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble());
        this.registry = registry;
        this.catalog = catalog;
        this.metrics = new SinkMetrics(registry, type, live::size, parked::size,
                () -> lanes.values().stream().filter(l -> l.breaker.state() != CircuitBreaker.State.CLOSED).count());
        String clientId = "leadpipe-sink-" + type.wireName() + "-" + UUID.randomUUID().toString().substring(0, 8);

        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-producer");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());

        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupIdFor(type));
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.min(500, config.maxInFlight()));
        // cooperative: a rebalance revokes only the partitions that move, so the others keep their parked leads
        c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        KafkaConsumer<String, byte[]> created = null;
        int dlqPartitions;
        try {
            created = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
            List<PartitionInfo> dlq = producer.partitionsFor(Topics.LEADS_DLQ.name());
            dlqPartitions = dlq == null ? 0 : dlq.size();
            // fetched now so that publishing a circuit report does not wait for metadata
            producer.partitionsFor(Topics.DESTINATION_CIRCUITS.name());
        } catch (RuntimeException e) {
            if (created != null) {
                created.close(CloseOptions.timeout(Duration.ZERO));
            }
            producer.close(Duration.ZERO);
            throw e;
        }
        this.consumer = created;
        this.deadLetterPartitions = dlqPartitions;

        this.scheduler = new ScheduledThreadPoolExecutor(1,
                r -> Thread.ofPlatform().daemon().name("sink-" + type.wireName() + "-scheduler").unstarted(r));
        this.scheduler.setRemoveOnCancelPolicy(true);
        this.workers = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("sink-" + type.wireName() + "-attempt-", 0).factory());
        this.consumerThread = Thread.ofPlatform().daemon().name("sink-" + type.wireName() + "-consumer")
                .unstarted(this::consume);
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
    public static SinkRuntime start(SinkConfig config, DestinationClient client, MeterRegistry registry,
                                    SecretKeyring keyring) {
        return start(config, client, registry, keyring, null);
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
        return start(config, client, ops.registry(), keyring, ops.readiness());
    }

    private static SinkRuntime start(SinkConfig config, DestinationClient client, MeterRegistry registry,
                                     SecretKeyring keyring, Readiness readiness) {
        if (readiness == null || !client.type().isDeliverable()) {
            return startRuntime(config, client, registry, keyring, null);
        }
        KafkaReachability reachability;
        try {
            reachability = new KafkaReachability(config.bootstrapServers());
        } catch (RuntimeException e) {
            closeQuietly(client); // the runtime owns the client from the start, as a failed start closes it
            throw e;
        }
        AtomicReference<SinkRuntime> started = new AtomicReference<>();
        AtomicReference<String> notStarted = new AtomicReference<>("the sink is starting");
        AtomicBoolean failedToStart = new AtomicBoolean();
        readiness.add(KAFKA_CHECK, () -> {
            SinkRuntime r = started.get();
            if (failedToStart.get() || (r != null && r.closed.get())) {
                return r == null ? "the sink failed to start" : "the sink is closed";
            }
            return reachability.problem();
        });
        readiness.add(CONSUMER_CHECK, () -> {
            SinkRuntime r = started.get();
            return r == null ? notStarted.get() : r.readinessProblem();
        });
        try {
            SinkRuntime runtime = startRuntime(config, client, registry, keyring, reachability);
            started.set(runtime);
            return runtime;
        } catch (RuntimeException e) {
            failedToStart.set(true);
            notStarted.set("the sink failed to start");
            closeQuietly(reachability); // startRuntime closed it already if the runtime was built: closing is idempotent
            throw e;
        }
    }

    private static SinkRuntime startRuntime(SinkConfig config, DestinationClient client, MeterRegistry registry,
                                            SecretKeyring keyring, AutoCloseable closeWithRuntime) {
        DestinationCatalog catalog = null;
        SinkRuntime runtime = null;
        try {
            if (!client.type().isDeliverable()) {
                throw new IllegalArgumentException("destination type " + client.type().wireName()
                        + " has no delivery topic");
            }
            TopicAdmin.ensureTopics(config.bootstrapServers(), KafkaSettings.replicationFactor());
            SecretKeyring keys = keyring != null ? keyring : SecretKeyring.fromEnvironment();
            catalog = DestinationCatalog.start(config.bootstrapServers(), START_TIMEOUT);
            runtime = new SinkRuntime(config, client, registry, catalog, keys, Clock.systemUTC());
            if (closeWithRuntime != null) {
                runtime.closeWith.add(closeWithRuntime);
            }
            runtime.consumerThread.start();
            runtime.awaitFirstAssignment();
        } catch (RuntimeException e) {
            if (runtime != null) {
                runtime.close();
            } else {
                if (catalog != null) {
                    catalog.close();
                }
                closeQuietly(client);
            }
            throw e;
        }
        LOG.info("sink {} running: group {}, topic {}, {}", runtime.type.wireName(), config.groupIdFor(runtime.type),
                runtime.topic.name(), config);
        return runtime;
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
    public static void run(DestinationType type, Supplier<SinkConfig> settings,
                           Supplier<? extends DestinationClient> client) {
        ServiceProcess.run("sink-" + type.wireName(), defaultOpsPort(type), settings, (config, ops) -> {
            DestinationClient created = client.get();
            if (created.type() != type) {
                closeQuietly(created);
                throw new IllegalStateException("a " + created.type().wireName() + " client cannot run as the "
                        + type.wireName() + " sink");
            }
            return start(config, created, ops);
        });
    }

    /**
     * The default port of a sink's operations endpoints: dynamics 9102, salesforce 9103, table 9104, https 9105
     * ({@code docs/monitoring.md}).
     *
     * @throws IllegalArgumentException for a type no sink delivers ({@code none}, {@code blob})
     */
    public static int defaultOpsPort(DestinationType type) {
        return switch (type) {
            case DYNAMICS -> 9102;
            case SALESFORCE -> 9103;
            case TABLE -> 9104;
            case HTTPS -> 9105;
            default -> throw new IllegalArgumentException("no sink delivers destination type " + type.wireName());
        };
    }

    private void awaitFirstAssignment() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try {
            while (!firstAssignment.await(50, TimeUnit.MILLISECONDS)) {
                if (consumerStopped.getCount() == 0) {
                    throw new IllegalStateException("the sink's consumer stopped while starting: "
                            + (failure == null ? "closed" : SafeErrors.describe(failure)));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the sink did not join consumer group "
                            + config.groupIdFor(type) + " within " + START_TIMEOUT);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the sink", e);
        }
    }

    // ---------------------------------------------------------------- consumer thread

    private void consume() {
        try {
            consumer.subscribe(List.of(topic.name()), new Rebalance());
            long nextCommit = System.nanoTime() + config.commitInterval().toNanos();
            while (!stopping) {
                applyBackpressure();
                ConsumerRecords<String, byte[]> records;
                try {
                    records = consumer.poll(POLL);
                } catch (WakeupException e) {
                    continue; // close() woke us: the loop condition decides
                } finally {
                    lastPollNanos = System.nanoTime();
                }
                for (ConsumerRecord<String, byte[]> record : records) {
                    accept(record);
                }
                if (System.nanoTime() >= nextCommit) {
                    recordFetchPositions();
                    commitAsync();
                    nextCommit = System.nanoTime() + config.commitInterval().toNanos();
                }
            }
            if (!aborting) {
                awaitWorkUnderWay();
                recordFetchPositions();
                commitSync(offsets.committable());
            }
        } catch (Throwable e) {
            if (!stopping) {
                failure = e;
                LOG.error("sink {} consumer stopped after an unrecoverable error: {}", type.wireName(),
                        SafeErrors.describe(e));
            }
        } finally {
            try {
                // an abort still leaves the group, so that tests need not wait for the session timeout
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(aborting ? 2 : 5))
                        .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            } catch (RuntimeException e) {
                LOG.warn("closing the sink consumer failed: {}", SafeErrors.describe(e));
            }
            consumerStopped.countDown();
            if (failure != null) {
                terminated.countDown(); // run() notices, then close() releases the rest
            }
        }
    }

    private void applyBackpressure() {
        int inFlight = offsets.pending();
        if (inFlight > config.maxInFlight()) {
            if (!paused) {
                LOG.info("sink {} pausing consumption: {} leads in flight (max {})", type.wireName(), inFlight,
                        config.maxInFlight());
                paused = true;
            }
            consumer.pause(consumer.assignment()); // again each time: covers partitions assigned since
        } else if (paused && inFlight < config.maxInFlight()) {
            consumer.resume(consumer.paused());
            paused = false;
            LOG.info("sink {} resuming consumption: {} leads in flight", type.wireName(), inFlight);
        }
    }

    private void accept(ConsumerRecord<String, byte[]> record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        long epoch = offsets.track(tp, record.offset());
        Lead lead = null;
        String unreadable = null;
        if (record.value() == null) {
            unreadable = "the record on " + record.topic() + " has no value";
        } else {
            try {
                lead = topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
            } catch (RuntimeException e) {
                unreadable = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
            }
        }
        PendingLead p = new PendingLead(tp, record.offset(), epoch, record.key(), record.value(), record.headers(),
                record.timestamp(), lead, PipelineHeaders.replayCount(record.headers()));
        live.add(p);
        if (lead == null) {
            deadLetter(p, null, new DeliveryFailure(ErrorClass.MALFORMED_RECORD, 0, null, unreadable), "unreadable");
            return;
        }
        dispatch(p, false);
    }

    /** Tells the tracker where the consumer stands, so a finished partition commits past trailing markers too. */
    private void recordFetchPositions() {
        for (TopicPartition tp : consumer.assignment()) {
            try {
                offsets.fetched(tp, consumer.position(tp, Duration.ZERO));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                // no position known yet: the next commit tries again
            }
        }
    }

    private void commitAsync() {
        Map<TopicPartition, OffsetAndMetadata> toCommit = offsets.committable();
        if (!toCommit.isEmpty()) {
            consumer.commitAsync(toCommit, (committed, e) -> {
                if (e == null) {
                    offsets.committed(committed);
                } else {
                    LOG.warn("sink {} commit failed, retried at the next interval: {}", type.wireName(),
                            e.getClass().getSimpleName());
                }
            });
        }
    }

    private void commitSync(Map<TopicPartition, OffsetAndMetadata> toCommit) {
        if (toCommit.isEmpty()) {
            return;
        }
        for (int tries = 0; tries < 2; tries++) {
            try {
                consumer.commitSync(toCommit, Duration.ofSeconds(10));
                offsets.committed(toCommit);
                return;
            } catch (WakeupException e) {
                // a wakeup from close() that no poll consumed: try once more
            } catch (RuntimeException e) {
                LOG.warn("sink {} could not commit {} partition(s); their unfinished leads will be read again: {}",
                        type.wireName(), toCommit.size(), SafeErrors.describe(e));
                return;
            }
        }
    }

    private void awaitWorkUnderWay() {
        long deadline = System.nanoTime() + CLOSE_GRACE.toNanos();
        while ((attemptsUnderWay.get() > 0 || writesUnderWay.get() > 0) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Runs in the consumer thread, inside poll (and close). */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            offsets.assigned(partitions);
            if (!partitions.isEmpty()) {
                LOG.info("sink {} assigned {}", type.wireName(), partitions);
            }
            firstAssignment.countDown();
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            if (!aborting) {
                commitSync(offsets.committable(partitions));
            }
            drop(partitions);
            LOG.info("sink {} revoked {}", type.wireName(), partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            drop(partitions);
            LOG.warn("sink {} lost {}; their unfinished leads will be read again by the new owner", type.wireName(),
                    partitions);
        }

        private void drop(Collection<TopicPartition> partitions) {
            Set<TopicPartition> gone = new HashSet<>(partitions);
            offsets.removed(gone);
            for (PendingLead p : live) {
                if (gone.contains(p.partition)) {
                    p.cancelled = true;
                    live.remove(p);
                    if (parked.remove(p)) {
                        ScheduledFuture<?> task = p.parkedTask;
                        if (task != null) {
                            task.cancel(false);
                        }
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- dispatching

    /**
     * Sends a lead on its way: resolves its offer's current destination and hands it to that endpoint's lane.
     * Runs on the consumer, scheduler or an attempt thread.
     *
     * @param front whether a lead that must wait for a free slot goes to the front of its lane's queue
     */
    private void dispatch(PendingLead p, boolean front) {
        if (p.cancelled || stopping) {
            return;
        }
        LeadDestination destination = null;
        try {
            String offerId = p.offerId();
            Optional<LeadDestination> found = offerId == null ? Optional.empty() : catalog.get(offerId);
            if (found.isEmpty()) {
                if (offerId != null && !p.destinationGraceUsed) {
                    p.destinationGraceUsed = true;
                    park(p, clock.instant().plus(DESTINATION_GRACE));
                    return;
                }
                deadLetter(p, null, new DeliveryFailure(ErrorClass.NO_DESTINATION_CONFIGURED, 0, null,
                        offerId == null ? "the lead names no offer" : "offer " + offerId + " has no lead destination"),
                        "no destination");
                return;
            }
            destination = found.get();
            if (destination.type() == type) {
                try {
                    destination = keyring.decryptSecrets(destination);
                } catch (SecretUnreadableException e) {
                    deadLetter(p, destination, new DeliveryFailure(ErrorClass.SECRET_UNREADABLE, 0, null, e.getMessage()),
                            "secret unreadable");
                    return;
                }
            }
            if (destination.type() != type) {
                ErrorClass c = destination.type() == DestinationType.BLOB
                        ? ErrorClass.DESTINATION_UNSUPPORTED : ErrorClass.NO_DESTINATION_CONFIGURED;
                deadLetter(p, destination, new DeliveryFailure(c, 0, null, "offer " + offerId
                        + " now has a lead destination of type " + destination.type().wireName() + ", not "
                        + type.wireName() + "; replay the lead to route it there"),
                        "destination type now " + destination.type().wireName());
                return;
            }
            lane(client.endpoint(destination)).submit(p, destination, front);
        } catch (RuntimeException e) {
            LOG.error("lead {} of offer {}: dispatching failed: {}", p.leadId(), p.offerId(), SafeErrors.describe(e));
            onFailure(p, destination, null, new DeliveryFailure(ErrorClass.UNKNOWN, 0, null,
                    "the sink failed to dispatch the lead: " + e.getClass().getName()), "error");
        }
    }

    private EndpointLane lane(String endpoint) {
        return lanes.computeIfAbsent(endpoint, EndpointLane::new);
    }

    /** Parks a lead until {@code at}, when it is dispatched again (destination looked up anew). */
    private void park(PendingLead p, Instant at) {
        long delayMs = Math.max(0, Duration.between(clock.instant(), at).toMillis());
        parked.add(p);
        try {
            p.parkedTask = scheduler.schedule(() -> {
                if (parked.remove(p)) {
                    dispatch(p, false);
                }
            }, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            parked.remove(p); // shutting down: the lead stays unfinished and is read again
        }
    }

    /**
     * One endpoint's admission: at most {@link SinkConfig#maxConcurrencyPerEndpoint()} calls at a time (a counted
     * semaphore under a lock, with a FIFO of waiting leads so a released slot always picks the next one up) and its
     * {@link CircuitBreaker}.
     */
    private final class EndpointLane {
        final String endpoint;
        final CircuitBreaker breaker;
        final ReentrantLock lock = new ReentrantLock();
        final ArrayDeque<PendingLead> waiting = new ArrayDeque<>();
        int inUse;
        /** The offers whose leads came this way: each gets a {@link CircuitReport} when the circuit changes. */
        final Set<String> offers = ConcurrentHashMap.newKeySet();
        final Object reportLock = new Object();
        volatile long reportedGeneration;

        EndpointLane(String endpoint) {
            this.endpoint = endpoint;
            this.breaker = new CircuitBreaker(config.breakerFailureThreshold(), config.breakerOpenDuration(), clock);
        }

        void submit(PendingLead p, LeadDestination destination, boolean front) {
            if (p.offerId() != null) {
                offers.add(p.offerId());
            }
            boolean admitted;
            lock.lock();
            try {
                if (inUse >= config.maxConcurrencyPerEndpoint()) {
                    if (front) {
                        waiting.addFirst(p);
                    } else {
                        waiting.addLast(p);
                    }
                    return;
                }
                admitted = breaker.tryAcquire();
                if (admitted) {
                    inUse++;
                }
            } finally {
                lock.unlock();
            }
            reportTransitions(); // an open circuit whose time is up just became half-open
            if (admitted) {
                startAttempt(p, destination, this);
            } else {
                holdForOpenCircuit(p, destination, this);
            }
        }

        /**
         * Publishes the breaker's state to {@code destination-circuits} for every offer seen on this lane if it changed
         * since the last report. Called after every call that may change it; under a lock that reads the state anew,
         * so the last report written is always the breaker's latest state.
         */
        void reportTransitions() {
            if (breaker.snapshot().generation() == reportedGeneration) {
                return;
            }
            synchronized (reportLock) {
                CircuitBreaker.Snapshot state = breaker.snapshot();
                if (state.generation() == reportedGeneration) {
                    return;
                }
                reportedGeneration = state.generation();
                publishCircuit(state, List.copyOf(offers));
            }
        }

        /** A call returned: frees its slot and lets waiting leads through while slots are free. */
        void release() {
            lock.lock();
            try {
                inUse--;
            } finally {
                lock.unlock();
            }
            drain();
        }

        private void drain() {
            while (true) {
                PendingLead next;
                lock.lock();
                try {
                    if (inUse >= config.maxConcurrencyPerEndpoint() || waiting.isEmpty()) {
                        return;
                    }
                    next = waiting.pollFirst();
                } finally {
                    lock.unlock();
                }
                if (!next.cancelled) {
                    dispatch(next, true);
                }
            }
        }
    }

    /**
     * Writes one {@link CircuitReport} per offer, fire-and-forget: a report that cannot be written is logged and
     * lost, and never holds up a lead. The report names the offer, the type, the state and an error class only.
     */
    private void publishCircuit(CircuitBreaker.Snapshot state, List<String> offerIds) {
        if (closed.get() || aborting) {
            return;
        }
        CircuitReport.State reported = CircuitReport.State.valueOf(state.state().name());
        ErrorClass errorClass = state.state() == CircuitBreaker.State.CLOSED || state.lastFailure() == null
                ? null : state.lastFailure().errorClass();
        LOG.debug("sink {}: circuit {} reported for offer(s) {}", type.wireName(), reported, offerIds);
        for (String offerId : offerIds) {
            CircuitReport report = new CircuitReport(offerId, type.wireName(), reported, state.since(), errorClass);
            try {
                byte[] value = Topics.DESTINATION_CIRCUITS.valueSerde().serializer()
                        .serialize(Topics.DESTINATION_CIRCUITS.name(), report);
                producer.send(new ProducerRecord<>(Topics.DESTINATION_CIRCUITS.name(), offerId, value), (md, e) -> {
                    if (e != null) {
                        LOG.warn("sink {}: the circuit report {} of offer {} was not written: {}", type.wireName(),
                                reported, offerId, SafeErrors.describe(e));
                    }
                });
            } catch (RuntimeException e) {
                LOG.warn("sink {}: the circuit report {} of offer {} was not written: {}", type.wireName(), reported,
                        offerId, SafeErrors.describe(e));
            }
        }
    }

    private void holdForOpenCircuit(PendingLead p, LeadDestination destination, EndpointLane lane) {
        Instant now = clock.instant();
        if (p.budgetStart == null) {
            p.budgetStart = now;
        }
        if (policy.timeBudgetSpent(p.budgetStart)) {
            DeliveryFailure last = p.lastFailure != null ? p.lastFailure : lane.breaker.lastFailure();
            deadLetter(p, destination, last != null ? last : new DeliveryFailure(ErrorClass.UNKNOWN, 0, null,
                    "the endpoint's circuit breaker stayed open"), "time exhausted while the circuit was open");
            return;
        }
        Instant reopen = lane.breaker.nextAttemptTime();
        Instant deadline = policy.deadline(p.budgetStart);
        park(p, reopen.isBefore(deadline) ? reopen : deadline);
    }

    // ---------------------------------------------------------------- attempts

    private void startAttempt(PendingLead p, LeadDestination destination, EndpointLane lane) {
        p.attempts++;
        if (p.firstAttemptAt == null) {
            p.firstAttemptAt = clock.instant();
        }
        attemptsUnderWay.incrementAndGet();
        try {
            workers.execute(new Attempt(p, destination, lane)::run);
        } catch (RejectedExecutionException e) {
            attemptsUnderWay.decrementAndGet();
            lane.release(); // shutting down: the lead stays unfinished and is read again
        }
    }

    /** One delivery call. Whichever ends first, the call or its timeout, settles the lead; the slot is freed when the call returns. */
    private final class Attempt {
        final PendingLead p;
        final LeadDestination destination;
        final EndpointLane lane;
        final AtomicBoolean settled = new AtomicBoolean();
        volatile Thread thread;

        Attempt(PendingLead p, LeadDestination destination, EndpointLane lane) {
            this.p = p;
            this.destination = destination;
            this.lane = lane;
        }

        void run() {
            thread = Thread.currentThread();
            ScheduledFuture<?> timer = null;
            try {
                timer = scheduler.schedule(this::timeout, config.attemptTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // shutting down; the call still runs
            }
            try {
                String recordId = client.deliver(p.lead, destination);
                if (settled.compareAndSet(false, true)) {
                    onSuccess(p, lane, recordId);
                }
            } catch (DeliveryException e) {
                if (settled.compareAndSet(false, true)) {
                    DeliveryFailure f = e.failure();
                    onFailure(p, destination, lane, f, f.isTransient() ? "transient" : "permanent");
                }
            } catch (Throwable e) {
                if (settled.compareAndSet(false, true)) {
                    LOG.warn("lead {} of offer {}: the {} client failed: {}", p.leadId(), p.offerId(),
                            type.wireName(), SafeErrors.describe(e));
                    onFailure(p, destination, lane, new DeliveryFailure(ErrorClass.UNKNOWN, 0, null,
                            "the destination client failed: " + e.getClass().getName()), "transient");
                }
            } finally {
                if (timer != null) {
                    timer.cancel(false);
                }
                attemptsUnderWay.decrementAndGet();
                lane.release();
            }
        }

        void timeout() {
            if (settled.compareAndSet(false, true)) {
                Thread t = thread;
                if (t != null) {
                    t.interrupt();
                }
                LOG.warn("lead {} of offer {}: no answer within {}; the call was interrupted", p.leadId(),
                        p.offerId(), config.attemptTimeout());
                onFailure(p, destination, lane, new DeliveryFailure(ErrorClass.UNKNOWN, 0, null,
                        "no answer within the attempt timeout of " + config.attemptTimeout()), "timeout");
            }
        }
    }

    private void onSuccess(PendingLead p, EndpointLane lane, String recordId) {
        if (lane.breaker.onSuccess()) {
            LOG.info("circuit of the {} endpoint of offer {} closed again", type.wireName(), p.offerId());
        }
        lane.reportTransitions();
        metrics.attempt("success");
        if (p.cancelled) {
            return; // revoked: the new owner delivers it again, idempotently, and writes the outcome
        }
        Instant now = clock.instant();
        Instant from = p.lead.receivedAt() != null ? p.lead.receivedAt() : p.firstAttemptAt;
        long latencyMs = Math.max(0, Duration.between(from, now).toMillis());
        metrics.latency(Duration.ofMillis(latencyMs));
        Outcome outcome = Outcome.delivered(p.leadId(), p.offerId(), type.wireName(), recordId, p.attempts,
                latencyMs, p.test(), p.replayCount, now);
        LOG.debug("lead {} of offer {} delivered after {} attempt(s)", p.leadId(), p.offerId(), p.attempts);
        write(p, outcomeRecord(outcome), () -> finish(p, OutcomeType.DELIVERED, null));
    }

    /**
     * A failed attempt (or dispatch, when {@code lane} is null): tells the breaker, then retries or dead-letters.
     */
    private void onFailure(PendingLead p, LeadDestination destination, EndpointLane lane, DeliveryFailure failure,
                           String result) {
        boolean isTransient = failure.isTransient();
        if (lane != null) {
            metrics.attempt(result);
            if (isTransient) {
                if (lane.breaker.onTransientFailure(failure)) {
                    LOG.warn("circuit of the {} endpoint of offer {} opened for {}: {} consecutive transient "
                            + "failures, the last {}{}", type.wireName(), p.offerId(), config.breakerOpenDuration(),
                            config.breakerFailureThreshold(), failure.errorClass(), statusText(failure));
                }
            } else if (lane.breaker.onPermanentFailure()) {
                LOG.info("circuit of the {} endpoint of offer {} closed again (it answered)", type.wireName(),
                        p.offerId());
            }
            lane.reportTransitions();
        }
        p.recordFailure(failure, clock.instant());
        if (p.cancelled || aborting) {
            return;
        }
        RetryPolicy.Decision decision = policy.decide(failure, p.attempts, p.budgetStart);
        if (decision instanceof RetryPolicy.Retry retry) {
            if (stopping) {
                return; // closing: the lead stays unfinished and is read again
            }
            LOG.info("lead {} of offer {}: attempt {} failed with {}{}; next attempt at {}", p.leadId(), p.offerId(),
                    p.attempts, failure.errorClass(), statusText(failure), retry.at());
            if (lane != null) {
                metrics.retry(failure.errorClass());
            }
            park(p, retry.at());
        } else {
            RetryPolicy.GiveUp giveUp = (RetryPolicy.GiveUp) decision;
            deadLetter(p, destination, failure, giveUp.reason().name().toLowerCase(java.util.Locale.ROOT)
                    .replace('_', ' ') + statusText(failure));
        }
    }

    private static String statusText(DeliveryFailure f) {
        return f.httpStatus() > 0 ? " (HTTP " + f.httpStatus() + ")" : "";
    }

    // ---------------------------------------------------------------- writes

    /** @param why for the log line only: why the lead is dead-lettered, with no customer data */
    private void deadLetter(PendingLead p, LeadDestination destination, DeliveryFailure failure, String why) {
        Instant now = clock.instant();
        Instant first = p.firstFailureAt != null ? p.firstFailureAt : p.budgetStart != null ? p.budgetStart : now;
        Instant last = p.lastFailureAt != null ? p.lastFailureAt : now;
        String detail = Redaction.redact(failure.detail(), secretsOf(destination, p.lead));
        DeadLetterRecords.Context context = new DeadLetterRecords.Context(failure.errorClass(), failure.isTransient(),
                detail, type.wireName(), p.attempts, first, last);
        Integer partition = p.partition.partition() < deadLetterPartitions ? p.partition.partition() : null;
        ProducerRecord<String, byte[]> record = DeadLetterRecords.build(p, context, partition);
        // attempts null when none was made, as Outcome documents (the dead-letter header says 0)
        Outcome outcome = Outcome.deadLettered(p.leadId(), p.offerId(), type.wireName(), failure.errorClass(),
                p.attempts > 0 ? p.attempts : null, p.test(), p.replayCount, now, detail);
        LOG.warn("lead {} of offer {} ({}@{}) dead-lettered as {} after {} attempt(s): {}", p.leadId(), p.offerId(),
                p.partition, p.offset, failure.errorClass(), p.attempts, why);
        write(p, record, () -> write(p, outcomeRecord(outcome),
                () -> finish(p, OutcomeType.DEAD_LETTERED, failure.errorClass())));
    }

    /** The values to remove from upstream text: the destination's secret settings and the lead's personal fields. */
    private static List<String> secretsOf(LeadDestination destination, Lead lead) {
        List<String> secrets = new ArrayList<>();
        if (destination != null) {
            destination.settings().forEach((name, value) -> {
                if (LeadDestination.isSecretSetting(name)) {
                    secrets.add(value);
                }
            });
        }
        if (lead != null) {
            UserDetails u = lead.userDetails();
            secrets.addAll(java.util.stream.Stream.of(u.firstName(), u.lastName(), u.email(), u.phone(), u.company(),
                    u.title()).filter(java.util.Objects::nonNull).toList());
        }
        return secrets;
    }

    private ProducerRecord<String, byte[]> outcomeRecord(Outcome outcome) {
        byte[] value = Topics.LEAD_OUTCOMES.valueSerde().serializer().serialize(Topics.LEAD_OUTCOMES.name(), outcome);
        return new ProducerRecord<>(Topics.LEAD_OUTCOMES.name(), outcome.leadId(), value);
    }

    /**
     * Writes a record and, once Kafka acknowledged it, runs {@code then} on an attempt thread (never on the
     * producer's I/O thread). A failed write is retried every second while the lead is still ours.
     */
    private void write(PendingLead p, ProducerRecord<String, byte[]> record, Runnable then) {
        writesUnderWay.incrementAndGet();
        try {
            producer.send(record, (metadata, e) -> {
                try {
                    if (e == null) {
                        runAsync(then);
                    } else if (!p.cancelled && !aborting && !closed.get()) {
                        LOG.error("lead {}: writing to {} failed, retrying in {}: {}", p.leadId(), record.topic(),
                                WRITE_RETRY, SafeErrors.describe(e));
                        retryWrite(p, record, then);
                    }
                } finally {
                    writesUnderWay.decrementAndGet();
                }
            });
        } catch (RuntimeException e) {
            writesUnderWay.decrementAndGet();
            if (!p.cancelled && !aborting && !closed.get()) {
                LOG.error("lead {}: writing to {} failed, retrying in {}: {}", p.leadId(), record.topic(),
                        WRITE_RETRY, SafeErrors.describe(e));
                retryWrite(p, record, then);
            }
        }
    }

    private void retryWrite(PendingLead p, ProducerRecord<String, byte[]> record, Runnable then) {
        try {
            scheduler.schedule(() -> write(p, record, then), WRITE_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // shutting down: the lead stays unfinished and is read again
        }
    }

    private void runAsync(Runnable task) {
        writesUnderWay.incrementAndGet();
        try {
            workers.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("sink {}: finishing a lead failed: {}", type.wireName(), SafeErrors.describe(e));
                } finally {
                    writesUnderWay.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            writesUnderWay.decrementAndGet();
        }
    }

    /** The lead's outcome is durable: its offset may be committed. */
    private void finish(PendingLead p, OutcomeType outcome, ErrorClass errorClass) {
        metrics.outcome(outcome, errorClass);
        live.remove(p);
        offsets.complete(p.partition, p.epoch, p.offset);
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

    /** Leads received and not finished (parked and under way included). */
    public int inFlight() {
        return live.size();
    }

    /** Leads waiting for a retry, a destination or an open circuit. */
    public int parked() {
        return parked.size();
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
        if (closed.get() || stopping) {
            return "the sink is closed";
        }
        if (failure != null || consumerStopped.getCount() == 0) {
            return "the sink's consumer stopped after an unrecoverable error";
        }
        if (firstAssignment.getCount() > 0) {
            return "the sink has not joined consumer group " + config.groupIdFor(type) + " yet";
        }
        long sincePoll = nowNanos - lastPollNanos;
        if (sincePoll > MAX_POLL_AGE.toNanos()) {
            return "the sink's consumer has not polled for " + TimeUnit.NANOSECONDS.toSeconds(sincePoll) + " s";
        }
        return null;
    }

    /** Whether the consumer is running: false once closed or after an unrecoverable error. */
    public boolean isRunning() {
        return consumerStopped.getCount() > 0 && !stopping;
    }

    /** Why the sink stopped by itself (its consumer failed for good), in one line; null when it did not fail. */
    @Override
    public String failure() {
        Throwable f = failure;
        return f == null ? null : "the " + type.wireName() + " sink stopped after an unrecoverable error: " + SafeErrors.describe(f);
    }

    /** Blocks until the runtime is closed, or its consumer stopped after an unrecoverable error. */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    /**
     * Stops gracefully: stops consuming and starting attempts, waits up to {@link #CLOSE_GRACE} for attempts under
     * way and their writes, commits every finished offset, then closes the consumer, the producer, the catalog and
     * the client. Parked leads are left unfinished: they are read again by the next owner of their partition.
     * Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("sink {} closing{}", type.wireName(), aborting ? " abruptly" : "");
        stopping = true;
        consumer.wakeup();
        try {
            if (Thread.currentThread() != consumerThread) {
                consumerThread.join(CLOSE_GRACE.plusSeconds(20).toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scheduler.shutdownNow();
        workers.shutdownNow();
        try {
            producer.close(aborting ? Duration.ZERO : Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            LOG.warn("closing the sink producer failed: {}", SafeErrors.describe(e));
        }
        catalog.close();
        closeQuietly(client);
        closeWith.forEach(SinkRuntime::closeQuietly);
        terminated.countDown();
        LOG.info("sink {} closed", type.wireName());
    }

    /**
     * Simulates a crash, for tests: stops at once without waiting for attempts, without committing anything more,
     * dropping records the producer has not sent yet.
     */
    void abort() {
        aborting = true;
        close();
    }

    private static void closeQuietly(DestinationClient client) {
        try {
            client.close();
        } catch (Exception e) {
            LOG.warn("closing the destination client failed: {}", SafeErrors.describe(e));
        }
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed: {}", resource.getClass().getSimpleName(), SafeErrors.describe(e));
        }
    }
}
