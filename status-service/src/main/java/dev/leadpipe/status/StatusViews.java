package dev.leadpipe.status;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.leadpipe.core.circuit.CircuitReport;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.retry.WaitingLead;

/**
 * The answers of the status API, built from the stores at a given "now". Records serialize as the API's JSON
 * (nulls left out). No lead's personal fields exist anywhere in the state, so none can appear here.
 */
public final class StatusViews {
    private StatusViews() {}

    /**
     * How long an offer's oldest lead may wait in Kafka for its next attempt before the offer counts as FAILING: past
     * the quick retry tiers (10 s, 1 min, 10 min) a lead that still waits means the destination is down, not blipping.
     * The alert {@code LeadpipeLeadsWaitingTooLong} uses the same threshold.
     */
    public static final Duration WAITING_TOO_LONG = Duration.ofHours(1);

    /** An offer's one-word state, worst first. */
    public enum Verdict {
        /**
         * Open dead letters, the destination's circuit is open, leads wait behind an open circuit, or the oldest
         * waiting lead has waited longer than {@link #WAITING_TOO_LONG}: leads are not getting through.
         */
        FAILING,
        /**
         * Leads wait in Kafka for their next attempt (a transient failure, a busy endpoint), or leads arrived since
         * the last delivery and none of them has been delivered yet.
         */
        WAITING,
        /**
         * No lead received in the last 24 h, or only leads from .edu customers (withheld, nothing forwarded) and
         * do-not-contact leads a {@code doNotContactLeads=record-only} destination recorded: nothing to deliver.
         */
        IDLE,
        /**
         * Configured, waiting for leads: the offer has a destination in {@code lead-destinations} and no lead has come
         * yet.
         */
        AWAITING_LEADS,
        /**
         * Leads arrive and are delivered, or sent to a destination that cannot confirm it kept them (Salesforce
         * Web-to-Lead: counted as {@code sentUnconfirmed}, never as delivered).
         */
        HEALTHY
    }

    public record LeadRef(String leadId, Instant at) {}

    public record Delivery(String leadId, Instant at, String destinationType, boolean test) {}

    /**
     * Leads received and their outcomes.
     *
     * @param sentUnconfirmed SENT_UNCONFIRMED: sent to a destination that cannot confirm it kept them (Salesforce
     *                        Web-to-Lead); never counted in {@code delivered}
     * @param suppressed      every SUPPRESSED outcome: nothing forwarded. The .edu leads (personal data withheld) are
     *                        {@code suppressed - notContacted}
     * @param notContacted    of {@code suppressed}: do-not-contact leads recorded and not delivered because the
     *                        destination's {@code doNotContactLeads} is {@code record-only}
     *                        (DO_NOT_CONTACT_NOT_DELIVERED)
     */
    public record Counts(
            long received,
            long delivered,
            long sentUnconfirmed,
            long suppressed,
            long notContacted,
            long deadLettered) {
        static Counts of(OfferState.Counts c) {
            return new Counts(c.received, c.delivered, c.sentUnconfirmed, c.suppressed, c.notContacted, c.deadLettered);
        }

        /** The leads from .edu customers: personal data withheld, nothing forwarded. */
        long eduWithheld() {
            return Math.max(0, suppressed - notContacted);
        }
    }

    public record OpenDeadLetters(String errorClass, long count, String kind, String remediation, Instant lastAt) {}

    public record LastDeadLetter(String errorClass, String detail, Instant at) {}

    public record Circuit(String state, Instant since, String destinationType, String errorClass) {}

    /**
     * The offer's leads waiting in Kafka for their next attempt; only present when at least one waits. Count and
     * oldest are exact; reason, class, HTTP status and next attempt are those of the most recently written record of a
     * lead that still waits.
     *
     * @param count            leads waiting now
     * @param oldestSince      when the oldest of them started waiting (its first failure, or first hold)
     * @param oldestAgeSeconds how long it has waited, at the answer's "now"
     * @param oldestLeadId     that lead
     * @param reason           RETRY, CIRCUIT_OPEN or BUSY
     * @param errorClass       the class of the last failure; absent when the lead only waits for capacity (BUSY)
     * @param httpStatus       the upstream HTTP status of that failure; absent when none
     * @param fix              the class's remediation; absent with the class
     * @param nextAttemptAt    when that lead is due for its next attempt
     * @param updatedAt        when that record was written
     */
    public record Waiting(
            long count,
            Instant oldestSince,
            long oldestAgeSeconds,
            String oldestLeadId,
            String reason,
            String errorClass,
            Integer httpStatus,
            String fix,
            Instant nextAttemptAt,
            Instant updatedAt) {
        boolean behindOpenCircuit() {
            return WaitingLead.Reason.CIRCUIT_OPEN.name().equals(reason);
        }

        /** e.g. {@code CIRCUIT_OPEN after TABLE_UNAVAILABLE (HTTP 503)}. */
        String why() {
            return (reason == null ? "waiting" : reason)
                    + (errorClass == null ? "" : " after " + errorClass)
                    + (httpStatus == null ? "" : " (HTTP " + httpStatus + ")");
        }
    }

    /**
     * One offer: {@code GET /v1/status/offers/{offerId}} and each entry of {@code GET /v1/status}.
     *
     * @param destinationType  the configured destination's type, else the one last seen on an outcome, circuit report
     *                         or wait record
     * @param configured       whether {@code lead-destinations} holds a destination for the offer now
     * @param configuredAt     that destination's {@code updatedAt}
     * @param lastSentUnconfirmed the latest lead sent to a destination that cannot confirm it kept it (Web-to-Lead)
     * @param total            the counts since the status service first saw the offer (not only the last 24 h)
     */
    public record OfferStatus(
            String offerId,
            String destinationType,
            Verdict verdict,
            String explanation,
            boolean configured,
            Instant configuredAt,
            LeadRef lastReceived,
            Delivery lastDelivered,
            LeadRef lastSentUnconfirmed,
            Counts last24h,
            Counts total,
            long openDeadLetterCount,
            List<OpenDeadLetters> openDeadLetters,
            LastDeadLetter lastDeadLetter,
            Instant waitingSince,
            Circuit circuit,
            Waiting waiting) {
        /** The class with the most open dead letters, or null. */
        public OpenDeadLetters worstClass() {
            return openDeadLetters.isEmpty() ? null : openDeadLetters.get(0);
        }

        public boolean circuitOpen() {
            return circuit != null && !CircuitReport.State.CLOSED.name().equals(circuit.state());
        }

        /** Leads waiting in Kafka for their next attempt (0 when none). */
        public long waitingCount() {
            return waiting == null ? 0 : waiting.count();
        }

        /**
         * Whether it needs a {@code leadpipe_offer_*} series: open dead letters, leads received and not delivered,
         * leads waiting for their next attempt, or an open circuit.
         */
        public boolean hasProblem() {
            return openDeadLetterCount > 0 || waitingSince != null || waitingCount() > 0 || circuitOpen();
        }
    }

    /**
     * Throughput and errors of one destination type over 24 h (offers counted by their latest type), and its leads
     * waiting for their next attempt now.
     */
    public record DestinationTotals(
            String destinationType,
            long offers,
            long failingOffers,
            long delivered,
            long sentUnconfirmed,
            long deadLettered,
            long waiting) {}

    /** The open dead letters of one class, pipeline-wide. */
    public record Backlog(String errorClass, long count, String kind, String remediation) {}

    /** {@code GET /v1/status}; {@code waitingLeads} is every offer's leads waiting for their next attempt. */
    public record Overview(
            Instant generatedAt,
            List<OfferStatus> offers,
            List<DestinationTotals> destinations,
            List<Backlog> deadLetterBacklog,
            long waitingLeads) {
        public List<OfferStatus> failing() {
            return offers.stream().filter(o -> o.verdict() == Verdict.FAILING).toList();
        }
    }

    /**
     * Failing first, then by open dead letters (most first), then by leads waiting for their next attempt (most
     * first), then by how long leads wait, then by offer id.
     */
    public static final Comparator<OfferStatus> WORST_FIRST = Comparator.comparing(OfferStatus::verdict)
            .thenComparing(
                    Comparator.comparingLong(OfferStatus::openDeadLetterCount).reversed())
            .thenComparing(Comparator.comparingLong(OfferStatus::waitingCount).reversed())
            .thenComparing(o -> o.waitingSince() == null ? Instant.MAX : o.waitingSince())
            .thenComparing(OfferStatus::offerId);

    /** One offer's status at {@code now}. */
    public static OfferStatus offer(OfferState s, Instant now) {
        Counts counts = Counts.of(s.last24h(now));
        Counts total = Counts.of(s.total == null ? new OfferState.Counts() : s.total);
        List<OpenDeadLetters> open = new ArrayList<>();
        s.open.forEach((cls, o) ->
                open.add(new OpenDeadLetters(cls.code(), o.count, cls.kind().label(), cls.remediation(), o.lastAt)));
        open.sort(
                Comparator.comparingLong(OpenDeadLetters::count).reversed().thenComparing(OpenDeadLetters::errorClass));
        long openCount = s.openCount();
        Circuit circuit = s.circuit == null
                ? null
                : new Circuit(
                        s.circuit.state() == null ? null : s.circuit.state().name(),
                        s.circuit.since(),
                        s.circuit.destinationType(),
                        s.circuit.errorClass() == null
                                ? null
                                : s.circuit.errorClass().code());
        boolean circuitOpen =
                circuit != null && !CircuitReport.State.CLOSED.name().equals(circuit.state());
        LeadRef received = s.lastReceivedAt == null ? null : new LeadRef(s.lastReceivedLeadId, s.lastReceivedAt);
        Delivery delivered = s.lastDeliveredAt == null
                ? null
                : new Delivery(s.lastDeliveredLeadId, s.lastDeliveredAt, s.lastDeliveredType, s.lastDeliveredTest);
        LastDeadLetter lastDead = s.lastDeadLetterAt == null
                ? null
                : new LastDeadLetter(
                        s.lastDeadLetterClass == null ? null : s.lastDeadLetterClass.code(),
                        s.lastDeadLetterDetail,
                        s.lastDeadLetterAt);
        LeadRef sentUnconfirmed = s.lastSentUnconfirmedAt == null
                ? null
                : new LeadRef(s.lastSentUnconfirmedLeadId, s.lastSentUnconfirmedAt);
        String type = s.configured && s.configuredType != null ? s.configuredType : s.destinationType;
        Waiting waiting = waiting(s.waits, now);
        String waitingNote = waiting == null ? "" : "; " + StatusWording.waitingSentence(waiting, now, s.offerId);

        Verdict verdict;
        String why;
        if (openCount > 0) {
            verdict = Verdict.FAILING;
            OpenDeadLetters worst = open.get(0);
            // one class: its fix in the verdict; several: each fix is listed with its class
            why = openCount + (openCount == 1 ? " lead is" : " leads are") + " dead-lettered and not delivered ("
                    + StatusWording.joinClasses(open) + "): "
                    + (open.size() == 1
                            ? worst.remediation() + " Then replay them"
                            : "fix what each class's remediation says, then replay them")
                    + ": leadctl dlq replay --offer " + s.offerId
                    + waitingNote;
        } else if (circuitOpen) {
            verdict = Verdict.FAILING;
            why = "the " + (type == null ? "destination" : type + " destination") + "'s circuit is "
                    + circuit.state().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + " since " + circuit.since()
                    + (circuit.errorClass() == null ? "" : " after " + circuit.errorClass() + " failures")
                    + ": leads are held and retried until it answers again" + waitingNote;
        } else if (waiting != null
                && (waiting.behindOpenCircuit() || waiting.oldestAgeSeconds() > WAITING_TOO_LONG.toSeconds())) {
            verdict = Verdict.FAILING;
            why = StatusWording.waitingSentence(waiting, now, s.offerId)
                    + (waiting.behindOpenCircuit()
                            ? ""
                            : "; a lead still waiting after " + WAITING_TOO_LONG.toHours()
                                    + " h means the destination is down, not blipping");
        } else if (waiting != null) {
            verdict = Verdict.WAITING;
            why = StatusWording.waitingSentence(waiting, now, s.offerId);
        } else if (s.waitingSince != null) {
            verdict = Verdict.WAITING;
            why = "leads received since " + s.waitingSince + " (" + age(s.waitingSince, now)
                    + " ago) are not delivered yet; "
                    + (delivered == null ? "no lead was ever delivered" : "last delivery " + delivered.at());
        } else if (received == null && total.received() == 0 && s.configured && !deliverable(type)) {
            verdict = Verdict.IDLE;
            why = "no lead received yet, and the destination is " + type + ": leads will be held (dead-lettered"
                    + " NO_DESTINATION_CONFIGURED or DESTINATION_UNSUPPORTED), not delivered, until a deliverable"
                    + " destination is configured";
        } else if (received == null && total.received() == 0 && s.configured) {
            verdict = Verdict.AWAITING_LEADS;
            why = "configured, waiting for leads: the " + (type == null ? "" : type + " ")
                    + "destination" + (s.configuredAt == null ? "" : " saved at " + s.configuredAt)
                    + " has received no lead yet. The marketplace sends one when a customer acts on the offer, and a"
                    + " MSFT_TEST test lead when you publish; send a test lead now: leadctl destinations validate "
                    + s.offerId;
        } else if (counts.received() == 0) {
            verdict = Verdict.IDLE;
            why = "no lead received in the last 24 h ("
                    + (received == null ? "never received one" : "last received " + received.at())
                    + "): the marketplace sent none to deliver"
                    + StatusWording.noneForwardedSoFar(total);
        } else if (StatusWording.onlySuppressed(counts)) {
            verdict = Verdict.IDLE;
            why = StatusWording.onlySuppressedIn24h(counts);
        } else {
            verdict = Verdict.HEALTHY;
            why = StatusWording.healthy(counts, delivered, sentUnconfirmed);
        }
        return new OfferStatus(
                s.offerId,
                type,
                verdict,
                why,
                s.configured,
                s.configuredAt,
                received,
                delivered,
                sentUnconfirmed,
                counts,
                total,
                openCount,
                List.copyOf(open),
                lastDead,
                s.waitingSince,
                circuit,
                waiting);
    }

    /** Whether leads sent to a destination of this type (wire name) can be delivered: not {@code none}, not {@code blob}. */
    private static boolean deliverable(String type) {
        return !DestinationType.NONE.wireName().equals(type)
                && !DestinationType.BLOB.wireName().equals(type);
    }

    private static Waiting waiting(OfferState.Waits w, Instant now) {
        if (w == null || w.count <= 0) {
            return null;
        }
        long ageSeconds = w.oldestSince == null
                ? 0
                : Math.max(0, Duration.between(w.oldestSince, now).toSeconds());
        return new Waiting(
                w.count,
                w.oldestSince,
                ageSeconds,
                w.oldestLeadId,
                w.reason == null ? null : w.reason.name(),
                w.errorClass == null ? null : w.errorClass.code(),
                w.httpStatus == 0 ? null : w.httpStatus,
                w.errorClass == null ? null : w.errorClass.remediation(),
                w.nextAttemptAt,
                w.updatedAt);
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
            long[] t = byType.computeIfAbsent(
                    o.destinationType() == null ? "unknown" : o.destinationType(), k -> new long[6]);
            t[0]++;
            t[1] += o.verdict() == Verdict.FAILING ? 1 : 0;
            t[2] += o.last24h().delivered();
            t[3] += o.last24h().sentUnconfirmed();
            t[4] += o.last24h().deadLettered();
            t[5] += o.waitingCount();
        }
        List<DestinationTotals> types = new ArrayList<>();
        byType.forEach((type, t) -> types.add(new DestinationTotals(type, t[0], t[1], t[2], t[3], t[4], t[5])));
        List<Backlog> dlq = new ArrayList<>();
        backlog.forEach((cls, n) -> {
            if (n > 0) {
                dlq.add(new Backlog(cls.code(), n, cls.kind().label(), cls.remediation()));
            }
        });
        dlq.sort(Comparator.comparingLong(Backlog::count).reversed().thenComparing(Backlog::errorClass));
        long waiting = offers.stream().mapToLong(OfferStatus::waitingCount).sum();
        return new Overview(now, List.copyOf(offers), List.copyOf(types), List.copyOf(dlq), waiting);
    }

    static String age(Instant since, Instant now) {
        return StatusWording.age(since, now);
    }
}
