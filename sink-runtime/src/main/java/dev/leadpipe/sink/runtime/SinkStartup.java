package dev.leadpipe.sink.runtime;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import dev.leadpipe.core.destination.DestinationCatalog;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.error.SafeErrors;
import dev.leadpipe.core.secret.SecretKeyring;
import dev.leadpipe.core.topic.TopicAdmin;
import dev.leadpipe.core.topic.TopicPolicy;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.ops.KafkaMeters;
import dev.leadpipe.ops.KafkaReachability;
import dev.leadpipe.ops.Readiness;
import dev.leadpipe.ops.ServiceProcess;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a {@link SinkRuntime} is started, as a process or in-process: the topics, the destination catalog, the
 * readiness checks on a service's operations, and the clean-up of whatever a failed start had opened. The public
 * entry points stay on {@link SinkRuntime} ({@code run}, {@code start}); this class holds their work.
 */
final class SinkStartup {
    private static final Logger LOG = LoggerFactory.getLogger(SinkRuntime.class);

    private SinkStartup() {}

    /** {@link SinkRuntime#run}. */
    static void run(DestinationType type, Supplier<SinkConfig> settings, Supplier<? extends DestinationClient> client) {
        ServiceProcess.run("sink-" + type.wireName(), SinkRuntime.defaultOpsPort(type), settings, (config, ops) -> {
            DestinationClient created = client.get();
            if (created.type() != type) {
                closeQuietly(created);
                throw new IllegalStateException(
                        "a " + created.type().wireName() + " client cannot run as the " + type.wireName() + " sink");
            }
            return SinkRuntime.start(config, created, ops);
        });
    }

    /** {@link SinkRuntime#start(SinkConfig, DestinationClient, dev.leadpipe.ops.Ops)}; no readiness: without checks. */
    static SinkRuntime start(
            SinkConfig config,
            DestinationClient client,
            MeterRegistry registry,
            SecretKeyring keyring,
            Readiness readiness) {
        if (readiness == null || !client.type().isDeliverable()) {
            return startRuntime(config, client, registry, keyring, null);
        }
        KafkaReachability reachability;
        try {
            reachability = new KafkaReachability(config.kafka());
        } catch (RuntimeException e) {
            closeQuietly(client); // the runtime owns the client from the start, as a failed start closes it
            throw e;
        }
        AtomicReference<SinkRuntime> started = new AtomicReference<>();
        AtomicReference<String> notStarted = new AtomicReference<>("the sink is starting");
        AtomicBoolean failedToStart = new AtomicBoolean();
        readiness.add(SinkRuntime.KAFKA_CHECK, () -> {
            SinkRuntime r = started.get();
            if (failedToStart.get() || (r != null && r.isClosed())) {
                return r == null ? "the sink failed to start" : "the sink is closed";
            }
            return reachability.problem();
        });
        readiness.add(SinkRuntime.CONSUMER_CHECK, () -> {
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
            closeQuietly(
                    reachability); // startRuntime closed it already if the runtime was built: closing is idempotent
            throw e;
        }
    }

    private static SinkRuntime startRuntime(
            SinkConfig config,
            DestinationClient client,
            MeterRegistry registry,
            SecretKeyring keyring,
            AutoCloseable closeWithRuntime) {
        DestinationCatalog catalog = null;
        SinkRuntime runtime = null;
        try {
            if (!client.type().isDeliverable()) {
                throw new IllegalArgumentException(
                        "destination type " + client.type().wireName() + " has no delivery topic");
            }
            TopicAdmin.ensureTopics(config.kafka(), TopicPolicy.fromEnvironment());
            SecretKeyring keys = keyring != null ? keyring : SecretKeyring.fromEnvironment();
            catalog = DestinationCatalog.start(config.kafka(), SinkRuntime.START_TIMEOUT)
                    .bindMeters(KafkaMeters.on(registry));
            runtime = new SinkRuntime(config, client, registry, catalog, keys, Clock.systemUTC());
            if (closeWithRuntime != null) {
                runtime.closeWith(closeWithRuntime);
            }
            runtime.launch();
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
        LOG.info(
                "sink {} running: group {}, topic {} and its {} retry tiers, {}",
                runtime.type().wireName(),
                config.groupIdFor(runtime.type()),
                Topics.deliveryTopic(runtime.type()).name(),
                Topics.RETRY_TIERS,
                config);
        return runtime;
    }

    static void closeQuietly(DestinationClient client) {
        try {
            client.close();
        } catch (Exception e) {
            LOG.warn("closing the destination client failed: {}", SafeErrors.describe(e));
        }
    }

    static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed: {}", resource.getClass().getSimpleName(), SafeErrors.describe(e));
        }
    }
}
