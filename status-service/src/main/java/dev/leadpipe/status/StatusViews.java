package dev.leadpipe.status;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.leadpipe.core.circuit.CircuitReport;
import dev.leadpipe.core.error.ErrorClass;

/**
 * The answers of the status API, built from the stores at a given "now". Records serialize as the API's JSON
 * (nulls left out). No lead's personal fields exist anywhere in the state, so none can appear here.
 */
public final class StatusViews {
    private StatusViews() {
    }

    /** An offer's one-word state, worst first. */
    public enum Verdict {
        /** Open dead letters, or the destination's circuit is open: leads are not getting through. */
        FAILING,
        /** Leads arrived since the last delivery and none of them has been delivered yet. */
        WAITING,
        /** No lead received in the last 24 h: nothing to deliver. */
        IDLE,
        /** Leads arrive and are delivered. */
        HEALTHY
    }

    public record LeadRef(String leadId, Instant at) {
    }

    public record Delivery(String leadId, Instant at, String destinationType, boolean test) {
    }

    public record Counts(long received, long delivered, long suppressed, long deadLettered) {
    }

    public record OpenDeadLetters(String errorClass, long count, String kind, String remediation, Instant lastAt) {
    }

    public record LastDeadLetter(String errorClass, String detail, Instant at) {
    }

    public record Circuit(String state, Instant since, String destinationType, String errorClass) {
    }

    /** One offer: {@code GET /v1/status/offers/{offerId}} and each entry of {@code GET /v1/status}. */
    public record OfferStatus(String offerId, String destinationType, Verdict verdict, String explanation,
                              LeadRef lastReceived, Delivery lastDelivered, Counts last24h, long openDeadLetterCount,
                              List<OpenDeadLetters> openDeadLetters, LastDeadLetter lastDeadLetter,
                              Instant waitingSince, Circuit circuit) {
        /** The class with the most open dead letters, or null. */
        public OpenDeadLetters worstClass() {
            return openDeadLetters.isEmpty() ? null : openDeadLetters.get(0);
        }

        public boolean circuitOpen() {
            return circuit != null && !CircuitReport.State.CLOSED.name().equals(circuit.state());
        }

        /** Whether it needs a {@code leadpipe_offer_*} series: open dead letters, leads waiting or an open circuit. */
        public boolean hasProblem() {
            return openDeadLetterCount > 0 || waitingSince != null || circuitOpen();
        }
    }

    /** Throughput and errors of one destination type over 24 h (offers counted by their latest type). */
    public record DestinationTotals(String destinationType, long offers, long failingOffers, long delivered,
                                    long deadLettered) {
    }

    /** The open dead letters of one class, pipeline-wide. */
    public record Backlog(String errorClass, long count, String kind, String remediation) {
    }

    /** {@code GET /v1/status}. */
    public record Overview(Instant generatedAt, List<OfferStatus> offers, List<DestinationTotals> destinations,
                           List<Backlog> deadLetterBacklog) {
        public List<OfferStatus> failing() {
            return offers.stream().filter(o -> o.verdict() == Verdict.FAILING).toList();
        }
    }

    /** Failing first, then by open dead letters (most first), then by how long leads wait, then by offer id. */
    public static final Comparator<OfferStatus> WORST_FIRST = Comparator
            .comparing(OfferStatus::verdict)
            .thenComparing(Comparator.comparingLong(OfferStatus::openDeadLetterCount).reversed())
            .thenComparing(o -> o.waitingSince() == null ? Instant.MAX : o.waitingSince())
            .thenComparing(OfferStatus::offerId);

    /** One offer's status at {@code now}. */
    public static OfferStatus offer(OfferState s, Instant now) {
        OfferState.Counts c = s.last24h(now);
        Counts counts = new Counts(c.received, c.delivered, c.suppressed, c.deadLettered);
        List<OpenDeadLetters> open = new ArrayList<>();
        s.open.forEach((cls, o) -> open.add(new OpenDeadLetters(cls.code(), o.count, cls.kind().label(),
                cls.remediation(), o.lastAt)));
        open.sort(Comparator.comparingLong(OpenDeadLetters::count).reversed().thenComparing(OpenDeadLetters::errorClass));
        long openCount = s.openCount();
        Circuit circuit = s.circuit == null ? null : new Circuit(s.circuit.state() == null ? null : s.circuit.state().name(),
                s.circuit.since(), s.circuit.destinationType(),
                s.circuit.errorClass() == null ? null : s.circuit.errorClass().code());
        boolean circuitOpen = circuit != null && !CircuitReport.State.CLOSED.name().equals(circuit.state());
        LeadRef received = s.lastReceivedAt == null ? null : new LeadRef(s.lastReceivedLeadId, s.lastReceivedAt);
        Delivery delivered = s.lastDeliveredAt == null ? null
                : new Delivery(s.lastDeliveredLeadId, s.lastDeliveredAt, s.lastDeliveredType, s.lastDeliveredTest);
        LastDeadLetter lastDead = s.lastDeadLetterAt == null ? null
                : new LastDeadLetter(s.lastDeadLetterClass == null ? null : s.lastDeadLetterClass.code(),
                s.lastDeadLetterDetail, s.lastDeadLetterAt);
        String type = s.destinationType;

        Verdict verdict;
        String why;
        if (openCount > 0) {
            verdict = Verdict.FAILING;
            OpenDeadLetters worst = open.get(0);
            // one class: its fix in the verdict; several: each fix is listed with its class
            why = openCount + (openCount == 1 ? " lead is" : " leads are") + " dead-lettered and not delivered ("
                    + joinClasses(open) + "): " + (open.size() == 1 ? worst.remediation() + " Then replay them"
                    : "fix what each class's remediation says, then replay them") + ": leadctl dlq replay --offer " + s.offerId;
        } else if (circuitOpen) {
            verdict = Verdict.FAILING;
            why = "the " + (type == null ? "destination" : type + " destination") + "'s circuit is "
                    + circuit.state().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + " since " + circuit.since()
                    + (circuit.errorClass() == null ? "" : " after " + circuit.errorClass() + " failures")
                    + ": leads are held and retried until it answers again";
        } else if (s.waitingSince != null) {
            verdict = Verdict.WAITING;
            why = "leads received since " + s.waitingSince + " (" + age(s.waitingSince, now) + " ago) are not delivered yet; "
                    + (delivered == null ? "no lead was ever delivered" : "last delivery " + delivered.at());
        } else if (counts.received() == 0) {
            verdict = Verdict.IDLE;
            why = "no lead received in the last 24 h (" + (received == null ? "never received one"
                    : "last received " + received.at()) + "): the marketplace sent none to deliver";
        } else {
            verdict = Verdict.HEALTHY;
            why = counts.delivered() + " delivered in the last 24 h"
                    + (delivered == null ? "" : "; last delivered " + delivered.leadId() + " at " + delivered.at());
        }
        return new OfferStatus(s.offerId, type, verdict, why, received, delivered, counts, openCount, List.copyOf(open),
                lastDead, s.waitingSince, circuit);
    }

    /** Every offer (worst first), the per-type totals and the backlog by class (largest first; only open ones). */
    public static Overview overview(Iterable<OfferState> states, Map<ErrorClass, Long> backlog, Instant now) {
        List<OfferStatus> offers = new ArrayList<>();
        for (OfferState s : states) {
            offers.add(offer(s, now));
        }
        offers.sort(WORST_FIRST);
        Map<String, long[]> byType = new TreeMap<>();
        for (OfferStatus o : offers) {
            long[] t = byType.computeIfAbsent(o.destinationType() == null ? "unknown" : o.destinationType(), k -> new long[4]);
            t[0]++;
            t[1] += o.verdict() == Verdict.FAILING ? 1 : 0;
            t[2] += o.last24h().delivered();
            t[3] += o.last24h().deadLettered();
        }
        List<DestinationTotals> types = new ArrayList<>();
        byType.forEach((type, t) -> types.add(new DestinationTotals(type, t[0], t[1], t[2], t[3])));
        List<Backlog> dlq = new ArrayList<>();
        backlog.forEach((cls, n) -> {
            if (n > 0) {
                dlq.add(new Backlog(cls.code(), n, cls.kind().label(), cls.remediation()));
            }
        });
        dlq.sort(Comparator.comparingLong(Backlog::count).reversed().thenComparing(Backlog::errorClass));
        return new Overview(now, List.copyOf(offers), List.copyOf(types), List.copyOf(dlq));
    }

    private static String joinClasses(List<OpenDeadLetters> open) {
        List<String> parts = new ArrayList<>();
        for (OpenDeadLetters o : open) {
            parts.add(o.errorClass() + " " + o.count());
        }
        return String.join(", ", parts);
    }

    static String age(Instant since, Instant now) {
        Duration d = Duration.between(since, now);
        if (d.isNegative()) {
            d = Duration.ZERO;
        }
        if (d.toDays() > 0) {
            return d.toDays() + " d " + d.toHoursPart() + " h";
        }
        if (d.toHours() > 0) {
            return d.toHours() + " h " + d.toMinutesPart() + " min";
        }
        if (d.toMinutes() > 0) {
            return d.toMinutes() + " min";
        }
        return d.toSeconds() + " s";
    }
}
