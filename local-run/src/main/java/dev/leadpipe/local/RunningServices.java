package dev.leadpipe.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.sink.runtime.DestinationClient;
import dev.leadpipe.sink.runtime.SinkConfig;
import dev.leadpipe.sink.runtime.SinkRuntime;

/**
 * What the local run has started, closed in the reverse order on {@link #close()} (each service before its ops
 * server, a stand-in after the sink that calls it), and the ops server of every service started through
 * {@link #opsFor} or {@link #startSink}, by service name, for the report of where to scrape them. Not thread-safe:
 * start from one thread; {@link #close()} may come from the shutdown hook.
 */
final class RunningServices implements AutoCloseable {
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final Map<String, LocalOps> ops = new LinkedHashMap<>();

    /** Closes {@code resource} before everything added so far; returns it. */
    <T extends AutoCloseable> T closeLater(T resource) {
        toClose.add(0, resource);
        return resource;
    }

    /** Starts a service's ops server (closed after the service, which is added with {@link #closeLater} later). */
    Ops opsFor(String service, int port) {
        LocalOps local = closeLater(LocalOps.start(service, port));
        ops.put(service, local);
        return local.ops();
    }

    /**
     * Starts the sink of {@code type} with its ops server and the local run's retry budget (5 attempts within 30 s),
     * closed with the rest, and says what it delivers where ({@code route}).
     */
    void startSink(SinkConfig config, DestinationClient client, DestinationType type, String route) {
        String service = "sink-" + type.wireName();
        closeLater(SinkRuntime.start(
                config.withRetryBudget(5, Duration.ofSeconds(30))
                        .withAllowedHosts(DestinationAddresses.LOCAL_STAND_INS),
                client,
                opsFor(service, SinkRuntime.defaultOpsPort(type))));
        System.out.println(service + " running (" + route + ")");
    }

    /** The ops servers started so far, by service, in start order. */
    Map<String, LocalOps> ops() {
        return ops;
    }

    @Override
    public void close() {
        for (AutoCloseable c : toClose) {
            try {
                c.close();
            } catch (Exception ignored) {
                // stopping anyway
            }
        }
    }
}
