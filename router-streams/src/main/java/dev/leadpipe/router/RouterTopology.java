package dev.leadpipe.router;

import java.util.Map;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.topic.TopicSpec;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.BranchedKStream;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's topology, defined once here for {@link RouterApp} and the tests alike.
 *
 * <p>For every record on {@code leads} (key leadId, value read as raw bytes) exactly one of these happens:
 * <ol>
 *   <li>the value is not a readable lead, or lacks {@code leadId} or {@code offerId}: it goes to {@code leads-dlq}
 *       as {@link ErrorClass#MALFORMED_RECORD} with its exact bytes, plus a DEAD_LETTERED outcome keyed by the record
 *       key;</li>
 *   <li>its leadId was routed within the de-duplication window with the same content and it is not a replay: it is
 *       dropped and counted ({@link RouterMetrics#duplicatesDropped()}), no output at all;</li>
 *   <li>its leadId was routed within the window with different content and it is not a replay: {@code leads-dlq}
 *       as {@link ErrorClass#LEAD_ID_REUSED} plus a DEAD_LETTERED outcome ({@link DeduplicationProcessor});</li>
 *   <li>its customer's e-mail is .edu: a SUPPRESSED outcome only, whatever the offer's destination;</li>
 *   <li>its offer has no destination, or one of type {@code none}: {@code leads-dlq} as
 *       {@link ErrorClass#NO_DESTINATION_CONFIGURED} plus a DEAD_LETTERED outcome;</li>
 *   <li>its offer's destination type has no delivery topic ({@code blob}): {@code leads-dlq} as
 *       {@link ErrorClass#DESTINATION_UNSUPPORTED} plus a DEAD_LETTERED outcome;</li>
 *   <li>otherwise: {@code deliveries.<type>} keyed by leadId, the lead as value, the original headers kept.</li>
 * </ol>
 * Every lead that is suppressed (4), held for want of a working destination (5, 6) or routed (7) also gets one
 * {@link dev.leadpipe.core.lead.RoutedLead} on {@code leads-routed} ({@link RoutedLeadProcessor}), in the same
 * exactly-once transaction: a dropped duplicate (2), a reused leadId (3) and an unreadable record (1) get none. The
 * notifier reads it, so a resubmitted lead is notified once.
 * Destinations come from a GlobalKTable of {@code lead-destinations} (keyed by offer id), looked up by the lead's
 * offerId as each lead is processed, so a changed destination applies to the next lead; an unreadable destination
 * record reads as no destination ({@link DestinationTableSerde}). De-duplication is kept per
 * partition of {@code leads}, so it relies on leads being keyed by leadId, as ingest and replay write them; output
 * records are keyed by the lead's own leadId whatever the input key. Bad input never throws out
 * of the topology. Every processor, source, sink and store has a fixed name (see the constants), so the internal
 * topic names stay stable across releases.
 */
public final class RouterTopology {
    private static final Logger LOG = LoggerFactory.getLogger(RouterTopology.class);
    /** The de-duplication window store: leadId at routed time, its content's fingerprint. Its changelog is {@code <applicationId>-router-dedup-store-changelog}. */
    public static final String DEDUP_STORE = "router-dedup-store";
    /** The global store holding the lead destinations, queryable by offer id. */
    public static final String DESTINATIONS_STORE = "router-lead-destinations-store";

    public static final String LEADS_SOURCE = "leads-source";
    /** The global table's processor; its source node is this name plus {@code -source}. */
    public static final String DESTINATIONS_TABLE = "lead-destinations-table";

    public static final String PARSE = "parse-lead";
    public static final String PARSE_BRANCH = "parse-";
    public static final String MALFORMED = PARSE_BRANCH + "malformed";
    public static final String READABLE = PARSE_BRANCH + "readable";
    public static final String DEDUP = "deduplicate-lead";
    public static final String LOOKUP = "lookup-destination";
    public static final String ROUTE_BRANCH = "route-";
    public static final String LEAD_ID_REUSED = ROUTE_BRANCH + "lead-id-reused";
    public static final String EDU = ROUTE_BRANCH + "edu-suppressed";
    public static final String NO_DESTINATION = ROUTE_BRANCH + "no-destination";
    public static final String UNSUPPORTED = ROUTE_BRANCH + "unsupported-destination";
    public static final String SUPPRESSED_OUTCOME = "suppressed-outcome";
    public static final String SUPPRESSED_OUTCOME_SINK = "suppressed-outcome-sink";
    public static final String CLASSIFY_NO_DESTINATION = "classify-no-destination";
    public static final String CLASSIFY_UNSUPPORTED = "classify-unsupported-destination";
    public static final String MERGE_DEAD_LETTERS = "merge-dead-letters";
    public static final String MERGE_DEAD_LETTERS_2 = "merge-dead-letters-2";
    public static final String MERGE_DEAD_LETTERS_3 = "merge-dead-letters-3";
    public static final String DEAD_LETTER = "dead-letter-record";
    public static final String DEAD_LETTER_SINK = "dead-letter-sink";
    public static final String DEAD_LETTER_OUTCOME = "dead-letter-outcome";
    public static final String DEAD_LETTER_OUTCOME_SINK = "dead-letter-outcome-sink";
    /** Writes what was done with each lead past the duplicate filter to {@code leads-routed}; plus {@code -sink}. */
    public static final String ROUTED_RECORD = "routed-record";

    public static final String SUPPRESSED_ROUTED = SUPPRESSED_OUTCOME + "-" + ROUTED_RECORD;
    public static final String HELD_ROUTED = "held-" + ROUTED_RECORD;
    public static final String MERGE_HELD = "merge-held";

    private RouterTopology() {}

    /** The branch of a deliverable type ({@code route-deliver-table}); its processor and sink add {@code -lead} and {@code -sink}. */
    public static String deliverBranch(DestinationType type) {
        return ROUTE_BRANCH + "deliver-" + type.wireName();
    }

    /**
     * Builds the topology.
     *
     * @param config  the settings; only {@link RouterConfig#dedupWindow()} shapes the topology
     * @param metrics the counters the topology's processors update (shared by all tasks and threads)
     */
    public static Topology build(RouterConfig config, RouterMetrics metrics) {
        StreamsBuilder builder = new StreamsBuilder();

        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(DEDUP_STORE, config.dedupWindow(), config.dedupWindow(), false),
                Serdes.String(),
                ContentFingerprint.serde()));

        TopicSpec<String, LeadDestination> dest = Topics.LEAD_DESTINATIONS;
        // tolerant on both paths: records read by the global thread and values restored raw into the store
        DestinationTableSerde destinationSerde = new DestinationTableSerde();
        GlobalKTable<String, LeadDestination> destinations = builder.globalTable(
                dest.name(),
                Consumed.with(dest.keySerde(), destinationSerde).withName(DESTINATIONS_TABLE),
                Materialized.<String, LeadDestination, KeyValueStore<Bytes, byte[]>>as(DESTINATIONS_STORE)
                        .withKeySerde(dest.keySerde())
                        .withValueSerde(destinationSerde));

        KStream<String, RoutingRecord> parsed = builder.stream(
                        Topics.LEADS.name(),
                        Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(LEADS_SOURCE))
                .processValues(ParseLeadProcessor::new, Named.as(PARSE));

        Map<String, KStream<String, RoutingRecord>> byReadability = parsed.split(Named.as(PARSE_BRANCH))
                .branch((key, v) -> v.isMalformed(), Branched.as("malformed"))
                .defaultBranch(Branched.as("readable"));

        KStream<String, RoutingRecord> routed = byReadability
                .get(READABLE)
                .processValues(
                        () -> new DeduplicationProcessor(config.dedupWindow(), metrics), Named.as(DEDUP), DEDUP_STORE)
                .leftJoin(
                        destinations, (key, v) -> v.lead().offerId(), RoutingRecord::withDestination, Named.as(LOOKUP));

        BranchedKStream<String, RoutingRecord> route = routed.split(Named.as(ROUTE_BRANCH))
                .branch((key, v) -> v.error() != null, Branched.as("lead-id-reused"))
                .branch(
                        (key, v) -> v.lead().userDetails().isEdu(),
                        Branched.withConsumer(
                                suppressed -> {
                                    suppressed
                                            .process(
                                                    () -> new OutcomeProcessor(
                                                            OutcomeProcessor.Kind.SUPPRESSED, metrics),
                                                    Named.as(SUPPRESSED_OUTCOME))
                                            .to(
                                                    Topics.LEAD_OUTCOMES.name(),
                                                    produced(Topics.LEAD_OUTCOMES, SUPPRESSED_OUTCOME_SINK));
                                    writeRouted(suppressed, SUPPRESSED_ROUTED);
                                },
                                "edu-suppressed"))
                .branch(
                        (key, v) -> v.destination() == null
                                || v.destination().type() == null
                                || v.destination().type() == DestinationType.NONE,
                        Branched.as("no-destination"));
        for (DestinationType type : DestinationType.values()) {
            if (!type.isDeliverable()) {
                continue;
            }
            TopicSpec<String, Lead> topic = Topics.deliveryTopic(type);
            String name = deliverBranch(type);
            route = route.branch(
                    (key, v) -> v.destination().type() == type,
                    Branched.withConsumer(
                            deliver -> {
                                deliver.map(
                                                (key, v) -> handOver(type, topic.name(), v, metrics),
                                                Named.as(name + "-lead"))
                                        .to(
                                                topic.name(),
                                                Produced.with(topic.keySerde(), Serdes.ByteArray())
                                                        .withName(name + "-sink"));
                                writeRouted(deliver, name + "-" + ROUTED_RECORD);
                            },
                            name.substring(ROUTE_BRANCH.length())));
        }
        // Whatever is left has a destination type without a delivery topic: blob (and any type added later).
        Map<String, KStream<String, RoutingRecord>> unroutable =
                route.defaultBranch(Branched.as("unsupported-destination"));

        KStream<String, RoutingRecord> noDestination = unroutable
                .get(NO_DESTINATION)
                .mapValues(
                        v -> v.deadLetter(
                                ErrorClass.NO_DESTINATION_CONFIGURED,
                                v.destination() == null
                                        ? "no lead destination is configured for offer "
                                                + v.lead().offerId()
                                        : "the lead destination of offer "
                                                + v.lead().offerId() + " is of type none"),
                        Named.as(CLASSIFY_NO_DESTINATION));
        KStream<String, RoutingRecord> unsupported = unroutable
                .get(UNSUPPORTED)
                .mapValues(
                        v -> v.deadLetter(
                                ErrorClass.DESTINATION_UNSUPPORTED,
                                "the lead destination of offer "
                                        + v.lead().offerId() + " is of type " + v.destinationTypeName()
                                        + ", to which leads are no longer delivered"),
                        Named.as(CLASSIFY_UNSUPPORTED));

        writeRouted(noDestination.merge(unsupported, Named.as(MERGE_HELD)), HELD_ROUTED);

        KStream<String, RoutingRecord> deadLetters = byReadability
                .get(MALFORMED)
                .merge(noDestination, Named.as(MERGE_DEAD_LETTERS))
                .merge(unsupported, Named.as(MERGE_DEAD_LETTERS_2))
                .merge(unroutable.get(LEAD_ID_REUSED), Named.as(MERGE_DEAD_LETTERS_3));
        deadLetters
                .processValues(() -> new DeadLetterProcessor(metrics), Named.as(DEAD_LETTER))
                .to(Topics.LEADS_DLQ.name(), produced(Topics.LEADS_DLQ, DEAD_LETTER_SINK));
        deadLetters
                .process(
                        () -> new OutcomeProcessor(OutcomeProcessor.Kind.DEAD_LETTERED, metrics),
                        Named.as(DEAD_LETTER_OUTCOME))
                .to(Topics.LEAD_OUTCOMES.name(), produced(Topics.LEAD_OUTCOMES, DEAD_LETTER_OUTCOME_SINK));

        return builder.build();
    }

    /** Writes a {@link dev.leadpipe.core.lead.RoutedLead} per record to {@code leads-routed}: nodes {@code name} and {@code name-sink}. */
    private static void writeRouted(KStream<String, RoutingRecord> stream, String name) {
        stream.process(RoutedLeadProcessor::new, Named.as(name))
                .to(Topics.LEADS_ROUTED.name(), produced(Topics.LEADS_ROUTED, name + "-sink"));
    }

    private static <K, V> Produced<K, V> produced(TopicSpec<K, V> topic, String name) {
        return Produced.with(topic.keySerde(), topic.valueSerde()).withName(name);
    }

    /**
     * A routable lead for its delivery topic: keyed by its leadId, the lead as value in its canonical form, the bytes
     * the topic's serde writes, (the original headers go with it), counted as routed to {@code type}.
     */
    private static KeyValue<String, byte[]> handOver(
            DestinationType type, String topic, RoutingRecord v, RouterMetrics metrics) {
        Lead lead = v.lead();
        metrics.leadDelivered(type);
        LOG.debug("lead {} routed to {}", lead.leadId(), type.wireName());
        return KeyValue.pair(lead.leadId(), v.deliveryValue(topic));
    }
}
