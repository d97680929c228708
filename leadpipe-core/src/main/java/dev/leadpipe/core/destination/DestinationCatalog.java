package dev.leadpipe.core.destination;

import java.time.Duration;
import java.util.Optional;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.topic.CompactedTopicView;
import dev.leadpipe.core.topic.KafkaClientMeters;
import dev.leadpipe.core.topic.Topics;

/**
 * A local, read-only view of the compacted {@code lead-destinations} topic: each offer's current
 * {@link LeadDestination}, keyed by offer id (a {@link CompactedTopicView}: it follows the topic from the beginning,
 * a tombstone removes the offer, and {@link #start} returns once it caught up). Writes made through this service are
 * applied at once with {@link #applyAcknowledged} (read-your-writes); a record read later but written earlier never
 * overwrites a newer value.
 */
public final class DestinationCatalog implements AutoCloseable {
    private final CompactedTopicView<LeadDestination> view;

    private DestinationCatalog(CompactedTopicView<LeadDestination> view) {
        this.view = view;
    }

    /**
     * Starts following the destinations topic and waits until the view caught up with it.
     *
     * @throws IllegalStateException when it did not catch up within {@code catchUpTimeout}
     */
    public static DestinationCatalog start(KafkaConnection kafka, Duration catchUpTimeout) {
        return new DestinationCatalog(
                CompactedTopicView.start(kafka, Topics.LEAD_DESTINATIONS, "destination catalog", catchUpTimeout));
    }

    /** The offer's current destination, if it has one. */
    public Optional<LeadDestination> get(String offerId) {
        return view.get(offerId);
    }

    /** How many offers currently have a destination. */
    public int size() {
        return view.size();
    }

    /** Applies a write Kafka acknowledged at {@code partition}/{@code offset}; {@code destination} null deletes. */
    public void applyAcknowledged(String offerId, LeadDestination destination, int partition, long offset) {
        view.applyAcknowledged(offerId, destination, partition, offset);
    }

    /** Exports the catalog's consumer's metrics through {@code kafkaMeters} until {@link #close()}. */
    public DestinationCatalog bindMeters(KafkaClientMeters kafkaMeters) {
        view.bindMeters(kafkaMeters);
        return this;
    }

    /** Stops the background consumer. */
    @Override
    public void close() {
        view.close();
    }
}
