package dev.leadpipe.local;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.leadpipe.core.KafkaClientSecurity;
import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.KafkaSettings;
import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.topic.TopicAdmin;
import dev.leadpipe.ingest.IngestConfig;
import dev.leadpipe.ingest.IngestService;
import dev.leadpipe.kafka.EmbeddedKafkaBroker;
import dev.leadpipe.notifier.DestinationNotifier;
import dev.leadpipe.notifier.Notifier;
import dev.leadpipe.notifier.NotifierApp;
import dev.leadpipe.notifier.NotifierConfig;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.router.RouterApp;
import dev.leadpipe.router.RouterConfig;
import dev.leadpipe.status.StatusConfig;
import dev.leadpipe.status.StatusService;

/**
 * The whole pipeline on one machine: a real embedded Kafka broker (or {@code KAFKA_BOOTSTRAP_SERVERS}), the router,
 * the four sinks against local stand-ins ({@link LocalDestinations}), the notifier with a local SMTP server, the
 * status service and the ingest service, in this JVM, each printed as it starts. Then configures the sample offers'
 * destinations ({@link SampleDestinations}) and posts the sample feed through the real HTTP API, prints one line per
 * lead with what happened to it ({@link SampleFeed}) and the rest of the tour ({@link LocalRunReport}), then keeps
 * serving (and printing the fate of any further lead) until Ctrl-C, which closes everything ({@link RunningServices}).
 * Before the HTTP services start it creates the local API keys ({@link LocalKeys}: the operator key in
 * {@code .leadpipe/token}). Prints ids, offers and error classes only, never customer data, secrets or keys.
 *
 * <p>Usage: {@code LocalPipeline [samples-dir]} (default {@code deploy/local}).
 */
public final class LocalPipeline {
    /** Where leadctl looks for the local broker's address. */
    private static final Path BOOTSTRAP_FILE = Path.of(".leadpipe", "bootstrap-servers");
    /** Where leadctl destinations looks for the local ingest API. */
    private static final Path API_URL_FILE = Path.of(".leadpipe", "api-url");
    /** Where leadctl status looks for the local status service. */
    private static final Path STATUS_URL_FILE = Path.of(".leadpipe", "status-url");

    private LocalPipeline() {}

    public static void main(String[] args) throws Exception {
        // Before the first logger: the local run prints its story on stdout and its logs, plain text, in
        // .leadpipe/local-run.log,
        // not the services' JSON lines on stdout (leadpipe-ops' logback.xml). -Dlogback.configurationFile still wins.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "local-run-logback.xml");
        }
        Path samples = Path.of(args.length > 0 ? args[0] : "deploy/local");
        if (!Files.isDirectory(samples.resolve("destinations"))
                || !Files.isRegularFile(samples.resolve("sample-feed.ndjson"))) {
            System.err.println("error: " + samples
                    + " holds no destinations/ folder and sample-feed.ndjson; run from the repository root");
            System.exit(2);
        }
        if (localPort() != 0 && !LocalOps.portFree(localPort())) {
            System.err.println("error: port " + localPort()
                    + " is already in use (another bin/run-local?); stop it or set INGEST_PORT");
            System.exit(1);
        }
        RunningServices running = new RunningServices();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            System.out.println("\nStopping...");
                            running.close();
                            stopped.countDown();
                        },
                        "shutdown"));

        KafkaConnection kafka;
        if (KafkaSettings.bootstrapFromEnvironment() == null) {
            long t0 = System.nanoTime();
            EmbeddedKafkaBroker broker = running.closeLater(quietly(EmbeddedKafkaBroker::start));
            kafka = KafkaConnection.plaintext(broker.bootstrapServers());
            System.out.printf(
                    "Kafka      embedded KRaft broker at %s (started in %.1f s)%n",
                    kafka.bootstrapServers(), (System.nanoTime() - t0) / 1e9);
        } else {
            kafka = KafkaClientSecurity.read(System.getenv()); // the same KAFKA_* settings as every service
            System.out.printf("Kafka      existing cluster at %s (KAFKA_BOOTSTRAP_SERVERS)%n", kafka);
        }
        String bootstrap = kafka.bootstrapServers();
        TopicAdmin.ensureTopics(kafka, KafkaSettings.replicationFactor());
        Files.createDirectories(Path.of(".leadpipe"));
        Files.writeString(BOOTSTRAP_FILE, bootstrap + "\n");
        LocalKeys keys = LocalKeys.create(kafka, samples);

        RouterApp router = running.closeLater(RouterApp.start(
                RouterConfig.of(kafka).with(RouterConfig.STATE_DIR, Files.createTempDirectory("leadpipe-router-")),
                running.opsFor(RouterApp.SERVICE, RouterApp.DEFAULT_OPS_PORT)));
        System.out.println("Router     running (Kafka Streams, exactly_once_v2)");

        LocalDestinations destinations = LocalDestinations.start(kafka, running);

        GreenMail smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
        running.closeLater(smtp::stop);
        NotifierConfig notifierConfig = NotifierConfig.of(kafka)
                .withSmtp("127.0.0.1", smtp.getSmtp().getPort())
                .with(NotifierConfig.FROM, "leads-noreply@leadpipe.local");
        Ops notifierOps = running.opsFor(Notifier.SERVICE, NotifierApp.DEFAULT_OPS_PORT);
        running.closeLater(Notifier.start(notifierConfig, notifierOps));
        // the same process's second part: tells contacts when their destination fails and recovers
        running.closeLater(DestinationNotifier.start(notifierConfig, notifierOps));
        System.out.println(
                "Notifier   e-mails each offer's contacts about new leads, through a local SMTP server (GreenMail) on 127.0.0.1:"
                        + smtp.getSmtp().getPort());

        Ops statusOps = running.closeLater(Ops.forService("status"));
        int statusPort = LocalOps.portFree(StatusConfig.DEFAULT_PORT) ? StatusConfig.DEFAULT_PORT : 0;
        StatusService status = running.closeLater(StatusService.start(
                StatusConfig.of(kafka)
                        .with(StatusConfig.PORT, statusPort)
                        .with(StatusConfig.STATE_DIR, Files.createTempDirectory("leadpipe-status-")),
                statusOps));
        String statusUrl = "http://127.0.0.1:" + status.port();
        Files.writeString(STATUS_URL_FILE, statusUrl + "\n");
        System.out.println("Status     per-offer delivery status (Kafka Streams over lead-outcomes): page " + statusUrl
                + "/ , API " + statusUrl + "/v1/status");
        keys.printWhere(statusUrl);

        Ops ingestOps = running.closeLater(Ops.forService(IngestService.SERVICE));
        IngestService ingest = running.closeLater(IngestService.start(
                IngestConfig.defaults(kafka)
                        .with(DestinationAddresses.ALLOWED_HOSTS, DestinationAddresses.LOCAL_STAND_INS)
                        .with(IngestConfig.PORT, localPort()),
                ingestOps));
        String ingestUrl = "http://127.0.0.1:" + ingest.port();
        System.out.println("Ingest     " + ingestUrl
                + "  (POST /v1/leads, POST /v1/leads/batch, PUT /v1/offers/{offerId}/lead-destination)");
        Files.writeString(API_URL_FILE, ingestUrl + "\n");

        SampleFeed feed = running.closeLater(new SampleFeed(kafka));
        SampleDestinations.configure(samples, destinations, ingestUrl, keys, kafka, router);
        feed.postAndPrintTable(samples, ingestUrl, keys.feed());
        new LocalRunReport(bootstrap, ingestUrl, statusUrl, running.ops(), smtp, destinations.tableConnectionString())
                .print();
        stopped.await();
    }

    /** Runs a start-up step whose library prints to stdout (Kafka's storage formatter does), keeping the table clean. */
    private static <T> T quietly(Supplier<T> step) {
        PrintStream out = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            return step.get();
        } finally {
            System.setOut(out);
        }
    }

    private static int localPort() {
        String port = System.getenv("INGEST_PORT");
        return port == null || port.isBlank() ? 8080 : Integer.parseInt(port.trim());
    }
}
