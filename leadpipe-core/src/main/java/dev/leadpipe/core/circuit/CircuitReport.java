package dev.leadpipe.core.circuit;

import java.time.Instant;

import dev.leadpipe.core.error.ErrorClass;

/**
 * A sink's circuit breaker changed state for an endpoint that this offer's leads use. Written by the sink runtime to
 * {@code destination-circuits} keyed by offer id, so the latest record of an offer is its destination's circuit.
 * Holds no endpoint, setting or secret.
 *
 * @param offerId         the offer whose leads use the endpoint
 * @param destinationType the destination type's wire name
 * @param state           the breaker's new state
 * @param since           when it entered that state
 * @param errorClass      the last transient failure's class when OPEN; null when CLOSED
 */
public record CircuitReport(String offerId, String destinationType, State state, Instant since, ErrorClass errorClass) {

    /** A circuit breaker's states; HALF_OPEN lets one trial call through. */
    public enum State {
        CLOSED,
        OPEN,
        HALF_OPEN
    }
}
