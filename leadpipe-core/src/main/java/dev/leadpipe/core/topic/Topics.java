package dev.leadpipe.core.topic;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.serialization.Serdes;

import dev.leadpipe.core.circuit.CircuitReport;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.json.JsonSerde;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.LeadSerde;
import dev.leadpipe.core.outcome.Outcome;

/**
 * The registry of every topic the pipeline uses: each module and test imports its names and serdes from here.
 * Delivery, outcome and dead-letter topics are keyed by leadId, the destinations topic by offer id.
 */
public final class Topics {
    /** Partitions of the lead-carrying topics; throughput scales with this. */
    public static final int LEAD_PARTITIONS = 6;

    /** Leads accepted by ingest (and leads sent back by replay), keyed by leadId. */
    public static final TopicSpec<String, Lead> LEADS =
            new TopicSpec<>("leads", Serdes.String(), new LeadSerde(), LEAD_PARTITIONS, false);
    /** Each offer's current lead destination, keyed by offer id; compacted, a null value deletes it. */
    public static final TopicSpec<String, LeadDestination> LEAD_DESTINATIONS =
            new TopicSpec<>("lead-destinations", Serdes.String(), new JsonSerde<>(LeadDestination.class), 3, true);
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
    /** Dead-lettered records: the original bytes and headers plus {@code leadpipe.dlq.*} context headers. */
    public static final TopicSpec<String, byte[]> LEADS_DLQ =
            new TopicSpec<>("leads-dlq", Serdes.String(), Serdes.ByteArray(), LEAD_PARTITIONS, false);

    /** Each offer's latest destination circuit-breaker state, keyed by offer id; compacted. */
    public static final TopicSpec<String, CircuitReport> DESTINATION_CIRCUITS =
            new TopicSpec<>("destination-circuits", Serdes.String(), new JsonSerde<>(CircuitReport.class), 3, true);

    private static final Map<DestinationType, TopicSpec<String, Lead>> DELIVERY_BY_TYPE = Map.of(
            DestinationType.DYNAMICS, DELIVERIES_DYNAMICS,
            DestinationType.SALESFORCE, DELIVERIES_SALESFORCE,
            DestinationType.TABLE, DELIVERIES_TABLE,
            DestinationType.HTTPS, DELIVERIES_HTTPS);

    private Topics() {
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
        return List.of(LEADS, LEAD_DESTINATIONS, DELIVERIES_DYNAMICS, DELIVERIES_SALESFORCE, DELIVERIES_TABLE,
                DELIVERIES_HTTPS, LEAD_OUTCOMES, LEADS_DLQ, DESTINATION_CIRCUITS);
    }
}
