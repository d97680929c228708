package dev.leadpipe.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.leadpipe.azurite.AzuriteServer;
import dev.leadpipe.core.KafkaSettings;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.core.topic.TopicAdmin;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.fakes.FakeAzureAd;
import dev.leadpipe.fakes.FakeDataverse;
import dev.leadpipe.fakes.FakeHttpsReceiver;
import dev.leadpipe.fakes.FakeSalesforce;
import dev.leadpipe.ingest.IngestConfig;
import dev.leadpipe.ingest.IngestService;
import dev.leadpipe.kafka.EmbeddedKafkaBroker;
import dev.leadpipe.leadctl.Leadctl;
import dev.leadpipe.notifier.Notifier;
import dev.leadpipe.notifier.NotifierApp;
import dev.leadpipe.notifier.NotifierConfig;
import dev.leadpipe.router.RouterApp;
import dev.leadpipe.router.RouterConfig;
import dev.leadpipe.sink.dynamics.DynamicsDestinationClient;
import dev.leadpipe.sink.dynamics.DynamicsSinkApp;
import dev.leadpipe.sink.https.HttpsDestinationClient;
import dev.leadpipe.sink.runtime.DestinationClient;
import dev.leadpipe.sink.runtime.SinkConfig;
import dev.leadpipe.sink.runtime.SinkRuntime;
import dev.leadpipe.sink.salesforce.SalesforceDestinationClient;
import dev.leadpipe.sink.table.TableDestinationClient;
import dev.leadpipe.status.StatusConfig;
import dev.leadpipe.status.StatusService;
import picocli.CommandLine;

/**
 * The whole pipeline on one machine: a real embedded Kafka broker (or {@code KAFKA_BOOTSTRAP_SERVERS}), the router,
 * Azurite with sink-table, sink-dynamics against local Azure AD and Dataverse stand-ins, sink-salesforce against a
 * local Salesforce, sink-https against a local receiver that verifies signatures, and the ingest service, in
 * this JVM. Loads the sample offer destinations and posts the sample feed through the
 * real HTTP API, prints one line per lead with what happened to it, then keeps serving (and printing the fate of
 * any further lead) until Ctrl-C. Prints ids, offers and error classes only, never customer data or secrets.
 *
 * <p>Usage: {@code LocalPipeline [samples-dir]} (default {@code deploy/local}).
 */
public final class LocalPipeline {
    private static final Duration FEED_TIMEOUT = Duration.ofSeconds(90);
    /** The sample offer whose table destination has a wrong account key. */
    private static final String BAD_KEY_OFFER = "northwind.table-badkey-offer";
    /** Where leadctl looks for the local broker's address. */
    private static final Path BOOTSTRAP_FILE = Path.of(".leadpipe", "bootstrap-servers");
    /** The delivery topics whose sink this local run starts; leads on the others wait there. */
    private static final Set<String> SINKS_RUNNING = Set.of(
            Topics.DELIVERIES_TABLE.name(),
            Topics.DELIVERIES_DYNAMICS.name(),
            Topics.DELIVERIES_SALESFORCE.name(),
            Topics.DELIVERIES_HTTPS.name());
    /** The Azure AD directory, application and secret the sample Dynamics offer uses; the local Azure AD knows them. */
    private static final String SAMPLE_TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    private static final String SAMPLE_APP = "0b2a4c0e-6f1d-4c1e-9a7e-3b5d2f8e9c10";
    private static final String SAMPLE_SECRET = "local-sample-secret-not-real";
    /** The Salesforce connected app and organisation of the sample Salesforce offers; the local Salesforce knows them. */
    private static final String SAMPLE_SF_CLIENT = "3MVG9local.sample.connected.app";

    private static final String SAMPLE_SF_SECRET = "local-sample-sf-secret-not-real";
    private static final String SAMPLE_SF_ORG = "00D5g000004XyZ1";
    /** The HMAC key of the sample HTTPS offer; the local receiver verifies every delivery with it. */
    private static final String SAMPLE_SIGNING_SECRET = "local-sample-signing-secret";
    /** Where leadctl destinations looks for the local ingest API. */
    private static final Path API_URL_FILE = Path.of(".leadpipe", "api-url");
    /** Where leadctl status looks for the local status service. */
    private static final Path STATUS_URL_FILE = Path.of(".leadpipe", "status-url");

    public static void main(String[] args) throws Exception {
        Path samples = Path.of(args.length > 0 ? args[0] : "deploy/local");
        if (!Files.isDirectory(samples.resolve("destinations"))
                || !Files.isRegularFile(samples.resolve("sample-feed.ndjson"))) {
            System.err.println("error: " + samples
                    + " holds no destinations/ folder and sample-feed.ndjson; run from the repository root");
            System.exit(2);
        }
        if (localPort() != 0 && !portFree(localPort())) {
            System.err.println("error: port " + localPort()
                    + " is already in use (another bin/run-local?); stop it or set INGEST_PORT");
            System.exit(1);
        }
        List<AutoCloseable> toClose = new ArrayList<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            System.out.println("\nStopping...");
                            closeAll(toClose);
                            stopped.countDown();
                        },
                        "shutdown"));

        String bootstrap = KafkaSettings.bootstrapFromEnvironment();
        if (bootstrap == null) {
            long t0 = System.nanoTime();
            EmbeddedKafkaBroker broker = quietly(EmbeddedKafkaBroker::start);
            toClose.add(0, broker);
            bootstrap = broker.bootstrapServers();
            System.out.printf(
                    "Kafka      embedded KRaft broker at %s (started in %.1f s)%n",
                    bootstrap, (System.nanoTime() - t0) / 1e9);
        } else {
            System.out.printf("Kafka      existing cluster at %s (KAFKA_BOOTSTRAP_SERVERS)%n", bootstrap);
        }
        TopicAdmin.ensureTopics(bootstrap, KafkaSettings.replicationFactor());
        Files.createDirectories(Path.of(".leadpipe"));
        Files.writeString(BOOTSTRAP_FILE, bootstrap + "\n");

        Map<String, LocalOps> ops = new LinkedHashMap<>();
        RouterApp router = RouterApp.start(
                RouterConfig.of(bootstrap).with(RouterConfig.STATE_DIR, Files.createTempDirectory("leadpipe-router-")),
                opsFor(ops, toClose, RouterApp.SERVICE, RouterApp.DEFAULT_OPS_PORT));
        toClose.add(0, router);
        System.out.println("Router     running (Kafka Streams, exactly_once_v2)");

        AzuriteServer azurite = AzuriteServer.start();
        toClose.add(0, azurite);
        System.out.println("Azurite    Azure Table emulator at " + azurite.tableEndpoint());
        startSink(
                ops,
                toClose,
                SinkConfig.of(bootstrap),
                new TableDestinationClient(),
                DestinationType.TABLE,
                "deliveries.table -> each offer's Azure Table, MarketplaceLeads");

        FakeAzureAd aad = FakeAzureAd.start().addApp(SAMPLE_TENANT, SAMPLE_APP, SAMPLE_SECRET);
        toClose.add(0, aad);
        FakeDataverse dataverse = FakeDataverse.start(aad);
        toClose.add(0, dataverse);
        System.out.println("Dynamics   local stand-ins: Azure AD token endpoint " + aad.baseUrl()
                + ", Dataverse Web API " + dataverse.url());
        SinkConfig dataverseLimited =
                SinkConfig.of(bootstrap).withMaxConcurrencyPerEndpoint(DynamicsSinkApp.DATAVERSE_CONCURRENCY_LIMIT);
        startSink(
                ops,
                toClose,
                dataverseLimited,
                new DynamicsDestinationClient(aad.authorityHost(), aad.httpClient(), null, Duration.ofSeconds(30)),
                DestinationType.DYNAMICS,
                "deliveries.dynamics -> each offer's Dataverse, signed in through Azure AD");

        FakeSalesforce salesforce = FakeSalesforce.start()
                .addClientCredentialsApp(SAMPLE_SF_CLIENT, SAMPLE_SF_SECRET)
                .addOrg(SAMPLE_SF_ORG);
        toClose.add(0, salesforce);
        System.out.println("Salesforce local stand-in (OAuth, REST API, Web-to-Lead) at " + salesforce.url());
        startSink(
                ops,
                toClose,
                SinkConfig.of(bootstrap),
                new SalesforceDestinationClient(null, Duration.ofSeconds(30)),
                DestinationType.SALESFORCE,
                "deliveries.salesforce -> REST upsert on LeadpipeLeadId__c, or Web-to-Lead");

        FakeHttpsReceiver receiver = FakeHttpsReceiver.start(SAMPLE_SIGNING_SECRET);
        toClose.add(0, receiver);
        System.out.println(
                "HTTPS      local receiver (stands in for a Power Automate flow, verifies the HMAC signature) at "
                        + receiver.baseUrl());
        startSink(
                ops,
                toClose,
                SinkConfig.of(bootstrap),
                new HttpsDestinationClient(null, Duration.ofSeconds(30)),
                DestinationType.HTTPS,
                "deliveries.https -> POST of the marketplace JSON, HMAC-SHA256 signed");

        GreenMail smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
        toClose.add(0, smtp::stop);
        Notifier notifier = Notifier.start(
                NotifierConfig.of(bootstrap)
                        .withSmtp("127.0.0.1", smtp.getSmtp().getPort())
                        .with(NotifierConfig.FROM, "leads-noreply@leadpipe.local"),
                opsFor(ops, toClose, Notifier.SERVICE, NotifierApp.DEFAULT_OPS_PORT));
        toClose.add(0, notifier);
        System.out.println(
                "Notifier   e-mails each offer's contacts about new leads, through a local SMTP server (GreenMail) on 127.0.0.1:"
                        + smtp.getSmtp().getPort());

        dev.leadpipe.ops.Ops statusOps = dev.leadpipe.ops.Ops.forService("status");
        toClose.add(0, statusOps);
        int statusPort = LocalOps.portFree(StatusConfig.DEFAULT_PORT) ? StatusConfig.DEFAULT_PORT : 0;
        StatusService status = StatusService.start(
                StatusConfig.of(bootstrap)
                        .with(StatusConfig.PORT, statusPort)
                        .with(StatusConfig.STATE_DIR, Files.createTempDirectory("leadpipe-status-")),
                statusOps);
        toClose.add(0, status);
        String statusUrl = "http://127.0.0.1:" + status.port();
        Files.writeString(STATUS_URL_FILE, statusUrl + "\n");
        System.out.println("Status     per-offer delivery status (Kafka Streams over lead-outcomes): page " + statusUrl
                + "/ , API " + statusUrl + "/v1/status");

        dev.leadpipe.ops.Ops ingestOps = dev.leadpipe.ops.Ops.forService(IngestService.SERVICE);
        toClose.add(0, ingestOps);
        IngestService ingest =
                IngestService.start(IngestConfig.defaults(bootstrap).with(IngestConfig.PORT, localPort()), ingestOps);
        toClose.add(0, ingest);
        String base = "http://127.0.0.1:" + ingest.port();
        System.out.println("Ingest     " + base
                + "  (POST /v1/leads, POST /v1/leads/batch, PUT /v1/offers/{offerId}/lead-destination)");
        Files.writeString(API_URL_FILE, base + "\n");

        Map<String, Integer> firstIndexOf = new ConcurrentHashMap<>();
        // Once the table is printed, every change of a lead's fate is printed as it happens (a replayed lead delivered,
        // a new lead's outcome); before that, only leads that are not part of the sample feed.
        AtomicBoolean tablePrinted = new AtomicBoolean();
        OutcomeWatcher watcher = new OutcomeWatcher(bootstrap, fate -> {
            if (tablePrinted.get() || !firstIndexOf.containsKey(fate.leadId())) {
                System.out.println(OutcomeTable.liveLine(fate));
            }
        });
        toClose.add(0, watcher);

        HttpClient http = HttpClient.newHttpClient();
        Map<String, Long> savedVersions = new LinkedHashMap<>();
        System.out.println();
        System.out.println("Sample destinations (secrets masked, as the API returns them):");
        for (Path file : destinationFiles(samples)) {
            String offerId = file.getFileName().toString().replaceFirst("\\.json$", "");
            String requestBody = Files.readString(file)
                    .replace("{{azurite.tableEndpoint}}", azurite.tableEndpoint())
                    .replace("{{dataverse.url}}", dataverse.url())
                    .replace("{{salesforce.url}}", salesforce.url())
                    .replace("{{salesforce.webToLeadUrl}}", salesforce.webToLeadUrl())
                    .replace("{{https.url}}", receiver.url("/workflows/local/triggers/manual/paths/invoke"));
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/v1/offers/" + offerId + "/lead-destination"))
                            .header("Content-Type", "application/json")
                            .PUT(HttpRequest.BodyPublishers.ofString(requestBody))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = Json.MAPPER.readTree(r.body());
            if (r.statusCode() == 422
                    && body.path("errors").path(0).path("pointer").asText().equals("/type")) {
                // blob: the API refuses it now; offers configured before it was retired still have one on the topic
                writeLegacyDestination(bootstrap, Json.MAPPER.readValue(requestBody, LeadDestination.class), offerId);
                savedVersions.put(offerId, 1L);
                System.out.printf(
                        "  %-34s %-11s refused by the API (%s); stored straight on the topic as a configuration from before%n",
                        offerId, "blob", "no longer supported");
                continue;
            }
            System.out.printf(
                    "  %-34s %-11s %s%n",
                    offerId, body.path("type").asText("HTTP " + r.statusCode()), body.path("settings"));
            if (body.hasNonNull("version")) {
                savedVersions.put(offerId, body.get("version").asLong());
            }
        }
        awaitRouterHas(router, savedVersions);
        System.out.printf("  %-34s (none: this offer has no destination on purpose)%n", "tailspin.noconfig-offer");

        List<String> feed = Files.readAllLines(samples.resolve("sample-feed.ndjson")).stream()
                .filter(l -> !l.isBlank())
                .toList();
        HttpResponse<String> posted = http.send(
                HttpRequest.newBuilder(URI.create(base + "/v1/leads/batch"))
                        .header("Content-Type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", feed)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode items = Json.MAPPER.readTree(posted.body()).path("items");
        System.out.printf(
                "%nPosted the sample feed: %d leads in one NDJSON batch -> HTTP %d%n",
                feed.size(), posted.statusCode());

        Map<Integer, JsonNode> itemByIndex = new LinkedHashMap<>();
        items.forEach(item -> itemByIndex.put(item.path("index").asInt(), item));
        for (int i = 0; i < feed.size(); i++) {
            JsonNode item = itemByIndex.get(i);
            if (item != null && item.hasNonNull("leadId")) {
                firstIndexOf.putIfAbsent(item.get("leadId").asText(), i);
            }
        }
        long deadline = System.nanoTime() + FEED_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline
                && !firstIndexOf.keySet().stream().allMatch(id -> settled(watcher.fate(id)))) {
            Thread.sleep(200);
        }
        Thread.sleep(500); // let a dead-letter record's outcome twin arrive
        System.out.println();
        System.out.println(OutcomeTable.render(feed.size(), itemByIndex, firstIndexOf, watcher::fate));
        tablePrinted.set(true);
        printNotifications(smtp);
        System.out.println();
        System.out.println("$ bin/leadctl dlq list");
        new CommandLine(new Leadctl()).execute("--bootstrap-servers", bootstrap, "dlq", "list");
        System.out.println();
        System.out.println("$ bin/leadctl status        (also at " + statusUrl + "/ in a browser)");
        Thread.sleep(1_000); // the status service folds the outcomes just printed
        new CommandLine(new Leadctl()).execute("status", "--status-url", statusUrl);
        System.out.println();
        System.out.println("Operations: every service serves /metrics (Prometheus), /health/live and /health/ready:");
        System.out.printf("  %-16s %s/metrics%n", IngestService.SERVICE, base);
        ops.forEach((service, local) -> System.out.printf("  %-16s %s/metrics%n", service, local.baseUrl()));
        System.out.printf("  %-16s %s/metrics%n", "status", statusUrl);
        System.out.println("  Scrape them with deploy/monitoring/prometheus.yml (the default ports) and import"
                + " deploy/monitoring/grafana/leadpipe-dashboard.json.");
        System.out.println();
        System.out.println("Still serving (bin/leadctl finds this broker through .leadpipe/bootstrap-servers).");
        Path fix = Path.of(".leadpipe", "fix-" + BAD_KEY_OFFER + ".json");
        Files.writeString(
                fix,
                "{\"type\":\"table\",\"settings\":{\"connectionString\":\"" + azurite.connectionString() + "\"}}\n");
        System.out.println("Fix the broken table offer's key, then replay its dead-lettered leads:");
        System.out.println("  curl -X PUT -H 'Content-Type: application/json' --data @" + fix + " " + base
                + "/v1/offers/" + BAD_KEY_OFFER + "/lead-destination");
        System.out.println("  bin/leadctl dlq replay --class TABLE_AUTH_FAILED --yes");
        System.out.println("Post more leads, e.g.:");
        System.out.println(
                "  curl -i -H 'Content-Type: application/json' -d '{\"LeadSource\":\"AzureMarketplace-INS|contoso.table-offer\",\"UserDetails\":{\"FirstName\":\"Zoe\",\"Email\":\"zoe@example.com\"}}' "
                        + base + "/v1/leads");
        System.out.println(
                "From now on every new outcome is printed below as it happens (marked 'now'). Ctrl-C stops everything.");
        stopped.await();
    }

    /** Starts a service's ops server (closed after the service, which is added to {@code toClose} later). */
    private static dev.leadpipe.ops.Ops opsFor(
            Map<String, LocalOps> all, List<AutoCloseable> toClose, String service, int port) {
        LocalOps local = LocalOps.start(service, port);
        toClose.add(0, local);
        all.put(service, local);
        return local.ops();
    }

    /**
     * Starts the sink of {@code type} with its ops server and the local run's retry budget (5 attempts within 30 s),
     * closed with the rest, and says what it delivers where ({@code route}).
     */
    private static void startSink(
            Map<String, LocalOps> all,
            List<AutoCloseable> toClose,
            SinkConfig config,
            DestinationClient client,
            DestinationType type,
            String route) {
        String service = "sink-" + type.wireName();
        SinkRuntime sink = SinkRuntime.start(
                config.withRetryBudget(5, Duration.ofSeconds(30)),
                client,
                opsFor(all, toClose, service, SinkRuntime.defaultOpsPort(type)));
        toClose.add(0, sink);
        System.out.println(service + " running (" + route + ")");
    }

    /** What the local SMTP server received: one line per e-mail, and the body of the first one about a .edu lead. */
    private static void printNotifications(GreenMail smtp) throws Exception {
        smtp.waitForIncomingEmail(3_000, 1);
        jakarta.mail.internet.MimeMessage[] mails = smtp.getReceivedMessages();
        java.util.Map<String, jakarta.mail.internet.MimeMessage> unique = new LinkedHashMap<>();
        for (jakarta.mail.internet.MimeMessage m : mails) {
            unique.putIfAbsent(m.getMessageID(), m); // GreenMail keeps one copy per recipient
        }
        System.out.println();
        System.out.println("Contact notifications received by the local SMTP server: " + unique.size()
                + " e-mails (one per lead with contacts; ids, action and where to find the lead, no customer data):");
        String eduBody = null;
        for (jakarta.mail.internet.MimeMessage m : unique.values()) {
            System.out.println("  " + m.getSubject());
            String body = com.icegreen.greenmail.util.GreenMailUtil.getBody(m);
            if (eduBody == null && body.contains(".edu")) {
                eduBody = body;
            }
        }
        if (eduBody != null) {
            System.out.println("The one about a .edu lead reads:");
            eduBody.lines().forEach(line -> System.out.println("  | " + line));
        }
    }

    /**
     * Waits until the router routes by every destination just saved, so the sample feed posted next does not meet a
     * router whose global table is still catching up (its leads would be dead-lettered NO_DESTINATION_CONFIGURED).
     */
    private static void awaitRouterHas(RouterApp router, Map<String, Long> versions) throws InterruptedException {
        for (Map.Entry<String, Long> saved : versions.entrySet()) {
            if (!router.awaitDestination(saved.getKey(), saved.getValue(), Duration.ofSeconds(30))) {
                System.out.println("warning: the router has not yet seen " + saved.getKey() + "'s destination;"
                        + " its leads may be dead-lettered NO_DESTINATION_CONFIGURED (replay them with leadctl)");
            }
        }
    }

    /** Writes an offer's destination straight to the compacted topic, bypassing the API's checks. */
    private static void writeLegacyDestination(String bootstrap, LeadDestination parsed, String offerId)
            throws Exception {
        LeadDestination legacy = new LeadDestination(
                offerId,
                parsed.type(),
                parsed.settings(),
                parsed.contactEmails(),
                1,
                java.time.Instant.parse("2020-01-01T00:00:00Z"));
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(
                java.util.Map.<String, Object>of(
                        org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                Topics.LEAD_DESTINATIONS.keySerde().serializer(),
                Topics.LEAD_DESTINATIONS.valueSerde().serializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                            Topics.LEAD_DESTINATIONS.name(), offerId, legacy))
                    .get();
        }
    }

    /** Runs a start-up step whose library prints to stdout (Kafka's storage formatter does), keeping the table clean. */
    private static <T> T quietly(java.util.function.Supplier<T> step) {
        java.io.PrintStream out = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            return step.get();
        } finally {
            System.setOut(out);
        }
    }

    /** Whether a lead's fate is final for this run: a terminal outcome, or waiting on a topic no local sink reads. */
    private static boolean settled(LeadFate fate) {
        return fate != null && (fate.terminal() || !SINKS_RUNNING.contains(fate.deliveryTopic()));
    }

    private static boolean portFree(int port) {
        try (java.net.ServerSocket socket =
                new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int localPort() {
        String port = System.getenv("INGEST_PORT");
        return port == null || port.isBlank() ? 8080 : Integer.parseInt(port.trim());
    }

    private static List<Path> destinationFiles(Path samples) throws IOException {
        try (Stream<Path> files = Files.list(samples.resolve("destinations"))) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable c : resources) {
            try {
                c.close();
            } catch (Exception ignored) {
                // stopping anyway
            }
        }
    }
}
