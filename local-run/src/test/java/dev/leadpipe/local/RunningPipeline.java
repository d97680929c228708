package dev.leadpipe.local;

import java.nio.file.Files;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.ingest.IngestConfig;
import dev.leadpipe.ingest.IngestService;
import dev.leadpipe.router.RouterApp;
import dev.leadpipe.router.RouterConfig;

/** The router and the ingest service (on a free port) running in the test's JVM against the given broker. */
final class RunningPipeline implements AutoCloseable {
    final RouterApp router;
    final IngestService ingest;
    /** The broker's operator key ({@link SystemTestSupport#operatorKey}), which ingest accepts. */
    final String key;

    private RunningPipeline(RouterApp router, IngestService ingest, String key) {
        this.router = router;
        this.ingest = ingest;
        this.key = key;
    }

    static RunningPipeline start(String bootstrapServers) throws Exception {
        String key = SystemTestSupport.operatorKey(bootstrapServers);
        RouterApp router = RouterApp.start(
                RouterConfig.of(bootstrapServers).with(RouterConfig.STATE_DIR, Files.createTempDirectory("router-")));
        try {
            return new RunningPipeline(
                    router,
                    IngestService.start(IngestConfig.defaults(bootstrapServers)
                            .with(DestinationAddresses.ALLOWED_HOSTS, DestinationAddresses.LOCAL_STAND_INS)
                            .with(IngestConfig.PORT, 0)),
                    key);
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
        putDestination(offerId, SystemTestSupport.tableDestination(connectionString));
    }

    /** Saves a destination given as the API's JSON body; returns ingest's answer once the router routes by it. */
    JsonNode putDestination(String offerId, String body) throws Exception {
        return SystemTestSupport.putDestination(router, ingestPort(), key, offerId, body);
    }

    /** Posts leads with this pipeline's key ({@link SystemTestSupport#postLeads}); returns their lead ids. */
    java.util.List<String> postLeads(java.util.List<String> leads) throws Exception {
        return SystemTestSupport.postLeads(ingestPort(), key, leads);
    }

    /** As {@link SystemTestSupport#awaitRouterHas}, for this pipeline's router. */
    void awaitRouterHas(String offerId, long version) throws InterruptedException {
        SystemTestSupport.awaitRouterHas(router, offerId, version);
    }

    @Override
    public void close() {
        ingest.close();
        router.close();
    }
}
