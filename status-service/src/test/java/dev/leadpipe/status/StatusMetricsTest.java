package dev.leadpipe.status;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.testing.Scrape;
import dev.leadpipe.status.StatusViews.OfferStatus;
import dev.leadpipe.status.StatusViews.Overview;
import dev.leadpipe.status.StatusViews.Verdict;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StatusMetricsTest {
    private static final int SCRAPES = 5_000;

    private static OfferStatus failing(String offerId, long openDeadLetters, Instant waitingSince) {
        return new OfferStatus(
                offerId,
                "dynamics",
                Verdict.FAILING,
                "explained",
                false,
                null,
                null,
                null,
                null,
                null,
                null,
                openDeadLetters,
                List.of(),
                null,
                waitingSince,
                null,
                null);
    }

    /** Offers {@code round .. round+4} of seven, so every refresh drops some series, keeps some and adds some. */
    private static Overview round(int round) {
        List<OfferStatus> offers = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            offers.add(failing(
                    "offer-" + (round + k) % 7, round % 3 + 1L, round % 2 == 0 ? Instant.ofEpochSecond(round) : null));
        }
        return new Overview(Instant.now(), offers, List.of(), List.of(), 0);
    }

    @Test
    void prometheusCanScrapeWhileTheGaugesAreRefreshed() throws Exception {
        Ops ops = Ops.forService("status");
        StatusMetrics metrics = new StatusMetrics(ops, 500);
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> refreshFailure = new AtomicReference<>();
        Thread refresher = new Thread(
                () -> {
                    try {
                        for (int i = 0; !done.get(); i++) {
                            metrics.update(round(i), Map.of(), Map.of("leadpipe-sink-" + i % 3, (long) i));
                        }
                    } catch (Throwable e) {
                        refreshFailure.set(e);
                    }
                },
                "refresher");
        refresher.start();
        int scraped = 0;
        try {
            for (; scraped < SCRAPES; scraped++) {
                Scrape.parse(
                        ops.scrape()); // what the status service's /metrics answers; it answered 500 when this threw
            }
        } finally {
            done.set(true);
            refresher.join();
        }
        assertThat(refreshFailure.get()).isNull();
        assertThat(scraped).isEqualTo(SCRAPES);
    }

    @Test
    void aRefreshReplacesTheOfferSeriesAsAWhole() {
        Ops ops = Ops.forService("status");
        StatusMetrics metrics = new StatusMetrics(ops, 500);
        metrics.update(
                new Overview(
                        Instant.now(),
                        List.of(failing("a", 2, Instant.ofEpochSecond(1_700_000_000)), failing("b", 1, null)),
                        List.of(),
                        List.of(),
                        0),
                Map.of(),
                Map.of("leadpipe-router", 4L));
        metrics.update(
                new Overview(
                        Instant.now(), List.of(failing("b", 3, null), failing("c", 1, null)), List.of(), List.of(), 0),
                Map.of(),
                Map.of("leadpipe-router", 0L));

        Scrape s = Scrape.parse(ops.scrape());
        assertThat(s.labelValues("leadpipe_offer_open_dead_letters", "offer_id"))
                .containsExactlyInAnyOrder("b", "c");
        assertThat(s.value("leadpipe_offer_open_dead_letters", "offer_id=b", "type=dynamics"))
                .isEqualTo(3.0);
        assertThat(s.has("leadpipe_offer_waiting_since_timestamp_seconds")).isFalse();
        assertThat(s.value("leadpipe_consumer_lag", "group=leadpipe-router")).isEqualTo(0.0);
    }

    @Test
    void waitingLeadsHaveTheirOfferSeriesAndATotalByType() {
        Ops ops = Ops.forService("status");
        StatusMetrics metrics = new StatusMetrics(ops, 500);
        Scrape before = Scrape.parse(ops.scrape());
        for (String type : List.of("dynamics", "salesforce", "table", "https")) {
            assertThat(before.value("leadpipe_waiting_leads", "type=" + type))
                    .as(type)
                    .isEqualTo(0.0);
        }

        Instant oldest = Instant.ofEpochSecond(1_700_000_000);
        StatusViews.Waiting waiting = new StatusViews.Waiting(
                5000,
                oldest,
                8040,
                "l-1",
                "CIRCUIT_OPEN",
                "TABLE_UNAVAILABLE",
                503,
                "fix it",
                oldest.plusSeconds(9000),
                oldest.plusSeconds(8000));
        OfferStatus table = new OfferStatus(
                "contoso.table-offer",
                "table",
                Verdict.FAILING,
                "explained",
                false,
                null,
                null,
                null,
                null,
                null,
                null,
                0,
                List.of(),
                null,
                null,
                null,
                waiting);
        OfferStatus healthy = new OfferStatus(
                "fabrikam.ok",
                "table",
                Verdict.HEALTHY,
                "fine",
                false,
                null,
                null,
                null,
                null,
                null,
                null,
                0,
                List.of(),
                null,
                null,
                null,
                null);
        metrics.update(
                new Overview(
                        Instant.now(),
                        List.of(table, healthy),
                        List.of(new StatusViews.DestinationTotals("table", 2, 1, 0, 0, 0, 5000)),
                        List.of(),
                        5000),
                Map.of(),
                Map.of());

        Scrape s = Scrape.parse(ops.scrape());
        assertThat(s.value("leadpipe_offer_waiting_leads", "offer_id=contoso.table-offer", "type=table"))
                .isEqualTo(5000.0);
        assertThat(s.value(
                        "leadpipe_offer_oldest_waiting_since_timestamp_seconds",
                        "offer_id=contoso.table-offer",
                        "type=table"))
                .isEqualTo(1_700_000_000.0);
        assertThat(s.value("leadpipe_waiting_leads", "type=table")).isEqualTo(5000.0);
        assertThat(s.value("leadpipe_waiting_leads", "type=https")).isEqualTo(0.0);
        assertThat(s.text()).doesNotContain("fabrikam.ok");

        // the leads are delivered: the offer's series go, the total falls to 0 and stays exported
        metrics.update(
                new Overview(
                        Instant.now(),
                        List.of(healthy),
                        List.of(new StatusViews.DestinationTotals("table", 2, 0, 5000, 0, 0, 0)),
                        List.of(),
                        0),
                Map.of(),
                Map.of());
        Scrape after = Scrape.parse(ops.scrape());
        assertThat(after.has("leadpipe_offer_waiting_leads")).isFalse();
        assertThat(after.has("leadpipe_offer_oldest_waiting_since_timestamp_seconds"))
                .isFalse();
        assertThat(after.value("leadpipe_waiting_leads", "type=table")).isEqualTo(0.0);
    }
}
