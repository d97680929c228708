package dev.leadpipe.local;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.leadpipe.azurite.testing.AzuriteExtension;
import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.fakes.FakeAzureAd;
import dev.leadpipe.fakes.FakeDataverse;
import dev.leadpipe.fakes.FakeHttpsReceiver;
import dev.leadpipe.ingest.IngestConfig;
import dev.leadpipe.ingest.IngestService;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicReader;
import dev.leadpipe.leadctl.Leadctl;
import dev.leadpipe.local.monitoring.HeadlessChromium;
import dev.leadpipe.local.monitoring.MonitoringFiles;
import dev.leadpipe.local.monitoring.Pixels;
import dev.leadpipe.local.monitoring.PrometheusServer;
import dev.leadpipe.local.monitoring.RequiresTools;
import dev.leadpipe.notifier.Notifier;
import dev.leadpipe.notifier.NotifierConfig;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.auth.Role;
import dev.leadpipe.ops.testing.Scrape;
import dev.leadpipe.ops.testing.TestKeys;
import dev.leadpipe.router.RouterApp;
import dev.leadpipe.router.RouterConfig;
import dev.leadpipe.sink.dynamics.DynamicsDestinationClient;
import dev.leadpipe.sink.dynamics.MsalHttp;
import dev.leadpipe.sink.https.HttpsDestinationClient;
import dev.leadpipe.sink.runtime.SinkConfig;
import dev.leadpipe.sink.runtime.SinkRuntime;
import dev.leadpipe.sink.table.TableDestinationClient;
import dev.leadpipe.status.StatusConfig;
import dev.leadpipe.status.StatusService;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Operations monitoring of the whole pipeline, every service in this JVM with its own metrics registry and ops
 * server: after a mixed run (delivered, suppressed, rejected, duplicate, dead-lettered by the router and by a sink,
 * retried, replayed, a destination down with its circuit open) each service's {@code /metrics} holds the expected
 * counts; {@code leadctl status} explains the broken Dynamics offer and the healthy one; the operator status page,
 * rendered in headless Chromium, shows the failing offer; a real Prometheus scrapes every service with the project's
 * alert rules and fires the dead-letter alert for an injected failing destination; and every metric the Grafana
 * dashboard and the alert rules query is one the services export.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitoringSystemTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final AzuriteExtension AZURITE = AzuriteExtension.persistent();

    @RegisterExtension
    static final GreenMailExtension SMTP =
            new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort()).withPerMethodLifecycle(false);

    private static final String TABLE_OFFER = "contoso.monitored-table";
    private static final String DYNAMICS_OFFER = "litware.monitored-crm";
    private static final String FLAKY_OFFER = "fabrikam.monitored-flow";
    private static final String DOWN_OFFER = "adatum.monitored-down-flow";
    private static final String UNCONFIGURED_OFFER = "tailspin.monitored-unconfigured";
    private static final String TENANT = "6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b";
    private static final String APP = "1a2b3c4d-0000-4000-8000-00000000a11e";
    private static final String SECRET_CANARY = "CANARY-monitoring-secret-7x1";
    private static final String SIGNING_SECRET = "monitoring-signing-secret";
    private static final String FLOW_PATH = "/workflows/monitored/triggers/manual/paths/invoke";

    private static final Instant STARTED = Instant.now();
    private static final List<AutoCloseable> CLOSE = new ArrayList<>();
    private static final Map<String, String> OPS_URLS = new LinkedHashMap<>();
    private static RouterApp router;
    private static IngestService ingest;
    private static StatusService status;
    /** The operator key every request to ingest and status sends; Prometheus sends {@link #metricsKey}. */
    private static String key;

    private static String metricsKey;
    private static FakeDataverse dataverse;
    private static int closedPort;
    private static final Map<String, String> LEAD_IDS = new LinkedHashMap<>();

    @BeforeAll
    static void startEveryService() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        key = SystemTestSupport.operatorKey(bootstrap);
        metricsKey = TestKeys.create(bootstrap, Role.METRICS_READ);
        closedPort = SystemTestSupport.freePort();
        LocalOps routerOps = ops(RouterApp.SERVICE);
        router = closeLater(RouterApp.start(
                RouterConfig.of(bootstrap).with(RouterConfig.STATE_DIR, Files.createTempDirectory("router-")),
                routerOps.ops()));

        LocalOps tableOps = ops("sink-table");
        closeLater(SinkRuntime.start(
                SinkConfig.of(bootstrap)
                        .withAllowedHosts(DestinationAddresses.LOCAL_STAND_INS)
                        .withRetryBudget(3, Duration.ofSeconds(10)),
                new TableDestinationClient(Duration.ofSeconds(5)),
                tableOps.ops()));

        FakeAzureAd aad = closeLater(FakeAzureAd.start().addApp(TENANT, APP, "the-current-secret"));
        dataverse = closeLater(FakeDataverse.start(aad));
        LocalOps dynamicsOps = ops("sink-dynamics");
        closeLater(SinkRuntime.start(
                SinkConfig.of(bootstrap)
                        .withAllowedHosts(DestinationAddresses.LOCAL_STAND_INS)
                        .withRetryBudget(3, Duration.ofSeconds(10)),
                new DynamicsDestinationClient(
                        aad.authorityHost(),
                        MsalHttp.via(aad.baseUrl(), HttpClient.newHttpClient(), Duration.ofSeconds(30)),
                        null,
                        Duration.ofSeconds(10)),
                dynamicsOps.ops()));

        // the flow answers its first two calls 503: two retries, a circuit that opens and closes again
        FakeHttpsReceiver flow =
                closeLater(FakeHttpsReceiver.start(SIGNING_SECRET).answerFirst(FLOW_PATH, 2, 503));
        LocalOps httpsOps = ops("sink-https");
        closeLater(SinkRuntime.start(
                SinkConfig.of(bootstrap)
                        .withAllowedHosts(DestinationAddresses.LOCAL_STAND_INS)
                        .withRetryBudget(100, Duration.ofMinutes(30))
                        .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(1), 0.2)
                        .withCircuitBreaker(2, Duration.ofSeconds(2)),
                new HttpsDestinationClient(null, Duration.ofSeconds(5)),
                httpsOps.ops()));

        LocalOps notifierOps = ops(Notifier.SERVICE);
        closeLater(Notifier.start(
                NotifierConfig.of(bootstrap)
                        .withSmtp("127.0.0.1", SMTP.getSmtp().getPort())
                        .with(NotifierConfig.FROM, "leads-noreply@leadpipe.local"),
                notifierOps.ops()));

        Ops statusOps = closeLater(Ops.forService("status"));
        status = closeLater(StatusService.start(
                StatusConfig.of(bootstrap)
                        .with(StatusConfig.PORT, 0)
                        .with(StatusConfig.STATE_DIR, Files.createTempDirectory("status-"))
                        .with(StatusConfig.METRICS_REFRESH, Duration.ofMillis(300))
                        .with(StatusConfig.LAG_CACHE_TTL, Duration.ofSeconds(1)),
                statusOps));
        OPS_URLS.put("status", "http://127.0.0.1:" + status.port());

        Ops ingestOps = closeLater(Ops.forService(IngestService.SERVICE));
        ingest = closeLater(IngestService.start(
                IngestConfig.defaults(bootstrap)
                        .with(DestinationAddresses.ALLOWED_HOSTS, DestinationAddresses.LOCAL_STAND_INS)
                        .with(IngestConfig.PORT, 0),
                ingestOps));
        OPS_URLS.put(IngestService.SERVICE, ingestUrl(""));

        put(TABLE_OFFER, table(AZURITE.connectionString()));
        put(DYNAMICS_OFFER, """
                {"type": "dynamics", "settings": {"instanceUrl": "%s", "tenantId": "%s", "applicationId": "%s",
                 "clientSecret": "%s"}}""".formatted(dataverse.url(), TENANT, APP, SECRET_CANARY));
        put(FLAKY_OFFER, https(flow.url(FLOW_PATH)));
        put(DOWN_OFFER, https("http://127.0.0.1:" + closedPort + FLOW_PATH));
    }

    @AfterAll
    static void stopEveryService() {
        for (AutoCloseable c : CLOSE) {
            try {
                c.close();
            } catch (Exception ignored) {
                // stopping anyway
            }
        }
    }

    @Test
    @Order(1)
    void afterAMixedRunEveryServiceExportsTheExpectedCounts() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        List<String> feed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            feed.add(SystemTestSupport.lead(TABLE_OFFER, i));
        }
        feed.add(SystemTestSupport.lead(TABLE_OFFER, 5)
                .replace(SystemTestSupport.email(TABLE_OFFER, 5), "student5@campus.edu"));
        for (int i = 0; i < 3; i++) {
            feed.add(SystemTestSupport.lead(DYNAMICS_OFFER, i));
        }
        feed.add(SystemTestSupport.lead(FLAKY_OFFER, 0));
        feed.add(SystemTestSupport.lead(FLAKY_OFFER, 1));
        feed.add(SystemTestSupport.lead(DOWN_OFFER, 0));
        feed.add(SystemTestSupport.lead(UNCONFIGURED_OFFER, 0));
        feed.add(SystemTestSupport.lead(UNCONFIGURED_OFFER, 1));
        feed.add(SystemTestSupport.lead(TABLE_OFFER, 90)
                .replace(SystemTestSupport.email(TABLE_OFFER, 90), "not-an-e-mail"));
        feed.add(SystemTestSupport.lead(TABLE_OFFER, 91)
                .replace(SystemTestSupport.email(TABLE_OFFER, 91), "also not one"));
        JsonNode batch = postBatch(feed);
        assertThat(batch.path("accepted").asInt()).isEqualTo(14);
        assertThat(batch.path("rejected").asInt()).isEqualTo(2);
        for (JsonNode item : batch.path("items")) {
            if (item.hasNonNull("leadId")) {
                LEAD_IDS.put(
                        feed.get(item.path("index").asInt()),
                        item.path("leadId").asText());
            }
        }
        HttpResponse<String> malformed = send(HttpRequest.newBuilder(URI.create(ingestUrl("/v1/leads")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"UserDetails\": ")));
        assertThat(malformed.statusCode()).isEqualTo(400);
        postBatch(List.of(SystemTestSupport.lead(TABLE_OFFER, 0))); // the marketplace sends a lead again: a duplicate

        awaitOutcomes(o -> count(o, TABLE_OFFER, OutcomeType.DELIVERED) == 5
                && count(o, TABLE_OFFER, OutcomeType.SUPPRESSED) == 1
                && count(o, DYNAMICS_OFFER, OutcomeType.DEAD_LETTERED) == 3
                && count(o, FLAKY_OFFER, OutcomeType.DELIVERED) == 2
                && count(o, UNCONFIGURED_OFFER, OutcomeType.DEAD_LETTERED) == 2);

        // the unconfigured offer's publisher configures a destination; the operator replays its dead letters
        put(UNCONFIGURED_OFFER, table(AZURITE.connectionString()));
        SystemTestSupport.CliResult replay = SystemTestSupport.leadctl(
                bootstrap, "dlq", "replay", "--class", ErrorClass.NO_DESTINATION_CONFIGURED.code(), "--yes");
        assertThat(replay.exitCode()).as(replay.out() + replay.err()).isZero();
        awaitOutcomes(o -> count(o, UNCONFIGURED_OFFER, OutcomeType.DELIVERED) == 2);

        Scrape ingestScrape = Scrape.of(OPS_URLS.get(IngestService.SERVICE), key);
        assertThat(ingestScrape.value("leadpipe_ingest_leads_total", "result=accepted", "reason=none"))
                .isEqualTo(15.0);
        assertThat(ingestScrape.value("leadpipe_ingest_leads_total", "result=rejected", "reason=invalid_fields"))
                .isEqualTo(2.0);
        assertThat(ingestScrape.value("leadpipe_ingest_leads_total", "result=rejected", "reason=invalid_json"))
                .isEqualTo(1.0);

        // the duplicate has no outcome to wait for: wait for the router to have counted it
        Scrape router = Scrape.until(
                OPS_URLS.get(RouterApp.SERVICE),
                s -> s.value("leadpipe_router_duplicates_total") == 1.0,
                Duration.ofSeconds(30));
        assertThat(router.value("leadpipe_router_routed_total", "type=table")).isEqualTo(7.0); // 5 + 2 replayed
        assertThat(router.value("leadpipe_router_routed_total", "type=dynamics"))
                .isEqualTo(3.0);
        assertThat(router.value("leadpipe_router_routed_total", "type=https")).isEqualTo(3.0);
        assertThat(router.value("leadpipe_router_suppressed_total")).isEqualTo(1.0);
        assertThat(router.value("leadpipe_router_dead_lettered_total", "error_class=NO_DESTINATION_CONFIGURED"))
                .isEqualTo(2.0);
        assertThat(router.value("leadpipe_router_duplicates_total")).isEqualTo(1.0);
        assertThat(router.value("leadpipe_router_replays_total")).isEqualTo(2.0);

        Scrape table = Scrape.of(OPS_URLS.get("sink-table"), key);
        assertThat(table.value("leadpipe_sink_outcomes_total", "type=table", "outcome=DELIVERED", "error_class=none"))
                .isEqualTo(7.0);
        assertThat(table.value("leadpipe_sink_delivery_latency_seconds_count", "type=table"))
                .isEqualTo(7.0);
        assertThat(table.value("leadpipe_sink_delivery_latency_seconds_bucket", "type=table", "le=+Inf"))
                .isEqualTo(7.0);
        assertThat(table.sum("leadpipe_sink_outcomes_total", "outcome=DEAD_LETTERED"))
                .isZero();

        Scrape dynamics = Scrape.of(OPS_URLS.get("sink-dynamics"), key);
        assertThat(dynamics.value(
                        "leadpipe_sink_outcomes_total",
                        "type=dynamics",
                        "outcome=DEAD_LETTERED",
                        "error_class=AAD_INVALID_CLIENT_SECRET"))
                .isEqualTo(3.0);
        assertThat(dynamics.value("leadpipe_sink_attempts_total", "type=dynamics", "result=permanent"))
                .isEqualTo(3.0);
        assertThat(dynamics.text()).doesNotContain(SECRET_CANARY).doesNotContain("@fabrikam.example");

        Scrape https = Scrape.of(OPS_URLS.get("sink-https"), key);
        assertThat(https.value("leadpipe_sink_outcomes_total", "type=https", "outcome=DELIVERED", "error_class=none"))
                .isEqualTo(2.0);
        assertThat(https.value("leadpipe_sink_retries_total", "type=https", "error_class=DESTINATION_HTTP_ERROR"))
                .isEqualTo(2.0);
        assertThat(https.value("leadpipe_sink_retries_total", "type=https", "error_class=UNKNOWN"))
                .isGreaterThanOrEqualTo(1.0);
        assertThat(https.value("leadpipe_sink_attempts_total", "type=https", "result=success"))
                .isEqualTo(2.0);
        // the down flow's lead waits behind its open circuit, in a retry tier (not in memory)
        Scrape httpsOpen = Scrape.until(
                OPS_URLS.get("sink-https"),
                // the deferral is counted when the lead is handed to its retry tier, a moment before the write
                // finishes and the lead leaves memory: wait for both
                s -> s.value("leadpipe_sink_circuits_open", "type=https") == 1.0
                        && s.value("leadpipe_sink_deferred_total", "type=https", "reason=CIRCUIT_OPEN") >= 1.0
                        && s.value("leadpipe_sink_in_flight", "type=https") == 0.0,
                Duration.ofSeconds(30));
        assertThat(httpsOpen.value("leadpipe_sink_circuits_open", "type=https")).isEqualTo(1.0);
        assertThat(httpsOpen.value("leadpipe_sink_in_flight", "type=https")).isZero();

        long[] received = new long[1]; // the SMTP server's count at the moment of the matching scrape
        Scrape notifier = Scrape.until(
                OPS_URLS.get(Notifier.SERVICE),
                s -> {
                    received[0] = emailsReceived();
                    return s.value("leadpipe_notifier_emails_total", "kind=lead", "result=sent") == received[0];
                },
                Duration.ofSeconds(30));
        assertThat(received[0]).isPositive();
        assertThat(notifier.value("leadpipe_notifier_emails_total", "kind=lead", "result=sent"))
                .isEqualTo((double) received[0]);

        Scrape statusScrape = Scrape.until(
                OPS_URLS.get("status"),
                key,
                s -> s.value("leadpipe_dlq_open", "error_class=AAD_INVALID_CLIENT_SECRET") == 3.0
                        && s.value("leadpipe_dlq_open", "error_class=NO_DESTINATION_CONFIGURED") == 0.0
                        && s.value("leadpipe_consumer_lag", "group=leadpipe-sink-table") == 0.0
                        && s.value("leadpipe_offer_circuit_open", "offer_id=" + DOWN_OFFER) == 1.0
                        && s.value("leadpipe_offer_waiting_leads", "offer_id=" + DOWN_OFFER) == 1.0,
                Duration.ofSeconds(60));
        assertThat(statusScrape.value("leadpipe_dlq_open", "error_class=AAD_INVALID_CLIENT_SECRET"))
                .isEqualTo(3.0);
        assertThat(statusScrape.value("leadpipe_dlq_open", "error_class=NO_DESTINATION_CONFIGURED"))
                .isZero();
        assertThat(statusScrape.find("leadpipe_dlq_open")).hasSize(ErrorClass.values().length);
        assertThat(statusScrape.value("leadpipe_offer_open_dead_letters", "offer_id=" + DYNAMICS_OFFER))
                .isEqualTo(3.0);
        assertThat(statusScrape.find("leadpipe_offer_open_dead_letters", "offer_id=" + TABLE_OFFER))
                .isEmpty();
        assertThat(statusScrape.value("leadpipe_offer_circuit_open", "offer_id=" + DOWN_OFFER, "type=https"))
                .isEqualTo(1.0);
        assertThat(statusScrape.find("leadpipe_offer_waiting_since_timestamp_seconds", "offer_id=" + DOWN_OFFER))
                .hasSize(1);
        assertThat(statusScrape.value(
                        "leadpipe_offer_oldest_waiting_since_timestamp_seconds",
                        "offer_id=" + DOWN_OFFER,
                        "type=https"))
                .as("since the lead was first held back, in this run")
                .isBetween(STARTED.getEpochSecond() - 1.0, Instant.now().getEpochSecond() + 1.0);
        assertThat(statusScrape.value("leadpipe_waiting_leads", "type=https")).isEqualTo(1.0);
        assertThat(statusScrape.value("leadpipe_consumer_lag", "group=leadpipe-sink-table"))
                .isZero();
        assertThat(statusScrape.find("leadpipe_consumer_lag", "group=leadpipe-router"))
                .hasSize(1);

        for (Map.Entry<String, String> service : OPS_URLS.entrySet()) {
            Scrape s = Scrape.of(service.getValue(), key);
            assertThat(s.value("leadpipe_ready", "service=" + service.getKey()))
                    .as(service.getKey() + " ready")
                    .isEqualTo(1.0);
            assertThat(s.text())
                    .as(service.getKey())
                    .doesNotContain(SECRET_CANARY)
                    .doesNotContain("@fabrikam.example")
                    .doesNotContain("campus.edu");
            HttpResponse<String> ready = send(HttpRequest.newBuilder(URI.create(service.getValue() + "/health/ready")));
            assertThat(ready.statusCode())
                    .as(service.getKey() + ": " + ready.body())
                    .isEqualTo(200);
            assertThat(send(HttpRequest.newBuilder(URI.create(service.getValue() + "/health/live")))
                            .statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    @Order(2)
    void leadctlStatusExplainsTheBrokenDynamicsOfferAndTheHealthyOne() throws Exception {
        // the status service folds outcomes asynchronously, per offer: wait for the picture the run produced
        SystemTestSupport.CliResult broken =
                awaitStatus(out -> out.contains("3 open"), "status", "--offer", DYNAMICS_OFFER);
        assertThat(broken.exitCode()).as(broken.err()).isZero();
        assertThat(broken.out())
                .contains(DYNAMICS_OFFER)
                .contains("FAILING")
                .contains(ErrorClass.AAD_INVALID_CLIENT_SECRET.code())
                .contains(ErrorClass.AAD_INVALID_CLIENT_SECRET.remediation())
                .doesNotContain(SECRET_CANARY);

        SystemTestSupport.CliResult healthy =
                awaitStatus(out -> out.contains("5 delivered in the last 24 h"), "status", "--offer", TABLE_OFFER);
        assertThat(healthy.exitCode()).as(healthy.err()).isZero();
        assertThat(healthy.out())
                .contains("HEALTHY")
                .contains("Last delivered: ")
                .contains("5 delivered in the last 24 h")
                .doesNotContain("@fabrikam.example");
        String lastTableLead = LEAD_IDS.get(SystemTestSupport.lead(TABLE_OFFER, 4));
        List<Outcome> tableDeliveries = TopicReader.readUntil(
                        KAFKA.bootstrapServers(),
                        Topics.LEAD_OUTCOMES,
                        r -> count(r.stream().map(ConsumerRecord::value).toList(), TABLE_OFFER, OutcomeType.DELIVERED)
                                >= 5,
                        Duration.ofSeconds(30),
                        Duration.ZERO)
                .stream()
                .map(ConsumerRecord::value)
                .filter(o -> o.offerId().equals(TABLE_OFFER) && o.outcome() == OutcomeType.DELIVERED)
                .toList();
        assertThat(tableDeliveries).hasSize(5);
        String lastDelivered = tableDeliveries.stream()
                .max(java.util.Comparator.comparing(Outcome::at))
                .orElseThrow()
                .leadId();
        assertThat(lastTableLead).isNotNull();
        assertThat(healthy.out()).contains("Last delivered: " + lastDelivered);

        SystemTestSupport.CliResult overview = status("status");
        assertThat(overview.exitCode()).isZero();
        assertThat(overview.out()).contains(DYNAMICS_OFFER, TABLE_OFFER, DOWN_OFFER);

        SystemTestSupport.CliResult down =
                awaitStatus(out -> out.contains("Waiting: 1 lead,"), "status", "--offer", DOWN_OFFER);
        assertThat(down.out())
                .contains(
                        "CIRCUIT_OPEN after UNKNOWN",
                        "  fix: " + ErrorClass.UNKNOWN.remediation(),
                        "leadctl waiting list --offer " + DOWN_OFFER);
    }

    @Test
    @Order(3)
    @RequiresTools({"chromium", "chromedriver"})
    void theStatusPageShowsTheFailingOfferWithItsFix() throws Exception {
        try (HeadlessChromium chromium = HeadlessChromium.start()) {
            // the page's shell takes the credential from the fragment (never sent to the server) and loads the page
            chromium.open("http://127.0.0.1:" + status.port() + "/#key=" + key);
            String css = "#failing-offers tr.failing-offer[data-offer-id='" + DYNAMICS_OFFER + "']";
            chromium.awaitElement(css, Duration.ofSeconds(30));
            assertThat(chromium.driver().getCurrentUrl()).doesNotContain(key);
            assertThat(chromium.displayed(css)).as(chromium.pageText()).isTrue();
            assertThat(chromium.text(css))
                    .contains(
                            DYNAMICS_OFFER,
                            "dynamics",
                            ErrorClass.AAD_INVALID_CLIENT_SECRET.code(),
                            ErrorClass.AAD_INVALID_CLIENT_SECRET.remediation());
            assertThat(chromium.findAll("#failing-offers tr.failing-offer[data-offer-id='" + TABLE_OFFER + "']"))
                    .isEmpty();
            assertThat(chromium.text("#dlq-backlog")).contains(ErrorClass.AAD_INVALID_CLIENT_SECRET.code());
            String waiting = "#waiting-offers tr.waiting-offer[data-offer-id='" + DOWN_OFFER + "']";
            assertThat(chromium.displayed(waiting)).as(chromium.pageText()).isTrue();
            assertThat(chromium.text(waiting)).contains(DOWN_OFFER, "https", "CIRCUIT_OPEN", ErrorClass.UNKNOWN.code());
            assertThat(chromium.text("#waiting-total")).isEqualTo("1 lead waiting");
            assertThat(chromium.text("#destinations")).contains("table", "dynamics");
            assertThat(chromium.pageText()).doesNotContain("@fabrikam.example").doesNotContain(SECRET_CANARY);

            Path page = chromium.screenshot("status-page");
            Path row = chromium.screenshot(css, "status-page-failing-offer");
            assertThat(Pixels.fractionNotWhite(page))
                    .as("the page screenshot " + page + " shows content")
                    .isGreaterThan(0.02);
            assertThat(Pixels.fractionNotWhite(row))
                    .as("the failing row " + row + " is tinted")
                    .isGreaterThan(0.5);
        }
    }

    @Test
    @Order(4)
    void everyMetricTheDashboardAndTheAlertsQueryIsExported() {
        SortedSet<String> exported = new TreeSet<>();
        OPS_URLS.values().forEach(url -> exported.addAll(Scrape.of(url, key).names()));
        assertThat(MonitoringFiles.metricNamesUsed()).isNotEmpty();
        assertThat(exported).containsAll(MonitoringFiles.metricNamesUsed());
    }

    @Test
    @Order(5)
    @RequiresTools({"prometheus"})
    void aRealPrometheusScrapesEveryServiceAndFiresTheDeadLetterAlertForAFailingDestination() throws Exception {
        Map<String, String> targets = new LinkedHashMap<>();
        OPS_URLS.forEach((service, url) -> targets.put(service, url.replace("http://", "")));
        Path credentials = Files.createTempFile("leadpipe-metrics-key-", "");
        Files.writeString(credentials, metricsKey + "\n");
        try (PrometheusServer prometheus =
                PrometheusServer.start(targets, MonitoringFiles.alertRulesFile(), credentials)) {
            prometheus.awaitTargetsUp(Duration.ofSeconds(60));
            assertThat(prometheus.activeTargets())
                    .hasSize(OPS_URLS.size())
                    .allSatisfy((job, health) -> assertThat(health).isEqualTo("up"));
            awaitQuery(prometheus, "leadpipe_dlq_open{error_class=\"AAD_INVALID_CLIENT_SECRET\"}", 3.0);
            assertThat(prometheus.alerts()).noneMatch(a -> a.name().equals("LeadpipeDeadLetterGrowth") && a.firing());

            // the Dynamics offer's destination keeps failing: its next leads are dead-lettered too
            postBatch(List.of(SystemTestSupport.lead(DYNAMICS_OFFER, 10), SystemTestSupport.lead(DYNAMICS_OFFER, 11)));

            PrometheusServer.Alert alert = prometheus.awaitAlertFiring(
                    "LeadpipeDeadLetterGrowth",
                    Map.of("error_class", ErrorClass.AAD_INVALID_CLIENT_SECRET.code()),
                    Duration.ofSeconds(90));
            assertThat(alert.labels()).containsEntry("severity", "warning");
            assertThat(alert.annotations().get("summary")).contains("AAD_INVALID_CLIENT_SECRET");
            // the alert fires on the first dead letter of the two; the second may reach a later scrape
            awaitQuery(prometheus, "leadpipe_dlq_open{error_class=\"AAD_INVALID_CLIENT_SECRET\"}", 5.0);
            assertThat(prometheus.alerts()).noneMatch(a -> a.name().equals("LeadpipeServiceDown") && a.firing());
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void awaitQuery(PrometheusServer prometheus, String promql, double expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            List<PrometheusServer.Sample> samples = prometheus.query(promql);
            if (samples.size() == 1 && samples.get(0).value() == expected) {
                return;
            }
            Thread.sleep(250);
        }
        assertThat(prometheus.query(promql))
                .as(promql)
                .singleElement()
                .satisfies(s -> assertThat(s.value()).isEqualTo(expected));
    }

    /** E-mails the SMTP server received (GreenMail keeps one copy per recipient). */
    private static long emailsReceived() {
        return java.util.Arrays.stream(SMTP.getReceivedMessages())
                .map(m -> {
                    try {
                        return m.getMessageID();
                    } catch (jakarta.mail.MessagingException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .distinct()
                .count();
    }

    private static long count(List<Outcome> outcomes, String offerId, OutcomeType type) {
        return outcomes.stream()
                .filter(o -> offerId.equals(o.offerId()) && o.outcome() == type)
                .map(Outcome::leadId)
                .distinct()
                .count();
    }

    private static void awaitOutcomes(java.util.function.Predicate<List<Outcome>> done) {
        List<ConsumerRecord<String, Outcome>> records = TopicReader.readUntil(
                KAFKA.bootstrapServers(),
                Topics.LEAD_OUTCOMES,
                rs -> done.test(rs.stream().map(ConsumerRecord::value).toList()),
                Duration.ofSeconds(90),
                Duration.ofMillis(500));
        assertThat(done.test(records.stream().map(ConsumerRecord::value).toList()))
                .as(
                        "outcomes so far: %s",
                        records.stream()
                                .map(r -> r.value().offerId() + ":" + r.value().outcome())
                                .toList())
                .isTrue();
    }

    /** Runs {@code leadctl status ...} until its output satisfies {@code done}, or 60 s have passed. */
    private static SystemTestSupport.CliResult awaitStatus(java.util.function.Predicate<String> done, String... args)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        SystemTestSupport.CliResult run = status(args);
        while (!(run.exitCode() == 0 && done.test(run.out())) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            run = status(args);
        }
        return run;
    }

    private static SystemTestSupport.CliResult status(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Leadctl.commandLine(
                SystemTestSupport.leadctlWithKey(KAFKA.bootstrapServers()),
                new PrintWriter(out, true),
                new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--status-url", "http://127.0.0.1:" + status.port()));
        return new SystemTestSupport.CliResult(cli.execute(all.toArray(String[]::new)), out.toString(), err.toString());
    }

    private static LocalOps ops(String service) {
        LocalOps ops = closeLater(LocalOps.start(service, 0));
        OPS_URLS.put(service, ops.baseUrl());
        return ops;
    }

    private static <T extends AutoCloseable> T closeLater(T resource) {
        CLOSE.add(0, resource);
        return resource;
    }

    private static String ingestUrl(String path) {
        return "http://127.0.0.1:" + ingest.port() + path;
    }

    private static String table(String connectionString) throws Exception {
        return "{\"type\":\"table\",\"settings\":{\"connectionString\":"
                + Json.MAPPER.writeValueAsString(connectionString) + "},\"contactEmails\":[\"leads@contoso.example\"]}";
    }

    private static String https(String url) {
        return "{\"type\":\"https\",\"settings\":{\"url\":\"" + url + "\",\"signingSecret\":\"" + SIGNING_SECRET
                + "\"}}";
    }

    private static void put(String offerId, String body) throws Exception {
        SystemTestSupport.putDestination(router, ingest.port(), key, offerId, body);
    }

    private static JsonNode postBatch(List<String> leads) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(ingestUrl("/v1/leads/batch")))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", leads))));
        assertThat(r.statusCode()).as(r.body()).isIn(202, 207);
        return Json.MAPPER.readTree(r.body());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return SystemTestSupport.HTTP.send(
                request.header("Authorization", TestKeys.bearer(key))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
