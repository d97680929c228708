package dev.leadpipe.status;

import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.status.StatusViews.DestinationTotals;
import dev.leadpipe.status.StatusViews.OfferStatus;
import dev.leadpipe.status.StatusViews.Overview;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * The status service's gauges (names as Prometheus shows them):
 * <ul>
 *   <li>{@code leadpipe_dlq_open{error_class}}: open dead letters by class, every class present (0 when none);</li>
 *   <li>{@code leadpipe_consumer_lag{group}}: records behind, per {@code leadpipe-*} consumer group;</li>
 *   <li>{@code leadpipe_waiting_leads{type}}: leads waiting in Kafka for their next attempt, every offer's, by the
 *       offer's destination type; every deliverable type present (0 when none);</li>
 *   <li>{@code leadpipe_offer_open_dead_letters{offer_id,type}},
 *       {@code leadpipe_offer_waiting_since_timestamp_seconds{offer_id,type}} (epoch seconds),
 *       {@code leadpipe_offer_circuit_open{offer_id,type}}, {@code leadpipe_offer_waiting_leads{offer_id,type}} and
 *       {@code leadpipe_offer_oldest_waiting_since_timestamp_seconds{offer_id,type}} (epoch seconds): only offers
 *       with a problem, at most the series limit of offers, worst first; an offer whose problem is gone loses its
 *       series at the next refresh.</li>
 * </ul>
 * {@link #update} replaces every value at once; the service calls it every few seconds from the stores, while
 * scrapes run on other threads. A scrape always sees each series at most once (see {@link SeriesFamily}).
 */
final class StatusMetrics {
    static final String DLQ_OPEN = "leadpipe.dlq.open";
    static final String CONSUMER_LAG = "leadpipe.consumer.lag";
    static final String OFFER_OPEN_DEAD_LETTERS = "leadpipe.offer.open.dead.letters";
    /** No base unit on purpose: the name already ends in {@code seconds}, so Prometheus shows it unchanged. */
    static final String OFFER_WAITING_SINCE = "leadpipe.offer.waiting.since.timestamp.seconds";

    static final String OFFER_CIRCUIT_OPEN = "leadpipe.offer.circuit.open";
    static final String OFFER_WAITING_LEADS = "leadpipe.offer.waiting.leads";
    /** Like {@link #OFFER_WAITING_SINCE}: no base unit, the name already ends in {@code seconds}. */
    static final String OFFER_OLDEST_WAITING_SINCE = "leadpipe.offer.oldest.waiting.since.timestamp.seconds";

    static final String WAITING_LEADS = "leadpipe.waiting.leads";

    private final int offerLimit;
    private final AtomicReference<Map<ErrorClass, Long>> dlq = new AtomicReference<>(Map.of());
    private final SeriesFamily lag;
    private final List<OfferSeries> offerSeries;
    private final SeriesFamily waitingLeads;

    StatusMetrics(Ops ops, int offerLimit) {
        this.offerLimit = offerLimit;
        MeterRegistry registry = ops.registry();
        for (ErrorClass c : ErrorClass.values()) {
            Gauge.builder(DLQ_OPEN, dlq, d -> d.get().getOrDefault(c, 0L))
                    .description("Leads whose latest outcome is dead-lettered, by error class")
                    .tag("error_class", c.code())
                    .strongReference(true)
                    .register(registry);
        }
        lag = new SeriesFamily(
                ops, CONSUMER_LAG, "Records behind the end of their topics, per consumer group of the pipeline");
        offerSeries = List.of(
                new OfferSeries(
                        new SeriesFamily(
                                ops,
                                OFFER_OPEN_DEAD_LETTERS,
                                "Open dead letters of an offer (only offers with a problem)"),
                        o -> o.openDeadLetterCount() > 0 ? o.openDeadLetterCount() : null),
                new OfferSeries(
                        new SeriesFamily(
                                ops,
                                OFFER_WAITING_SINCE,
                                "When the oldest lead received since the offer's last delivery arrived, epoch seconds (only offers waiting)"),
                        o -> o.waitingSince() == null ? null : epochSeconds(o.waitingSince())),
                new OfferSeries(
                        new SeriesFamily(
                                ops,
                                OFFER_CIRCUIT_OPEN,
                                "1 while the offer's destination circuit is not closed (only such offers)"),
                        o -> o.circuitOpen() ? 1 : null),
                new OfferSeries(
                        new SeriesFamily(
                                ops,
                                OFFER_WAITING_LEADS,
                                "Leads of the offer waiting in Kafka for their next attempt (only offers with a problem)"),
                        o -> o.waitingCount() > 0 ? o.waitingCount() : null),
                new OfferSeries(
                        new SeriesFamily(
                                ops,
                                OFFER_OLDEST_WAITING_SINCE,
                                "When the offer's oldest lead waiting for its next attempt started waiting, epoch seconds (only offers with waiting leads)"),
                        o -> o.waitingCount() > 0 && o.waiting().oldestSince() != null
                                ? epochSeconds(o.waiting().oldestSince())
                                : null));
        waitingLeads = new SeriesFamily(
                ops, WAITING_LEADS, "Leads waiting in Kafka for their next attempt, by the offer's destination type");
        waitingLeads.replace(waitingByType(null));
    }

    /** Replaces every value: the backlog by class, the groups' lag and the worst offers' series. */
    void update(Overview overview, Map<ErrorClass, Long> backlog, Map<String, Long> lags) {
        Map<ErrorClass, Long> d = new EnumMap<>(ErrorClass.class);
        d.putAll(backlog);
        dlq.set(d);

        if (lags != null) {
            Map<Tags, Number> rows = new LinkedHashMap<>();
            lags.forEach((group, n) -> rows.put(Tags.of("group", group), n));
            lag.replace(rows);
        }

        if (overview != null) {
            Map<Tags, OfferStatus> worst = new LinkedHashMap<>();
            for (OfferStatus o : overview.offers()) { // worst first
                if (!o.hasProblem()) {
                    continue;
                }
                if (worst.size() >= offerLimit) {
                    break;
                }
                worst.put(
                        Tags.of(
                                "offer_id",
                                o.offerId(),
                                "type",
                                o.destinationType() == null ? "unknown" : o.destinationType()),
                        o);
            }
            for (OfferSeries series : offerSeries) {
                Map<Tags, Number> rows = new LinkedHashMap<>();
                worst.forEach((tags, o) -> {
                    Number value = series.value().apply(o);
                    if (value != null) {
                        rows.put(tags, value);
                    }
                });
                series.family().replace(rows);
            }
            waitingLeads.replace(waitingByType(overview));
        }
    }

    private static double epochSeconds(Instant t) {
        return t.toEpochMilli() / 1000.0;
    }

    /** Every deliverable type at 0, plus each type's waiting leads from the overview (any other type that has some). */
    private static Map<Tags, Number> waitingByType(Overview overview) {
        Map<Tags, Number> rows = new LinkedHashMap<>();
        for (DestinationType t : DestinationType.values()) {
            if (t.isDeliverable()) {
                rows.put(Tags.of("type", t.wireName()), 0L);
            }
        }
        if (overview != null) {
            for (DestinationTotals d : overview.destinations()) {
                if (d.waiting() > 0 || rows.containsKey(Tags.of("type", d.destinationType()))) {
                    rows.put(Tags.of("type", d.destinationType()), d.waiting());
                }
            }
        }
        return rows;
    }

    /** One per-offer gauge: its series, and its value for an offer with a problem (null: the offer has no series). */
    private record OfferSeries(SeriesFamily family, Function<OfferStatus, Number> value) {}

    /**
     * The series of one gauge name whose set of tags is replaced as a whole. Each series is registered once and reads
     * its value from the latest snapshot, so a refresh that only changes values touches no meter. A refresh that drops
     * series removes them and registers the new ones with no scrape running ({@link Ops#removingMeters}): an offer's
     * series can be dropped and come back, and a scrape overlapping both would be refused for "Duplicate labels".
     */
    private static final class SeriesFamily {
        private final Ops ops;
        private final String name;
        private final String description;
        private volatile Map<Tags, Double> values = Map.of();
        private final Map<Tags, Gauge> registered = new HashMap<>();

        SeriesFamily(Ops ops, String name, String description) {
            this.ops = ops;
            this.name = name;
            this.description = description;
        }

        /** Makes {@code next} the whole family: removes the series not in it, sets the values, adds the new series. */
        synchronized void replace(Map<Tags, ? extends Number> next) {
            Map<Tags, Double> v = new HashMap<>();
            next.forEach((tags, n) -> v.put(tags, n.doubleValue()));
            if (next.keySet().equals(registered.keySet())) {
                values = v;
                return;
            }
            ops.removingMeters(() -> {
                registered.entrySet().removeIf(e -> {
                    if (next.containsKey(e.getKey())) {
                        return false;
                    }
                    ops.registry().remove(e.getValue());
                    return true;
                });
                values = v;
                for (Tags tags : next.keySet()) {
                    registered.computeIfAbsent(
                            tags,
                            t -> Gauge.builder(name, this, f -> f.values.getOrDefault(t, Double.NaN))
                                    .description(description)
                                    .tags(t)
                                    .strongReference(true)
                                    .register(ops.registry()));
                }
            });
        }
    }
}
