package dev.leadpipe.sink.runtime;

import java.time.Duration;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.retry.RetryWakeup;
import dev.leadpipe.core.topic.CompactedTopicView;
import dev.leadpipe.core.topic.KafkaClientMeters;
import dev.leadpipe.core.topic.Topics;

/**
 * Which retry tier records were already sent to their next attempt by {@code leadctl waiting retry-now}: the sink's view
 * of {@code retry-wakeups}. A tier record of an offer that was woken, below the offset the copy reached in its
 * partition, is skipped (its copy on the delivery topic carries the lead on).
 */
final class RetryWakeups implements AutoCloseable {
    private final DestinationType type;
    private final RetryRecords tiers;
    private final CompactedTopicView<RetryWakeup> view;

    private RetryWakeups(DestinationType type, RetryRecords tiers, CompactedTopicView<RetryWakeup> view) {
        this.type = type;
        this.tiers = tiers;
        this.view = view;
    }

    static RetryWakeups start(KafkaConnection kafka, DestinationType type, RetryRecords tiers, Duration timeout) {
        return new RetryWakeups(
                type, tiers, CompactedTopicView.start(kafka, Topics.RETRY_WAKEUPS, "retry wake-ups", timeout));
    }

    /** Exports the view's consumer's metrics through {@code kafkaMeters} until {@link #close()}. */
    void bindMeters(KafkaClientMeters kafkaMeters) {
        view.bindMeters(kafkaMeters);
    }

    /** Whether {@code p}, read from a retry tier, has a copy that already went to its next attempt. */
    boolean copied(PendingLead p) {
        if (p.offerId() == null || !tiers.isTier(p.partition.topic())) {
            return false;
        }
        return view.get(RetryWakeup.key(type.wireName(), p.offerId()))
                .map(w -> w.copied(p.partition.topic(), p.partition.partition(), p.offset))
                .orElse(false);
    }

    @Override
    public void close() {
        view.close();
    }
}
