package dev.leadpipe.sink.runtime;

import java.util.List;
import java.util.Map;

import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.destination.DestinationSpecs;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.lead.Lead;

/**
 * A destination client behind the address rule ({@link DestinationAddresses}, from the sink's
 * {@code DESTINATION_ALLOWED_HOSTS}): before each delivery (and each preflight) every host the destination's settings
 * name is resolved again, and when the rule refuses one nothing is sent and the attempt fails
 * {@link ErrorClass#DESTINATION_ADDRESS_REFUSED}, permanent, so the lead is dead-lettered, not retried. This catches
 * a host whose address changed to a private one after the configuration was saved. The failure's detail names the
 * setting and the refused address, never a setting's value. The wrapped client is given the rule too
 * ({@link DestinationClient#checkLearnedHostsWith}) for hosts it learns from the destination. Everything else is the
 * wrapped client's.
 */
final class AddressCheckedClient implements DestinationClient {
    private final DestinationClient client;
    private final DestinationAddresses addresses;

    AddressCheckedClient(DestinationClient client, DestinationAddresses addresses) {
        this.client = client;
        this.addresses = addresses;
        client.checkLearnedHostsWith(addresses);
    }

    @Override
    public DestinationType type() {
        return client.type();
    }

    @Override
    public String deliver(Lead lead, LeadDestination destination) throws DeliveryException {
        refuseUnsafeTargets(destination);
        return client.deliver(lead, destination);
    }

    @Override
    public DeliveryResult send(Lead lead, LeadDestination destination) throws DeliveryException {
        refuseUnsafeTargets(destination);
        return client.send(lead, destination);
    }

    private void refuseUnsafeTargets(LeadDestination destination) throws DeliveryException {
        DeliveryFailure refused = refusal(destination);
        if (refused != null) {
            throw new DeliveryException(refused);
        }
    }

    @Override
    public String endpoint(LeadDestination destination) {
        return client.endpoint(destination);
    }

    @Override
    public List<DeliveryFailure> preflight(LeadDestination destination) {
        DeliveryFailure refused = refusal(destination);
        return refused != null ? List.of(refused) : client.preflight(destination);
    }

    @Override
    public void close() {
        client.close();
    }

    /** The failure when the rule refuses a host of the destination; null when every one may be reached. */
    private DeliveryFailure refusal(LeadDestination destination) {
        if (destination == null || destination.type() == null || destination.settings() == null) {
            return null;
        }
        Map<String, String> problems =
                addresses.problems(DestinationSpecs.of(destination.type()), destination.settings());
        if (problems.isEmpty()) {
            return null;
        }
        Map.Entry<String, String> first = problems.entrySet().iterator().next();
        return new DeliveryFailure(
                ErrorClass.DESTINATION_ADDRESS_REFUSED,
                0,
                null,
                "the " + first.getKey() + " setting " + first.getValue() + "; nothing was sent");
    }
}
