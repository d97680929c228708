package dev.leadpipe.status;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.status.StatusViews.OfferStatus;
import dev.leadpipe.status.StatusViews.Overview;

/**
 * The status service's gauges (names as Prometheus shows them):
 * <ul>
 *   <li>{@code leadpipe_dlq_open{error_class}}: open dead letters by class, every class present (0 when none);</li>
 *   <li>{@code leadpipe_consumer_lag{group}}: records behind, per {@code leadpipe-*} consumer group;</li>
 *   <li>{@code leadpipe_offer_open_dead_letters{offer_id,type}},
 *       {@code leadpipe_offer_waiting_since_timestamp_seconds{offer_id,type}} (epoch seconds) and
 *       {@code leadpipe_offer_circuit_open{offer_id,type}}: only offers with a problem, at most the series limit of
 *       offers, worst first; an offer whose problem is gone loses its series at the next refresh.</li>
 * </ul>
 * {@link #update} replaces every value at once; the service calls it every few seconds from the stores.
 */
final class StatusMetrics {
    static final String DLQ_OPEN = "leadpipe.dlq.open";
    static final String CONSUMER_LAG = "leadpipe.consumer.lag";
    static final String OFFER_OPEN_DEAD_LETTERS = "leadpipe.offer.open.dead.letters";
    /** No base unit on purpose: the name already ends in {@code seconds}, so Prometheus shows it unchanged. */
    static final String OFFER_WAITING_SINCE = "leadpipe.offer.waiting.since.timestamp.seconds";
    static final String OFFER_CIRCUIT_OPEN = "leadpipe.offer.circuit.open";

    private final int offerLimit;
    private final AtomicReference<Map<ErrorClass, Long>> dlq = new AtomicReference<>(Map.of());
    private final MultiGauge lag;
    private final MultiGauge openDeadLetters;
    private final MultiGauge waitingSince;
    private final MultiGauge circuitOpen;

    StatusMetrics(MeterRegistry registry, int offerLimit) {
        this.offerLimit = offerLimit;
        for (ErrorClass c : ErrorClass.values()) {
            Gauge.builder(DLQ_OPEN, dlq, d -> d.get().getOrDefault(c, 0L))
                    .description("Leads whose latest outcome is dead-lettered, by error class")
                    .tag("error_class", c.code()).strongReference(true).register(registry);
        }
        lag = MultiGauge.builder(CONSUMER_LAG)
                .description("Records behind the end of their topics, per consumer group of the pipeline").register(registry);
        openDeadLetters = MultiGauge.builder(OFFER_OPEN_DEAD_LETTERS)
                .description("Open dead letters of an offer (only offers with a problem)").register(registry);
        waitingSince = MultiGauge.builder(OFFER_WAITING_SINCE)
                .description("When the oldest lead received since the offer's last delivery arrived, epoch seconds (only offers waiting)")
                .register(registry);
        circuitOpen = MultiGauge.builder(OFFER_CIRCUIT_OPEN)
                .description("1 while the offer's destination circuit is not closed (only such offers)").register(registry);
    }

    /** Replaces every value: the backlog by class, the groups' lag and the worst offers' series. */
    void update(Overview overview, Map<ErrorClass, Long> backlog, Map<String, Long> lags) {
        Map<ErrorClass, Long> d = new EnumMap<>(ErrorClass.class);
        d.putAll(backlog);
        dlq.set(d);

        if (lags != null) {
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            lags.forEach((group, n) -> rows.add(MultiGauge.Row.of(Tags.of("group", group), n)));
            lag.register(rows, true);
        }

        if (overview != null) {
            List<MultiGauge.Row<?>> open = new ArrayList<>();
            List<MultiGauge.Row<?>> waiting = new ArrayList<>();
            List<MultiGauge.Row<?>> circuit = new ArrayList<>();
            int n = 0;
            for (OfferStatus o : overview.offers()) { // worst first
                if (!o.hasProblem()) {
                    continue;
                }
                if (n++ >= offerLimit) {
                    break;
                }
                Tags tags = Tags.of("offer_id", o.offerId(), "type", o.destinationType() == null ? "unknown" : o.destinationType());
                if (o.openDeadLetterCount() > 0) {
                    open.add(MultiGauge.Row.of(tags, o.openDeadLetterCount()));
                }
                if (o.waitingSince() != null) {
                    waiting.add(MultiGauge.Row.of(tags, o.waitingSince().toEpochMilli() / 1000.0));
                }
                if (o.circuitOpen()) {
                    circuit.add(MultiGauge.Row.of(tags, 1));
                }
            }
            openDeadLetters.register(open, true);
            waitingSince.register(waiting, true);
            circuitOpen.register(circuit, true);
        }
    }
}
