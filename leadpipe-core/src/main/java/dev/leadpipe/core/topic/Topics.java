package dev.leadpipe.core.topic;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import dev.leadpipe.core.auth.StoredApiKey;
import dev.leadpipe.core.circuit.CircuitReport;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.dlq.DlqReplay;
import dev.leadpipe.core.json.JsonSerde;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.LeadSerde;
import dev.leadpipe.core.lead.RoutedLead;
import dev.leadpipe.core.notice.DestinationNotice;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.retry.RetryWakeup;
import dev.leadpipe.core.retry.WaitingLead;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The registry of every topic the pipeline uses: each module and test imports its names and serdes from here, and
 * each topic's partitions and settings ({@link TopicSpec#configs}) are declared here only. Delivery, outcome and
 * dead-letter topics are keyed by leadId, the destinations topic by offer id.
 * <p>
 * Settings: the compacted topics ({@link TopicSpec#compacted()}) keep each key's latest record; {@code leads-dlq}
 * keeps dead letters for {@code LEADPIPE_DLQ_RETENTION} (forever by default); every other topic (leads, deliveries,
 * their retry tiers, outcomes) keeps records for {@link TopicSpec#STREAM_RETENTION} (7 days, far beyond the longest
 * retry tier's delay); every topic has {@code min.insync.replicas} of {@link TopicPolicy#effectiveMinInsyncReplicas()}.
 */
public final class Topics {
    /** Partitions of the lead-carrying topics; throughput scales with this. */
    public static final int LEAD_PARTITIONS = 6;

    /** Leads accepted by ingest (and leads sent back by replay), keyed by leadId. */
    public static final TopicSpec<String, Lead> LEADS =
            new TopicSpec<>("leads", Serdes.String(), new LeadSerde(), LEAD_PARTITIONS, false);
    /**
     * Each offer's current lead destination, keyed by offer id; compacted, a null value deletes it. A destination
     * without a type is unreadable: every reader (ingest, router, sinks, notifier) goes by the type.
     */
    public static final TopicSpec<String, LeadDestination> LEAD_DESTINATIONS = new TopicSpec<>(
            "lead-destinations",
            Serdes.String(),
            new JsonSerde<>(LeadDestination.class, d -> d.type() != null),
            3,
            true);

    public static final TopicSpec<String, Lead> DELIVERIES_DYNAMICS =
            new TopicSpec<>("deliveries.dynamics", Serdes.String(), new LeadSerde(), LEAD_PARTITIONS, false);
    public static final TopicSpec<String, Lead> DELIVERIES_SALESFORCE =
            new TopicSpec<>("deliveries.salesforce", Serdes.String(), new LeadSerde(), LEAD_PARTITIONS, false);
    public static final TopicSpec<String, Lead> DELIVERIES_TABLE =
            new TopicSpec<>("deliveries.table", Serdes.String(), new LeadSerde(), LEAD_PARTITIONS, false);
    public static final TopicSpec<String, Lead> DELIVERIES_HTTPS =
            new TopicSpec<>("deliveries.https", Serdes.String(), new LeadSerde(), LEAD_PARTITIONS, false);
    /** One terminal outcome per lead (more after a replay), keyed by leadId; never holds personal data. */
    public static final TopicSpec<String, Outcome> LEAD_OUTCOMES =
            new TopicSpec<>("lead-outcomes", Serdes.String(), new JsonSerde<>(Outcome.class), LEAD_PARTITIONS, false);
    /**
     * Dead-lettered records: the original bytes and headers plus {@code leadpipe.dlq.*} context headers. Kept until
     * replayed ({@link TopicSpec.Kind#DEAD_LETTERS}: {@code LEADPIPE_DLQ_RETENTION}, forever by default).
     */
    public static final TopicSpec<String, byte[]> LEADS_DLQ = new TopicSpec<>(
            "leads-dlq", Serdes.String(), Serdes.ByteArray(), LEAD_PARTITIONS, TopicSpec.Kind.DEAD_LETTERS);

    /**
     * Which dead letters {@code leadctl dlq replay} has replayed ({@link DlqReplay}), keyed by the dead letter's
     * position; the record for {@code leads-dlq} partition N is in partition N. Written in the same transaction as the
     * replayed lead, read read_committed before replaying, so a dead letter is replayed at most once. Kept as long as
     * the dead letters ({@link TopicSpec.Kind#DEAD_LETTERS}).
     */
    public static final TopicSpec<String, DlqReplay> LEADS_DLQ_REPLAYS = new TopicSpec<>(
            "leads-dlq-replays",
            Serdes.String(),
            new JsonSerde<>(DlqReplay.class),
            LEAD_PARTITIONS,
            TopicSpec.Kind.DEAD_LETTERS);

    /**
     * Each offer's latest destination circuit-breaker state, keyed by offer id; compacted. A report without a state is
     * unreadable: the status service's verdict goes by it.
     */
    public static final TopicSpec<String, CircuitReport> DESTINATION_CIRCUITS = new TopicSpec<>(
            "destination-circuits",
            Serdes.String(),
            new JsonSerde<>(CircuitReport.class, r -> r.state() != null),
            3,
            true);

    /**
     * The leads a sink holds back for a later attempt, keyed by leadId: a {@link WaitingLead} each time one starts or
     * keeps waiting, a tombstone once it has its outcome; compacted, so it holds the leads waiting now. Read by the
     * status service and {@code leadctl waiting list}.
     */
    public static final TopicSpec<String, WaitingLead> LEAD_WAITING =
            new TopicSpec<>("lead-waiting", Serdes.String(), new JsonSerde<>(WaitingLead.class), LEAD_PARTITIONS, true);

    /**
     * Offers whose waiting leads were sent to their next attempt at once ({@code leadctl waiting retry-now}), keyed by
     * {@code <type>:<offerId>}; compacted. Read by every sink, which skips the tier records that were copied.
     */
    public static final TopicSpec<String, RetryWakeup> RETRY_WAKEUPS =
            new TopicSpec<>("retry-wakeups", Serdes.String(), new JsonSerde<>(RetryWakeup.class), 3, true);

    /**
     * The API keys the HTTP services accept, keyed by key id: only each key's secret hash, roles and publisher scope
     * ({@link StoredApiKey}); compacted, a tombstone revokes a key. Written by {@code leadctl keys}, followed by the
     * ingest and status services.
     */
    public static final TopicSpec<String, StoredApiKey> API_KEYS =
            new TopicSpec<>("leadpipe-api-keys", Serdes.String(), new JsonSerde<>(StoredApiKey.class), 1, true);

    /**
     * What the router did with each lead past its duplicate filter (routed, suppressed as .edu, or held for want of a
     * working destination), keyed by leadId: a {@link RoutedLead} without personal data, written in the router's
     * exactly-once transaction. Read by the notifier, so a resubmitted duplicate is notified once.
     */
    public static final TopicSpec<String, RoutedLead> LEADS_ROUTED = new TopicSpec<>(
            "leads-routed",
            Serdes.String(),
            new JsonSerde<>(RoutedLead.class, RoutedLead::usable),
            LEAD_PARTITIONS,
            false);

    /**
     * The notifier's pending daily digests, keyed by offer id: the JSON of one offer's digest (lead ids, actions,
     * times, counts; no personal data) written as leads are added, a tombstone once it is sent; compacted. Read back
     * by the notifier at start-up, so a digest survives a restart.
     */
    public static final TopicSpec<String, byte[]> NOTIFIER_DIGESTS =
            new TopicSpec<>("notifier-digests", Serdes.String(), Serdes.ByteArray(), 3, true);

    /**
     * What the notifier has told each offer's contacts about its destination breaking and recovering, keyed by offer
     * id ({@link DestinationNotice}); compacted. Written and read back only by the notifier, so a restart neither
     * repeats nor forgets a notice.
     */
    public static final TopicSpec<String, DestinationNotice> DESTINATION_NOTICES = new TopicSpec<>(
            "destination-notices",
            Serdes.String(),
            new JsonSerde<>(DestinationNotice.class, n -> n.state() != null),
            3,
            true);

    /**
     * How many retry tiers each delivery topic has: {@code deliveries.<type>.retry-1} to {@code -4}, read by that type's
     * sink after each tier's delay (the sink's {@code SINK_RETRY_TIERS}, 10s, 1m, 10m and 1h by default). A tier record
     * is the delivery record (key, bytes, headers) plus the {@code leadpipe.retry.*} headers.
     */
    public static final int RETRY_TIERS = 4;

    private static final Map<DestinationType, TopicSpec<String, Lead>> DELIVERY_BY_TYPE = Map.of(
            DestinationType.DYNAMICS, DELIVERIES_DYNAMICS,
            DestinationType.SALESFORCE, DELIVERIES_SALESFORCE,
            DestinationType.TABLE, DELIVERIES_TABLE,
            DestinationType.HTTPS, DELIVERIES_HTTPS);

    private static final Map<DestinationType, List<TopicSpec<String, byte[]>>> RETRY_BY_TYPE = retryTopics();

    private Topics() {}

    private static Map<DestinationType, List<TopicSpec<String, byte[]>>> retryTopics() {
        Map<DestinationType, List<TopicSpec<String, byte[]>>> byType = new EnumMap<>(DestinationType.class);
        DELIVERY_BY_TYPE.forEach((type, delivery) -> {
            List<TopicSpec<String, byte[]>> tiers = new ArrayList<>();
            for (int tier = 1; tier <= RETRY_TIERS; tier++) {
                tiers.add(new TopicSpec<>(
                        delivery.name() + ".retry-" + tier,
                        Serdes.String(),
                        Serdes.ByteArray(),
                        LEAD_PARTITIONS,
                        false));
            }
            byType.put(type, List.copyOf(tiers));
        });
        return byType;
    }

    /** The retry tiers of a deliverable destination type's delivery topic, shortest delay first. */
    public static List<TopicSpec<String, byte[]>> retryTiers(DestinationType type) {
        List<TopicSpec<String, byte[]>> tiers = RETRY_BY_TYPE.get(type);
        if (tiers == null) {
            throw new IllegalArgumentException(type + " has no delivery topic");
        }
        return tiers;
    }

    /** The delivery topic of a deliverable destination type. */
    public static TopicSpec<String, Lead> deliveryTopic(DestinationType type) {
        TopicSpec<String, Lead> spec = DELIVERY_BY_TYPE.get(type);
        if (spec == null) {
            throw new IllegalArgumentException(type + " has no delivery topic");
        }
        return spec;
    }

    public static List<TopicSpec<?, ?>> all() {
        List<TopicSpec<?, ?>> all = new ArrayList<>(List.of(
                LEADS,
                LEAD_DESTINATIONS,
                DELIVERIES_DYNAMICS,
                DELIVERIES_SALESFORCE,
                DELIVERIES_TABLE,
                DELIVERIES_HTTPS,
                LEAD_OUTCOMES,
                LEADS_DLQ,
                LEADS_DLQ_REPLAYS,
                DESTINATION_CIRCUITS,
                LEAD_WAITING,
                RETRY_WAKEUPS,
                API_KEYS,
                LEADS_ROUTED,
                NOTIFIER_DIGESTS,
                DESTINATION_NOTICES));
        for (DestinationType type : DestinationType.values()) {
            if (RETRY_BY_TYPE.containsKey(type)) {
                all.addAll(RETRY_BY_TYPE.get(type));
            }
        }
        return List.copyOf(all);
    }
}
