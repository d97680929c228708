package dev.leadpipe.status;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.retry.WaitingLead;
import dev.leadpipe.core.retry.WaitingLead.Reason;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicWriter;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.testing.Scrape;
import dev.leadpipe.ops.testing.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.leadpipe.status.StatusServiceTest.await;
import static dev.leadpipe.status.StatusServiceTest.get;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Leads waiting in Kafka for their next attempt, end to end on a real (embedded) broker: WaitingLead records and
 * tombstones on {@code lead-waiting} and outcomes on {@code lead-outcomes} (as the sinks write them), then the status
 * API's {@code waiting} object, the verdicts, the operator page and the metrics.
 */
class StatusWaitingServiceTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static WaitingLead waiting(
            String leadId, String offer, String type, Reason reason, Instant since, ErrorClass cls, int status) {
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return new WaitingLead(leadId, offer, type, reason, since, at.plusSeconds(3600), 4, cls, status, at);
    }

    @Test
    void waitingLeadsShowOnTheApiThePageAndTheMetricsUntilTheyStopWaiting() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String down = "contoso-" + run + ".table"; // its endpoint's circuit is open
        String retrying = "fabrikam-" + run + ".crm"; // a transient failure, retried
        String recovered = "northwind-" + run + ".https"; // its one waiting lead is delivered
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Instant oldest = now.minus(Duration.ofHours(2)).minusSeconds(14 * 60);
        String bootstrap = KAFKA.bootstrapServers();

        TopicWriter.write(
                bootstrap,
                Topics.LEAD_WAITING,
                List.of(
                        waiting("d-1-" + run, down, "table", Reason.RETRY, oldest, ErrorClass.TABLE_UNAVAILABLE, 503),
                        waiting(
                                "d-2-" + run,
                                down,
                                "table",
                                Reason.CIRCUIT_OPEN,
                                oldest.plusSeconds(60),
                                ErrorClass.TABLE_UNAVAILABLE,
                                503),
                        waiting(
                                "d-3-" + run,
                                down,
                                "table",
                                Reason.CIRCUIT_OPEN,
                                oldest.plusSeconds(120),
                                ErrorClass.TABLE_UNAVAILABLE,
                                503),
                        waiting(
                                "r-1-" + run,
                                retrying,
                                "dynamics",
                                Reason.RETRY,
                                now.minusSeconds(180),
                                ErrorClass.DYNAMICS_TIMEOUT,
                                0),
                        waiting(
                                "n-1-" + run,
                                recovered,
                                "https",
                                Reason.RETRY,
                                now.minusSeconds(300),
                                ErrorClass.TABLE_UNAVAILABLE,
                                502)),
                WaitingLead::leadId,
                Map.of());
        // the oldest of the down offer has its outcome: dead-lettered, outcome then tombstone, as the sink writes them
        TopicWriter.write(
                bootstrap,
                Topics.LEAD_OUTCOMES,
                List.of(Outcome.deadLettered(
                        "d-1-" + run,
                        down,
                        "table",
                        ErrorClass.TABLE_UNAVAILABLE,
                        9,
                        false,
                        0,
                        now,
                        "503 Service Unavailable")),
                Outcome::leadId,
                Map.of());
        TopicWriter.writeTombstones(bootstrap, Topics.LEAD_WAITING, List.of("d-1-" + run));

        Path stateDir = Files.createTempDirectory("status-waiting-test-");
        StatusConfig config = StatusConfig.of(bootstrap)
                .with(StatusConfig.APPLICATION_ID, "status-waiting-test-" + run)
                .with(StatusConfig.STATE_DIR, stateDir)
                .with(StatusConfig.PORT, 0)
                .with(StatusConfig.METRICS_REFRESH, Duration.ofMillis(200));
        String key = TestKeys.operator(KAFKA.bootstrapServers());
        try (Ops ops = Ops.forService("status");
                StatusService status = StatusService.start(config, ops)) {
            int port = status.port();

            // the down offer: two leads still wait behind its open circuit; the oldest is the one of 2 h 13 min
            JsonNode d = await(
                            port,
                            key,
                            "/v1/status/offers/" + down,
                            // the three waiting records and the tombstone arrive on their own partitions: the
                            // count can pass 2 with d-1 still in and d-3 not yet read, so wait for the oldest too
                            a -> a.status() == 200
                                    && a.json().path("waiting").path("count").asLong() == 2
                                    && a.json()
                                            .path("waiting")
                                            .path("oldestLeadId")
                                            .asText()
                                            .equals("d-2-" + run)
                                    && a.json().path("openDeadLetterCount").asLong() == 1)
                    .json();
            JsonNode w = d.path("waiting");
            assertThat(Instant.parse(w.path("oldestSince").asText())).isEqualTo(oldest.plusSeconds(60));
            assertThat(w.path("oldestLeadId").asText()).isEqualTo("d-2-" + run);
            assertThat(w.path("oldestAgeSeconds").asLong()).isBetween(2 * 3600L + 13 * 60, 2 * 3600L + 20 * 60);
            assertThat(w.path("reason").asText()).isEqualTo("CIRCUIT_OPEN");
            assertThat(w.path("errorClass").asText()).isEqualTo("TABLE_UNAVAILABLE");
            assertThat(w.path("httpStatus").asInt()).isEqualTo(503);
            assertThat(w.path("fix").asText()).isEqualTo(ErrorClass.TABLE_UNAVAILABLE.remediation());
            assertThat(w.has("nextAttemptAt")).isTrue();
            assertThat(d.path("verdict").asText()).isEqualTo("FAILING");
            assertThat(d.path("explanation").asText()).contains("2 leads wait behind the destination's open circuit");

            JsonNode r = await(port, key, "/v1/status/offers/" + retrying, a -> a.status() == 200)
                    .json();
            assertThat(r.path("verdict").asText()).isEqualTo("WAITING");
            assertThat(r.path("waiting").path("count").asLong()).isEqualTo(1);
            assertThat(r.path("waiting").path("reason").asText()).isEqualTo("RETRY");
            assertThat(r.path("waiting").has("httpStatus")).isFalse();

            // the recovered offer's lead is delivered: its outcome alone (no tombstone yet) ends the wait
            await(
                    port,
                    key,
                    "/v1/status/offers/" + recovered,
                    a -> a.json().path("waiting").path("count").asLong() == 1);
            TopicWriter.write(
                    bootstrap,
                    Topics.LEAD_OUTCOMES,
                    List.of(Outcome.delivered("n-1-" + run, recovered, "https", "ok", 5, 10, false, 0, Instant.now())),
                    Outcome::leadId,
                    Map.of());
            JsonNode n = await(
                            port,
                            key,
                            "/v1/status/offers/" + recovered,
                            a -> !a.json().has("waiting"))
                    .json();
            assertThat(n.path("verdict").asText()).isNotIn("FAILING", "WAITING");
            assertThat(n.path("lastDelivered").path("leadId").asText()).isEqualTo("n-1-" + run);

            JsonNode all = await(
                            port,
                            key,
                            "/v1/status",
                            a -> a.json().path("waitingLeads").asLong() == 3)
                    .json();
            assertThat(all.path("offers").get(0).path("offerId").asText()).isEqualTo(down);

            // the page: a row per offer with waiting leads, the total in the header
            String page = get(port, key, StatusRoutes.PAGE_PATH).body();
            assertThat(page).contains("<span id=\"waiting-total\">3 leads waiting</span>");
            Matcher row = Pattern.compile(
                            "<tr class=\"waiting-offer\" data-offer-id=\"" + Pattern.quote(down) + "\">(.*?)</tr>")
                    .matcher(page);
            assertThat(row.find()).as(page).isTrue();
            assertThat(row.group(1))
                    .contains(
                            ">2<",
                            "CIRCUIT_OPEN",
                            "TABLE_UNAVAILABLE (HTTP 503)",
                            StatusPage.esc(ErrorClass.TABLE_UNAVAILABLE.remediation()))
                    .containsPattern("2 h 1\\d min");
            Matcher failingRow = Pattern.compile(
                            "<tr class=\"failing-offer\" data-offer-id=\"" + Pattern.quote(down) + "\">(.*?)</tr>")
                    .matcher(page);
            assertThat(failingRow.find()).as(page).isTrue();
            assertThat(failingRow.group(1)).containsPattern("<td>2 \\(oldest 2 h 1\\d min\\)</td>");
            assertThat(page)
                    .contains("data-offer-id=\"" + retrying + "\"")
                    .doesNotContain("class=\"waiting-offer\" data-offer-id=\"" + recovered + "\"");

            // the metrics: per offer with waiting leads, and the total by type
            Scrape m = Scrape.parse(await(port, key, "/metrics", a -> {
                        Scrape s = Scrape.parse(a.body());
                        return s.value("leadpipe_waiting_leads", "type=table") == 2.0
                                && s.value("leadpipe_waiting_leads", "type=https") == 0.0
                                && s.has("leadpipe_offer_waiting_leads", "offer_id=" + retrying);
                    })
                    .body());
            assertThat(m.value("leadpipe_offer_waiting_leads", "offer_id=" + down, "type=table"))
                    .isEqualTo(2.0);
            assertThat(m.value(
                            "leadpipe_offer_oldest_waiting_since_timestamp_seconds", "offer_id=" + down, "type=table"))
                    .isEqualTo(oldest.plusSeconds(60).toEpochMilli() / 1000.0);
            assertThat(m.value("leadpipe_waiting_leads", "type=dynamics")).isEqualTo(1.0);
            assertThat(m.has("leadpipe_offer_waiting_leads", "offer_id=" + recovered))
                    .isFalse();

            // the rest get their outcome and tombstone: nothing waits any more, and the offer series go
            TopicWriter.writeTombstones(
                    bootstrap, Topics.LEAD_WAITING, List.of("d-2-" + run, "d-3-" + run, "r-1-" + run));
            await(port, key, "/v1/status", a -> a.json().path("waitingLeads").asLong() == 0);
            await(
                    port,
                    key,
                    "/metrics",
                    a -> !a.body().contains("leadpipe_offer_waiting_leads")
                            && Scrape.parse(a.body()).value("leadpipe_waiting_leads", "type=table") == 0.0);
            assertThat(get(port, key, StatusRoutes.PAGE_PATH).body()).contains("No leads waiting");
        }
    }
}
