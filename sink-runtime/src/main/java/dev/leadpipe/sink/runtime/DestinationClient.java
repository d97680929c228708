package dev.leadpipe.sink.runtime;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.lead.Lead;

/**
 * A destination's client: the only part a sink module writes. It maps a lead to the destination's fields and
 * delivers it; retries, dead-lettering, outcomes, concurrency, circuit breaking and metrics are the
 * {@link SinkRuntime}'s. Implementations must be thread-safe: the runtime calls {@link #deliver} concurrently.
 */
public interface DestinationClient extends AutoCloseable {

    /** The destination type this client delivers to; the runtime consumes that type's delivery topic. */
    DestinationType type();

    /**
     * Delivers one lead, idempotently: delivering the same leadId again (a retry, a replay, a re-delivery after a
     * crash) must not create a second record at the destination (an upsert keyed by leadId).
     *
     * @return the destination's own id of the record, shown to the publisher in the DELIVERED outcome
     * @throws DeliveryException with the classified failure; its detail must already be free of secrets and e-mail
     *                           addresses ({@link dev.leadpipe.core.error.Redaction})
     */
    String deliver(Lead lead, LeadDestination destination) throws DeliveryException;

    /**
     * The endpoint the destination's requests go to (a storage account's table endpoint, a Dataverse instance URL),
     * without any secret. Concurrency caps and circuit breakers are kept per endpoint.
     */
    String endpoint(LeadDestination destination);

    @Override
    default void close() {
    }
}
