package dev.leadpipe.status;

import java.time.Instant;

import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.json.JsonSerde;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.retry.WaitingLead;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status service's topology, defined once here for {@link StatusService} and the tests alike.
 *
 * <ol>
 *   <li>{@code leads} (read as bytes; only leadId, offerId, receivedAt and the test flag are kept) becomes a LEAD
 *       event keyed by offer id; unreadable records are skipped (the router dead-letters them).</li>
 *   <li>{@code lead-outcomes}, still keyed by leadId, passes {@link #TRACK_DEAD_LETTERS}, which keeps
 *       {@link #OPEN_DEAD_LETTERS_STORE}: the leads whose latest outcome is DEAD_LETTERED, with their offer and class
 *       (a DELIVERED, SENT_UNCONFIRMED or SUPPRESSED outcome for the same leadId, e.g. after a replay, closes it; a dead letter in
 *       another class moves it), and {@link #DLQ_BACKLOG_STORE}: open dead letters by class code (per task; the
 *       service sums the tasks). It emits the outcome and a ±1 OPEN_DELTA per change, keyed by offer id.</li>
 *   <li>{@code destination-circuits} (keyed by offer id) becomes a CIRCUIT event.</li>
 *   <li>{@code lead-destinations} (keyed by offer id, read as bytes) becomes a DESTINATION event (type and
 *       {@code updatedAt} only: never settings or contacts), or DESTINATION_REMOVED for a tombstone or an unreadable
 *       record; so an offer configured before its first lead is "configured, waiting for leads", and one whose
 *       destination is deleted before any lead leaves the store.</li>
 *   <li>{@code lead-waiting} (keyed by leadId) passes {@link #TRACK_WAITING}, and {@code lead-outcomes} also passes
 *       {@link #CLOSE_WAITING}; both keep {@link #WAITING_LEADS_STORE}, the leads waiting now, and emit a WAITING
 *       event when a lead starts or keeps waiting and a WAIT_ENDED event when its wait ends (a tombstone, a terminal
 *       outcome, or a move to another offer), keyed by offer id (see {@link TrackWaiting}).</li>
 *   <li>All of them are merged and repartitioned by offer id through {@link #OFFER_EVENTS}
 *       ({@code <applicationId>-offer-events-repartition}) into {@link #FOLD_OFFER}, which folds them into
 *       {@link #OFFERS_STORE}: one {@link OfferState} per offer, and keeps {@link #OFFER_WAITING_STORE}, each offer's
 *       waiting leads ordered by when they started waiting (see {@link OfferWaits}).</li>
 * </ol>
 * Every store is persistent with a changelog in Kafka; every node has a fixed name so internal topics stay stable.
 */
public final class StatusTopology {
    private static final Logger LOG = LoggerFactory.getLogger(StatusTopology.class);

    /** Offer id to {@link OfferState}. */
    public static final String OFFERS_STORE = "status-offers";
    /** leadId to the open dead letter ({@link OpenDeadLetter}) of leads whose latest outcome is DEAD_LETTERED. */
    public static final String OPEN_DEAD_LETTERS_STORE = "status-open-dead-letters";
    /** Error class code to the open dead letters of that class in this task's partition. */
    public static final String DLQ_BACKLOG_STORE = "status-dlq-backlog";
    /** leadId to {@link TrackWaiting.Tracked}: the leads waiting now (and those whose wait an outcome just ended). */
    public static final String WAITING_LEADS_STORE = "status-waiting-leads";
    /**
     * Each offer's waiting leads, twice: by {@code offerId NUL s<since> NUL leadId} and by {@code offerId NUL u<at> NUL
     * leadId}, to the lead's latest {@link WaitingLead}: see {@link OfferWaits}.
     */
    public static final String OFFER_WAITING_STORE = "status-offer-waiting";

    public static final String LEADS_SOURCE = "leads-source";
    public static final String OUTCOMES_SOURCE = "outcomes-source";
    public static final String CIRCUITS_SOURCE = "circuits-source";
    public static final String WAITING_SOURCE = "waiting-source";
    public static final String DESTINATIONS_SOURCE = "destinations-source";
    public static final String READ_DESTINATION = "read-destination";
    public static final String MERGE_5 = "merge-offer-events-5";
    public static final String READ_LEAD = "read-lead";
    public static final String TRACK_DEAD_LETTERS = "track-dead-letters";
    public static final String READ_CIRCUIT = "read-circuit";
    public static final String TRACK_WAITING = "track-waiting";
    public static final String CLOSE_WAITING = "close-waiting-on-outcome";
    public static final String MERGE = "merge-offer-events";
    public static final String MERGE_2 = "merge-offer-events-2";
    public static final String MERGE_3 = "merge-offer-events-3";
    public static final String MERGE_4 = "merge-offer-events-4";
    /** The repartition by offer id; its topic is {@code <applicationId>-offer-events-repartition}. */
    public static final String OFFER_EVENTS = "offer-events";

    public static final String FOLD_OFFER = "fold-offer";

    static final Serde<OfferEvent> EVENT_SERDE = new JsonSerde<>(OfferEvent.class);
    static final Serde<OfferState> STATE_SERDE = new JsonSerde<>(OfferState.class);
    static final Serde<OpenDeadLetter> OPEN_SERDE = new JsonSerde<>(OpenDeadLetter.class);
    static final Serde<TrackWaiting.Tracked> TRACKED_SERDE = new JsonSerde<>(TrackWaiting.Tracked.class);

    /** A lead whose latest outcome is DEAD_LETTERED. */
    public record OpenDeadLetter(String offerId, ErrorClass errorClass, String destinationType, Instant at) {}

    private StatusTopology() {}

    /** Builds the topology; the config does not shape it (names and partitions are fixed). */
    public static Topology build(StatusConfig config) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(OPEN_DEAD_LETTERS_STORE), Serdes.String(), OPEN_SERDE));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DLQ_BACKLOG_STORE), Serdes.String(), Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(OFFERS_STORE), Serdes.String(), STATE_SERDE));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(WAITING_LEADS_STORE), Serdes.String(), TRACKED_SERDE));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(OFFER_WAITING_STORE),
                Serdes.String(),
                Topics.LEAD_WAITING.valueSerde()));

        KStream<String, OfferEvent> leads = builder.stream(
                        Topics.LEADS.name(),
                        Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(LEADS_SOURCE))
                .process(ReadLead::new, Named.as(READ_LEAD));
        KStream<String, Outcome> outcomeRecords = builder.stream(
                Topics.LEAD_OUTCOMES.name(),
                Consumed.with(Topics.LEAD_OUTCOMES.keySerde(), Topics.LEAD_OUTCOMES.valueSerde())
                        .withName(OUTCOMES_SOURCE));
        KStream<String, OfferEvent> outcomes = outcomeRecords.process(
                TrackDeadLetters::new, Named.as(TRACK_DEAD_LETTERS), OPEN_DEAD_LETTERS_STORE, DLQ_BACKLOG_STORE);
        KStream<String, OfferEvent> waitsEndedByOutcome =
                outcomeRecords.process(TrackWaiting.Outcomes::new, Named.as(CLOSE_WAITING), WAITING_LEADS_STORE);
        KStream<String, OfferEvent> waits = builder.stream(
                        Topics.LEAD_WAITING.name(),
                        Consumed.with(Topics.LEAD_WAITING.keySerde(), Topics.LEAD_WAITING.valueSerde())
                                .withName(WAITING_SOURCE))
                .process(TrackWaiting.Waits::new, Named.as(TRACK_WAITING), WAITING_LEADS_STORE);
        KStream<String, OfferEvent> circuits = builder.stream(
                        Topics.DESTINATION_CIRCUITS.name(),
                        Consumed.with(Topics.DESTINATION_CIRCUITS.keySerde(), Topics.DESTINATION_CIRCUITS.valueSerde())
                                .withName(CIRCUITS_SOURCE))
                .map(
                        (offerId, report) -> KeyValue.pair(
                                offerId != null ? offerId : report == null ? null : report.offerId(),
                                OfferEvent.circuit(report)),
                        Named.as(READ_CIRCUIT));

        KStream<String, OfferEvent> destinations = builder.stream(
                        Topics.LEAD_DESTINATIONS.name(),
                        Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(DESTINATIONS_SOURCE))
                .process(ReadDestination::new, Named.as(READ_DESTINATION));

        leads.merge(outcomes, Named.as(MERGE))
                .merge(circuits, Named.as(MERGE_2))
                .merge(waits, Named.as(MERGE_3))
                .merge(waitsEndedByOutcome, Named.as(MERGE_4))
                .merge(destinations, Named.as(MERGE_5))
                .filter((offerId, e) -> offerId != null && e != null, Named.as(MERGE + "-keyed"))
                .repartition(Repartitioned.with(Serdes.String(), EVENT_SERDE)
                        .withName(OFFER_EVENTS)
                        .withNumberOfPartitions(Topics.LEAD_PARTITIONS))
                .process(FoldOffer::new, Named.as(FOLD_OFFER), OFFERS_STORE, OFFER_WAITING_STORE);
        return builder.build();
    }

    /** A lead, reduced to ids and times, keyed by offer id. */
    static final class ReadLead implements Processor<String, byte[], String, OfferEvent> {
        private final Deserializer<Lead> leads = Topics.LEADS.valueSerde().deserializer();
        private ProcessorContext<String, OfferEvent> context;

        @Override
        public void init(ProcessorContext<String, OfferEvent> context) {
            this.context = context;
        }

        @Override
        public void process(Record<String, byte[]> record) {
            Lead lead;
            try {
                lead = leads.deserialize(Topics.LEADS.name(), record.value());
            } catch (RuntimeException e) {
                return; // unreadable: the router dead-letters it as MALFORMED_RECORD, whose outcome we see
            }
            if (lead == null || lead.offerId() == null || lead.offerId().isBlank()) {
                return;
            }
            String leadId = lead.leadId() != null ? lead.leadId() : record.key();
            if (leadId == null) {
                return;
            }
            Instant at = lead.receivedAt() != null ? lead.receivedAt() : Instant.ofEpochMilli(record.timestamp());
            context.forward(new Record<>(
                    lead.offerId(), OfferEvent.lead(leadId, at, lead.test()), record.timestamp(), new RecordHeaders()));
        }
    }

    /**
     * An offer's destination, reduced to its type and time, keyed by offer id; a tombstone or an unreadable record is
     * DESTINATION_REMOVED (the router, too, reads an unreadable one as no destination).
     */
    static final class ReadDestination implements Processor<String, byte[], String, OfferEvent> {
        private final Deserializer<LeadDestination> destinations =
                Topics.LEAD_DESTINATIONS.valueSerde().deserializer();
        private ProcessorContext<String, OfferEvent> context;

        @Override
        public void init(ProcessorContext<String, OfferEvent> context) {
            this.context = context;
        }

        @Override
        public void process(Record<String, byte[]> record) {
            if (record.key() == null || record.key().isBlank()) {
                return;
            }
            LeadDestination d = null;
            if (record.value() != null) {
                try {
                    d = destinations.deserialize(Topics.LEAD_DESTINATIONS.name(), record.value());
                } catch (RuntimeException e) {
                    LOG.warn("the lead-destinations record of offer {} is unreadable: read as none", record.key());
                }
            }
            Instant at = Instant.ofEpochMilli(record.timestamp());
            OfferEvent e = d == null || d.type() == null
                    ? OfferEvent.destinationRemoved(at)
                    : OfferEvent.destination(d.type().wireName(), d.updatedAt() != null ? d.updatedAt() : at);
            context.forward(new Record<>(record.key(), e, record.timestamp(), new RecordHeaders()));
        }
    }

    /** Keeps the leadId-keyed open dead letters and turns each outcome into offer events. */
    static final class TrackDeadLetters implements Processor<String, Outcome, String, OfferEvent> {
        private ProcessorContext<String, OfferEvent> context;
        private KeyValueStore<String, OpenDeadLetter> open;
        private KeyValueStore<String, Long> backlog;

        @Override
        public void init(ProcessorContext<String, OfferEvent> context) {
            this.context = context;
            this.open = context.getStateStore(OPEN_DEAD_LETTERS_STORE);
            this.backlog = context.getStateStore(DLQ_BACKLOG_STORE);
        }

        @Override
        public void process(Record<String, Outcome> record) {
            Outcome o = record.value();
            if (o == null || o.outcome() == null) {
                return;
            }
            String leadId = record.key() != null ? record.key() : o.leadId();
            Instant at = o.at() != null ? o.at() : Instant.ofEpochMilli(record.timestamp());
            if (leadId != null) {
                OpenDeadLetter before = open.get(leadId);
                if (o.outcome() == OutcomeType.DEAD_LETTERED) {
                    ErrorClass cls = o.errorClass() == null ? ErrorClass.UNKNOWN : o.errorClass();
                    OpenDeadLetter now = new OpenDeadLetter(o.offerId(), cls, o.destinationType(), at);
                    if (before == null
                            || before.errorClass() != cls
                            || !java.util.Objects.equals(before.offerId(), o.offerId())) {
                        if (before != null) {
                            close(before, record, at);
                        }
                        openIn(now, record);
                    }
                    open.put(leadId, now);
                } else if (before != null) {
                    close(before, record, at);
                    open.delete(leadId);
                }
            } else if (o.outcome() == OutcomeType.DEAD_LETTERED) {
                LOG.warn("a dead-lettered outcome without a leadId cannot be tracked as open ({})", o.errorClass());
            }
            if (o.offerId() != null) {
                forward(record, o.offerId(), OfferEvent.outcome(o, leadId, at));
            }
        }

        private void openIn(OpenDeadLetter d, Record<String, Outcome> record) {
            addBacklog(d.errorClass(), 1);
            if (d.offerId() != null) {
                forward(record, d.offerId(), OfferEvent.openDelta(d.errorClass(), 1, d.at(), d.destinationType()));
            }
        }

        private void close(OpenDeadLetter d, Record<String, Outcome> record, Instant at) {
            addBacklog(d.errorClass(), -1);
            if (d.offerId() != null) {
                forward(record, d.offerId(), OfferEvent.openDelta(d.errorClass(), -1, at, null));
            }
        }

        private void addBacklog(ErrorClass cls, long delta) {
            Long n = backlog.get(cls.code());
            long next = (n == null ? 0 : n) + delta;
            if (next <= 0) {
                backlog.delete(cls.code());
            } else {
                backlog.put(cls.code(), next);
            }
        }

        private void forward(Record<String, Outcome> record, String offerId, OfferEvent e) {
            context.forward(new Record<>(offerId, e, record.timestamp(), new RecordHeaders()));
        }
    }

    /** Folds an offer's events into its {@link OfferState}, and its waiting leads into {@link #OFFER_WAITING_STORE}. */
    static final class FoldOffer implements Processor<String, OfferEvent, Void, Void> {
        private ProcessorContext<Void, Void> context;
        private KeyValueStore<String, OfferState> offers;
        private OfferWaits waits;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            this.context = context;
            this.offers = context.getStateStore(OFFERS_STORE);
            this.waits = new OfferWaits(context.getStateStore(OFFER_WAITING_STORE));
        }

        @Override
        public void process(Record<String, OfferEvent> record) {
            OfferState state = offers.get(record.key());
            OfferEvent e = record.value();
            if (state == null && e.kind() == OfferEvent.Kind.DESTINATION_REMOVED) {
                return; // a deleted destination of an offer never seen: nothing to keep
            }
            if (state == null) {
                state = new OfferState(record.key());
            }
            if (e.kind() == OfferEvent.Kind.WAITING || e.kind() == OfferEvent.Kind.WAIT_ENDED) {
                waits.apply(state, e);
            }
            long now = Math.max(context.currentStreamTimeMs(), record.timestamp());
            state.apply(e, now);
            if (!state.configured && state.onlyConfiguration()) {
                offers.delete(record.key()); // its destination was deleted before any lead: no ghost offer
            } else {
                offers.put(record.key(), state);
            }
        }
    }
}
