package dev.leadpipe.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.testing.Scrape;
import dev.leadpipe.status.StatusViews.OfferStatus;
import dev.leadpipe.status.StatusViews.Overview;
import dev.leadpipe.status.StatusViews.Verdict;

class StatusMetricsTest {
    private static final int SCRAPES = 5_000;

    private static OfferStatus failing(String offerId, long openDeadLetters, Instant waitingSince) {
        return new OfferStatus(offerId, "dynamics", Verdict.FAILING, "explained", null, null, null, openDeadLetters,
                List.of(), null, waitingSince, null, null);
    }

    /** Offers {@code round .. round+4} of seven, so every refresh drops some series, keeps some and adds some. */
    private static Overview round(int round) {
        List<OfferStatus> offers = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            offers.add(failing("offer-" + (round + k) % 7, round % 3 + 1L, round % 2 == 0 ? Instant.ofEpochSecond(round) : null));
        }
        return new Overview(Instant.now(), offers, List.of(), List.of(), 0);
    }

    @Test
    void prometheusCanScrapeWhileTheGaugesAreRefreshed() throws Exception {
        Ops ops = Ops.forService("status");
        StatusMetrics metrics = new StatusMetrics(ops, 500);
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> refreshFailure = new AtomicReference<>();
        Thread refresher = new Thread(() -> {
            try {
                for (int i = 0; !done.get(); i++) {
                    metrics.update(round(i), Map.of(), Map.of("leadpipe-sink-" + i % 3, (long) i));
                }
            } catch (Throwable e) {
                refreshFailure.set(e);
            }
        }, "refresher");
        refresher.start();
        int scraped = 0;
        try {
            for (; scraped < SCRAPES; scraped++) {
                Scrape.parse(ops.scrape()); // what the status service's /metrics answers; it answered 500 when this threw
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
        metrics.update(new Overview(Instant.now(), List.of(failing("a", 2, Instant.ofEpochSecond(1_700_000_000)),
                failing("b", 1, null)), List.of(), List.of(), 0), Map.of(), Map.of("leadpipe-router", 4L));
        metrics.update(new Overview(Instant.now(), List.of(failing("b", 3, null), failing("c", 1, null)),
                List.of(), List.of(), 0), Map.of(), Map.of("leadpipe-router", 0L));

        Scrape s = Scrape.parse(ops.scrape());
        assertThat(s.labelValues("leadpipe_offer_open_dead_letters", "offer_id")).containsExactlyInAnyOrder("b", "c");
        assertThat(s.value("leadpipe_offer_open_dead_letters", "offer_id=b", "type=dynamics")).isEqualTo(3.0);
        assertThat(s.has("leadpipe_offer_waiting_since_timestamp_seconds")).isFalse();
        assertThat(s.value("leadpipe_consumer_lag", "group=leadpipe-router")).isEqualTo(0.0);
    }
}
