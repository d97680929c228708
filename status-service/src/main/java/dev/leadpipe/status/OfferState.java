package dev.leadpipe.status;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import dev.leadpipe.core.circuit.CircuitReport;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.retry.WaitingLead;

/**
 * What the status service keeps per offer (the value of {@link StatusTopology#OFFERS_STORE}, as JSON): ids, times,
 * classes and counts, never a lead's personal fields. {@link #apply} folds one {@link OfferEvent} in. An offer is
 * kept from its first lead, outcome, circuit report or wait record, or from its destination in
 * {@code lead-destinations}; an offer known only from a destination that was then deleted is dropped
 * ({@link #onlyConfiguration}).
 */
public final class OfferState {
    /** How far back the outcome counts go. */
    public static final Duration WINDOW = Duration.ofHours(24);

    static final long HOUR_SECONDS = 3600;

    /** Outcome counts of one hour. */
    public static final class Counts {
        public long received;
        public long delivered;
        /** SENT_UNCONFIRMED: sent to a destination that cannot confirm it kept them (Salesforce Web-to-Lead). */
        public long sentUnconfirmed;

        /**
         * Every SUPPRESSED outcome: the .edu leads whose personal data was withheld, and the {@link #notContacted} ones.
         */
        public long suppressed;
        /**
         * Of {@link #suppressed}: the do-not-contact leads a {@code doNotContactLeads=record-only} destination recorded
         * and did not get ({@link ErrorClass#DO_NOT_CONTACT_NOT_DELIVERED}). Absent (0) in a state written before it
         * was counted.
         */
        public long notContacted;

        public long deadLettered;

        void add(Counts o) {
            received += o.received;
            delivered += o.delivered;
            sentUnconfirmed += o.sentUnconfirmed;
            suppressed += o.suppressed;
            notContacted += o.notContacted;
            deadLettered += o.deadLettered;
        }

        /** Whether any lead or outcome was counted. */
        boolean any() {
            return received + delivered + sentUnconfirmed + suppressed + deadLettered > 0;
        }
    }

    /** The open dead letters of one class. */
    public static final class Open {
        public long count;
        public Instant lastAt;
    }

    /**
     * The offer's leads waiting in Kafka for their next attempt ({@code lead-waiting}), kept by {@link OfferWaits} from
     * the offer's entries in {@link StatusTopology#OFFER_WAITING_STORE}: how many, the oldest (earliest {@code since}),
     * and the reason, class, HTTP status and next attempt of the latest record (by its {@code at}) of a lead that still
     * waits. Null when none waits.
     */
    public static final class Waits {
        public long count;
        public Instant oldestSince;
        public String oldestLeadId;
        public WaitingLead.Reason reason;
        public ErrorClass errorClass;
        public int httpStatus;
        public Instant nextAttemptAt;
        /** When the latest record of a lead that still waits was written. */
        public Instant updatedAt;
    }

    public String offerId;
    /** The destination type last seen on an outcome, circuit report or wait record (wire name). */
    public String destinationType;

    public String lastReceivedLeadId;
    public Instant lastReceivedAt;
    public String lastDeliveredLeadId;
    public Instant lastDeliveredAt;
    public String lastDeliveredType;
    public boolean lastDeliveredTest;
    /** The latest SENT_UNCONFIRMED outcome (Salesforce Web-to-Lead): sent, not confirmed. */
    public String lastSentUnconfirmedLeadId;

    public Instant lastSentUnconfirmedAt;
    /**
     * receivedAt of the first lead received after the last delivery (or unconfirmed sending); null once one follows.
     */
    public Instant waitingSince;

    public String waitingLeadId;
    public ErrorClass lastDeadLetterClass;
    public String lastDeadLetterDetail;
    public Instant lastDeadLetterAt;
    /** Hour buckets: hour start (epoch seconds) to counts; only the last 24 h are kept. */
    public Map<Long, Counts> hours = new TreeMap<>();
    /** Open dead letters by class; a class leaves the map when its count reaches 0. */
    public Map<ErrorClass, Open> open = new TreeMap<>();
    /** Every lead and outcome counted since the status service first saw the offer (not only the last 24 h). */
    public Counts total = new Counts();

    /** Whether {@code lead-destinations} holds a destination for the offer now. */
    public boolean configured;
    /** The configured destination's type (wire name), while {@link #configured}. */
    public String configuredType;
    /** The configured destination's {@code updatedAt}, while {@link #configured}. */
    public Instant configuredAt;

    public CircuitReport circuit;
    public Waits waits;

    public OfferState() {}

    OfferState(String offerId) {
        this.offerId = offerId;
    }

    /** Folds in one event; {@code nowMs} (stream time) decides which hour buckets are too old to keep. */
    public OfferState apply(OfferEvent e, long nowMs) {
        switch (e.kind()) {
            case LEAD -> {
                if (notBefore(e.at(), lastReceivedAt)) { // partitions interleave: the latest time wins, not arrival
                    lastReceivedLeadId = e.leadId();
                    lastReceivedAt = e.at();
                }
                bucket(e.at(), nowMs, c -> c.received++);
                total.received++;
                Instant lastPassed = later(lastDeliveredAt, lastSentUnconfirmedAt);
                boolean afterLastDelivery = lastPassed == null || (e.at() != null && e.at().isAfter(lastPassed));
                // the earliest lead after the last delivery (leads of one offer come from several partitions)
                if (afterLastDelivery
                        && !e.leadId().equals(lastDeliveredLeadId)
                        && !e.leadId().equals(lastSentUnconfirmedLeadId)
                        && (waitingSince == null || (e.at() != null && e.at().isBefore(waitingSince)))) {
                    waitingSince = e.at();
                    waitingLeadId = e.leadId();
                }
            }
            case OUTCOME -> {
                if (e.destinationType() != null) {
                    destinationType = e.destinationType();
                }
                switch (e.outcome()) {
                    case DELIVERED -> {
                        bucket(e.at(), nowMs, c -> c.delivered++);
                        total.delivered++;
                        if (notBefore(e.at(), lastDeliveredAt)) {
                            lastDeliveredLeadId = e.leadId();
                            lastDeliveredAt = e.at();
                            lastDeliveredType = e.destinationType();
                            lastDeliveredTest = e.test();
                        }
                        if (waitingSince == null || e.at() == null || !waitingSince.isAfter(e.at())) {
                            waitingSince = null; // a lead received after this delivery still waits
                            waitingLeadId = null;
                        }
                    }
                    case SENT_UNCONFIRMED -> {
                        bucket(e.at(), nowMs, c -> c.sentUnconfirmed++);
                        total.sentUnconfirmed++;
                        if (notBefore(e.at(), lastSentUnconfirmedAt)) {
                            lastSentUnconfirmedLeadId = e.leadId();
                            lastSentUnconfirmedAt = e.at();
                        }
                        if (waitingSince == null || e.at() == null || !waitingSince.isAfter(e.at())) {
                            waitingSince = null; // it reached the destination: not waiting, though not confirmed
                            waitingLeadId = null;
                        }
                    }
                    case SUPPRESSED -> {
                        boolean notContacted = e.errorClass() == ErrorClass.DO_NOT_CONTACT_NOT_DELIVERED;
                        bucket(e.at(), nowMs, c -> {
                            c.suppressed++;
                            c.notContacted += notContacted ? 1 : 0;
                        });
                        total.suppressed++;
                        total.notContacted += notContacted ? 1 : 0;
                        if (e.leadId() != null && e.leadId().equals(waitingLeadId)) {
                            // the lead that started the wait will never be delivered, by design
                            waitingSince = null;
                            waitingLeadId = null;
                        }
                    }
                    case DEAD_LETTERED -> {
                        bucket(e.at(), nowMs, c -> c.deadLettered++);
                        total.deadLettered++;
                        if (notBefore(e.at(), lastDeadLetterAt)) {
                            lastDeadLetterClass = e.errorClass();
                            lastDeadLetterDetail = e.detail();
                            lastDeadLetterAt = e.at();
                        }
                        Open o = open.get(e.errorClass());
                        if (o != null) {
                            o.lastAt = later(o.lastAt, e.at());
                        }
                    }
                    default -> {}
                }
            }
            case OPEN_DELTA -> {
                if (e.destinationType() != null && destinationType == null) {
                    destinationType = e.destinationType();
                }
                Open o = open.computeIfAbsent(e.errorClass(), k -> new Open());
                o.count += e.delta();
                if (e.delta() > 0) {
                    o.lastAt = later(o.lastAt, e.at());
                }
                if (o.count <= 0) {
                    open.remove(e.errorClass());
                }
            }
            case CIRCUIT -> {
                circuit = e.circuit();
                if (e.circuit() != null && e.circuit().destinationType() != null) {
                    destinationType = e.circuit().destinationType();
                }
            }
            case WAITING -> {
                if (e.destinationType() != null) {
                    destinationType = e.destinationType();
                }
            }
            case DESTINATION -> {
                configured = true;
                configuredType = e.destinationType();
                configuredAt = e.at();
            }
            case DESTINATION_REMOVED -> {
                configured = false;
                configuredType = null;
                configuredAt = null;
            }
            default -> {} // WAIT_ENDED: OfferWaits keeps the count and the oldest
        }
        prune(nowMs);
        return this;
    }

    /**
     * Whether nothing but a destination (or its removal) was ever seen for the offer: no lead, outcome, circuit report,
     * wait or dead letter. Such an offer without a destination is not kept (no ghost "waiting for leads" offer).
     */
    boolean onlyConfiguration() {
        return !total.any()
                && lastReceivedAt == null
                && circuit == null
                && (waits == null || waits.count <= 0)
                && open.isEmpty()
                && destinationType == null;
    }

    /** Drops the hour buckets that end before {@code nowMs - 24 h}. */
    void prune(long nowMs) {
        long oldestKept = oldestHourKept(nowMs);
        hours.keySet().removeIf(h -> h < oldestKept);
    }

    static long oldestHourKept(long nowMs) {
        long windowStart = Math.floorDiv(nowMs, 1000) - WINDOW.toSeconds();
        return Math.floorDiv(windowStart, HOUR_SECONDS) * HOUR_SECONDS;
    }

    /** The counts of the hours that overlap the 24 h before {@code now}. */
    public Counts last24h(Instant now) {
        long oldestKept = oldestHourKept(now.toEpochMilli());
        long nowSec = now.getEpochSecond();
        Counts total = new Counts();
        hours.forEach((h, c) -> {
            if (h >= oldestKept && h <= nowSec) {
                total.add(c);
            }
        });
        return total;
    }

    /** Every open dead letter of the offer. */
    public long openCount() {
        return open.values().stream().mapToLong(o -> o.count).sum();
    }

    private void bucket(Instant at, long nowMs, java.util.function.Consumer<Counts> update) {
        if (at == null) {
            return;
        }
        long hour = Math.floorDiv(at.getEpochSecond(), HOUR_SECONDS) * HOUR_SECONDS;
        if (hour < oldestHourKept(nowMs)) {
            return; // older than the window: nothing to count
        }
        update.accept(hours.computeIfAbsent(hour, h -> new Counts()));
    }

    static boolean notBefore(Instant at, Instant current) {
        return current == null || at == null || !at.isBefore(current);
    }

    private static Instant later(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || b.isBefore(a) ? a : b;
    }
}
