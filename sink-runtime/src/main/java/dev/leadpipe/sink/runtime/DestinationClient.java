package dev.leadpipe.sink.runtime;

import java.util.List;

import dev.leadpipe.core.destination.DestinationAddresses;
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
     * Delivers one lead as {@link #deliver} does and says whether the destination confirmed it kept the lead. The
     * runtime calls this one: a {@linkplain DeliveryResult#confirmed confirmed} result becomes {@code DELIVERED}, an
     * {@linkplain DeliveryResult#unconfirmed unconfirmed} one {@code SENT_UNCONFIRMED}. By default every lead
     * {@link #deliver} returns from is confirmed; a client whose destination cannot confirm (Salesforce Web-to-Lead)
     * overrides this.
     *
     * @throws DeliveryException as {@link #deliver}
     */
    default DeliveryResult send(Lead lead, LeadDestination destination) throws DeliveryException {
        return DeliveryResult.confirmed(deliver(lead, destination));
    }

    /**
     * The endpoint the destination's requests go to (a storage account's table endpoint, a Dataverse instance URL),
     * without any secret. Concurrency caps and circuit breakers are kept per endpoint.
     */
    String endpoint(LeadDestination destination);

    /**
     * Checks a destination's configuration against the destination itself, before any lead is sent, for problems
     * that would make every lead fail (a Salesforce Lead object with a required picklist the marketplace cannot
     * fill). Sends no lead. Used when a publisher validates or publishes a configuration.
     *
     * @return one classified failure per problem found (its detail names the field or setting, free of secrets);
     *         empty when none was found or the destination offers no way to check
     */
    default List<DeliveryFailure> preflight(LeadDestination destination) {
        return List.of();
    }

    /**
     * Gives the client the sink's address rule for hosts it learns from the destination itself rather than from the
     * settings (Salesforce's sign-in answers the instance URL later requests go to); the runtime checks the settings'
     * own hosts before each delivery and calls this once when it starts. A client used without a runtime holds such
     * hosts to the form rule only. Does nothing by default.
     */
    default void checkLearnedHostsWith(DestinationAddresses addresses) {}

    @Override
    default void close() {}
}
