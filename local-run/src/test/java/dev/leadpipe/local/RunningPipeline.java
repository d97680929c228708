package dev.leadpipe.local;

import java.nio.file.Files;
import java.time.Duration;

import dev.leadpipe.ingest.IngestConfig;
import dev.leadpipe.ingest.IngestService;
import dev.leadpipe.router.RouterApp;
import dev.leadpipe.router.RouterConfig;

/** The router and the ingest service (on a free port) running in the test's JVM against the given broker. */
final class RunningPipeline implements AutoCloseable {
    private static final Duration ROUTER_CATCH_UP = Duration.ofSeconds(30);

    final RouterApp router;
    final IngestService ingest;

    private RunningPipeline(RouterApp router, IngestService ingest) {
        this.router = router;
        this.ingest = ingest;
    }

    static RunningPipeline start(String bootstrapServers) throws Exception {
        RouterApp router = RouterApp.start(RouterConfig.of(bootstrapServers).withStateDir(Files.createTempDirectory("router-")));
        try {
            return new RunningPipeline(router, IngestService.start(IngestConfig.defaults(bootstrapServers).withPort(0)));
        } catch (RuntimeException e) {
            router.close();
            throw e;
        }
    }

    int ingestPort() {
        return ingest.port();
    }

    /** Saves a Table destination over the ingest API and returns once the router routes by it. */
    void putTableDestination(String offerId, String connectionString) throws Exception {
        awaitRouterHas(offerId, SystemTestSupport.putDestination(ingestPort(), offerId, connectionString));
    }

    /** Saves a destination given as the API's JSON body and returns once the router routes by it. */
    void putDestination(String offerId, String body) throws Exception {
        awaitRouterHas(offerId, SystemTestSupport.putDestinationBody(ingestPort(), offerId, body));
    }

    /**
     * Returns once the router's global table holds {@code offerId}'s destination at {@code version} or later: a lead
     * routed before then would still see the previous destination, or none.
     */
    void awaitRouterHas(String offerId, long version) throws InterruptedException {
        long deadline = System.nanoTime() + ROUTER_CATCH_UP.toNanos();
        while (router.destination(offerId).filter(d -> d.version() >= version).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the router did not see version " + version + " of " + offerId
                        + "'s destination within " + ROUTER_CATCH_UP);
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        ingest.close();
        router.close();
    }
}
