package dev.leadpipe.images;

import java.nio.file.Path;
import java.util.OptionalInt;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.ingest.IngestConfig;
import dev.leadpipe.ingest.IngestService;
import dev.leadpipe.leadctl.Leadctl;
import dev.leadpipe.notifier.NotifierApp;
import dev.leadpipe.ops.OpsServer;
import dev.leadpipe.router.RouterApp;
import dev.leadpipe.sink.dynamics.DynamicsSinkApp;
import dev.leadpipe.sink.https.HttpsSinkApp;
import dev.leadpipe.sink.runtime.SinkRuntime;
import dev.leadpipe.sink.salesforce.SalesforceSinkApp;
import dev.leadpipe.sink.table.TableSinkApp;
import dev.leadpipe.status.StatusApp;
import dev.leadpipe.status.StatusConfig;

/**
 * The nine runnable artifacts and what their images must declare, taken from the code: the main class, the port a
 * service listens on by default, and the variable that makes it listen beyond loopback.
 */
enum ServiceImage {
    INGEST("ingest-service", "ingest", IngestService.class, IngestConfig.PORT.defaultValue(), IngestConfig.HOST.env()),
    ROUTER("router-streams", "router", RouterApp.class, RouterApp.DEFAULT_OPS_PORT, OpsServer.HOST_ENV),
    SINK_DYNAMICS("sink-dynamics", "sink-dynamics", DynamicsSinkApp.class, sinkPort(DestinationType.DYNAMICS)),
    SINK_SALESFORCE(
            "sink-salesforce", "sink-salesforce", SalesforceSinkApp.class, sinkPort(DestinationType.SALESFORCE)),
    SINK_TABLE("sink-table", "sink-table", TableSinkApp.class, sinkPort(DestinationType.TABLE)),
    SINK_HTTPS("sink-https", "sink-https", HttpsSinkApp.class, sinkPort(DestinationType.HTTPS)),
    NOTIFIER("notifier", "notifier", NotifierApp.class, NotifierApp.DEFAULT_OPS_PORT, OpsServer.HOST_ENV),
    STATUS("status-service", "status", StatusApp.class, StatusConfig.DEFAULT_PORT, StatusConfig.HOST.env()),
    LEADCTL("leadctl", "leadctl", Leadctl.class);

    /** The folder of the Maven module. */
    final String module;
    /** The image's name: leadpipe/{name}:{version}. */
    final String name;

    final Class<?> mainClass;
    /** The port the image exposes; empty for leadctl, a command-line tool. */
    final OptionalInt port;
    /** The environment variable of the address that port binds to; null when no port. */
    final String hostEnv;

    ServiceImage(String module, String name, Class<?> mainClass, int port, String hostEnv) {
        this.module = module;
        this.name = name;
        this.mainClass = mainClass;
        this.port = OptionalInt.of(port);
        this.hostEnv = hostEnv;
    }

    ServiceImage(String module, String name, Class<?> mainClass, int sinkPort) {
        this(module, name, mainClass, sinkPort, OpsServer.HOST_ENV);
    }

    ServiceImage(String module, String name, Class<?> mainClass) {
        this.module = module;
        this.name = name;
        this.mainClass = mainClass;
        this.port = OptionalInt.empty();
        this.hostEnv = null;
    }

    private static int sinkPort(DestinationType type) {
        return SinkRuntime.defaultOpsPort(type);
    }

    /** The repository's root (the surefire property leadpipe.root, set by this module's pom). */
    static Path root() {
        return Path.of(System.getProperty("leadpipe.root", ".."))
                .toAbsolutePath()
                .normalize();
    }

    /** The project version the artifacts carry. */
    static String version() {
        String version = System.getProperty("leadpipe.version");
        if (version == null) {
            throw new IllegalStateException("run through Maven: the system property leadpipe.version is not set");
        }
        return version;
    }

    Path imageTarball() {
        return root().resolve(module).resolve("target").resolve("jib-image.tar");
    }

    Path runnableJar() {
        return root().resolve(module).resolve("target").resolve(module + "-" + version() + ".jar");
    }
}
