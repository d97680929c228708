package dev.leadpipe.sink.runtime;

import java.util.List;
import java.util.function.BooleanSupplier;

import dev.leadpipe.core.circuit.CircuitReport;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.error.SafeErrors;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes each transition of an endpoint's circuit breaker to {@code destination-circuits}: one {@link CircuitReport}
 * per offer whose leads used the endpoint (offer, type, state, since, error class: no endpoint, setting or secret),
 * fire-and-forget: a report that cannot be written is logged and lost, and never holds up a lead.
 */
final class CircuitReporter {
    private static final Logger LOG = LoggerFactory.getLogger(CircuitReporter.class);

    private final DestinationType type;
    private final Producer<String, byte[]> producer;
    private final BooleanSupplier closed;

    CircuitReporter(DestinationType type, Producer<String, byte[]> producer, BooleanSupplier closed) {
        this.type = type;
        this.producer = producer;
        this.closed = closed;
    }

    /**
     * Publishes the lane's breaker state for every offer seen on it if it changed since the last report. Called after
     * every call that may change it; under a lock that reads the state anew, so the last report written is always the
     * breaker's latest state.
     */
    void reportTransitions(EndpointLane lane) {
        if (lane.breaker.snapshot().generation() == lane.reportedGeneration) {
            return;
        }
        synchronized (lane.reportLock) {
            CircuitBreaker.Snapshot state = lane.breaker.snapshot();
            if (state.generation() == lane.reportedGeneration) {
                return;
            }
            lane.reportedGeneration = state.generation();
            publish(state, List.copyOf(lane.offers));
        }
    }

    private void publish(CircuitBreaker.Snapshot state, List<String> offerIds) {
        if (closed.getAsBoolean()) {
            return;
        }
        CircuitReport.State reported = CircuitReport.State.valueOf(state.state().name());
        ErrorClass errorClass = state.state() == CircuitBreaker.State.CLOSED || state.lastFailure() == null
                ? null
                : state.lastFailure().errorClass();
        LOG.debug("sink {}: circuit {} reported for offer(s) {}", type.wireName(), reported, offerIds);
        for (String offerId : offerIds) {
            CircuitReport report = new CircuitReport(offerId, type.wireName(), reported, state.since(), errorClass);
            try {
                byte[] value = Topics.DESTINATION_CIRCUITS
                        .valueSerde()
                        .serializer()
                        .serialize(Topics.DESTINATION_CIRCUITS.name(), report);
                producer.send(new ProducerRecord<>(Topics.DESTINATION_CIRCUITS.name(), offerId, value), (md, e) -> {
                    if (e != null) {
                        failed(reported, offerId, e);
                    }
                });
            } catch (RuntimeException e) {
                failed(reported, offerId, e);
            }
        }
    }

    private void failed(CircuitReport.State reported, String offerId, Exception e) {
        LOG.warn(
                "sink {}: the circuit report {} of offer {} was not written: {}",
                type.wireName(),
                reported,
                offerId,
                SafeErrors.describe(e));
    }
}
