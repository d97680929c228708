package dev.leadpipe.sink.runtime;

import java.time.Duration;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.outcome.OutcomeType;

/**
 * The sink runtime's meters. Tags hold only the destination type, the outcome, the attempt result and the error
 * class: never an offer's settings, an endpoint, an e-mail address or a lead id.
 * <ul>
 *   <li>{@value #OUTCOMES} (counter; {@code type}, {@code outcome}, {@code error_class} — {@code none} when
 *       delivered): outcomes written and acknowledged;</li>
 *   <li>{@value #ATTEMPTS} (counter; {@code type}, {@code result} = success / transient / permanent / timeout):
 *       delivery calls made;</li>
 *   <li>{@value #LATENCY} (timer; {@code type}): from the lead's {@code receivedAt} (else its first attempt) to its
 *       delivery;</li>
 *   <li>{@value #IN_FLIGHT}, {@value #PARKED}, {@value #OPEN_CIRCUITS} (gauges; {@code type}): leads received and not
 *       finished, leads waiting for a retry or an open circuit, endpoints whose circuit is not closed.</li>
 * </ul>
 */
final class SinkMetrics {
    static final String OUTCOMES = "leadpipe.sink.outcomes";
    static final String ATTEMPTS = "leadpipe.sink.attempts";
    static final String LATENCY = "leadpipe.sink.delivery.latency";
    static final String IN_FLIGHT = "leadpipe.sink.in.flight";
    static final String PARKED = "leadpipe.sink.parked";
    static final String OPEN_CIRCUITS = "leadpipe.sink.circuits.open";

    private final MeterRegistry registry;
    private final String type;
    private final Timer latency;

    SinkMetrics(MeterRegistry registry, DestinationType type, Supplier<Number> inFlight, Supplier<Number> parked,
                Supplier<Number> openCircuits) {
        this.registry = registry;
        this.type = type.wireName();
        this.latency = Timer.builder(LATENCY).description("time from a lead's arrival to its delivery")
                .tag("type", this.type).register(registry);
        Gauge.builder(IN_FLIGHT, inFlight).description("leads received and not finished").tag("type", this.type)
                .strongReference(true).register(registry);
        Gauge.builder(PARKED, parked).description("leads waiting for a retry or an open circuit")
                .tag("type", this.type).strongReference(true).register(registry);
        Gauge.builder(OPEN_CIRCUITS, openCircuits).description("endpoints whose circuit breaker is not closed")
                .tag("type", this.type).strongReference(true).register(registry);
    }

    void attempt(String result) {
        Counter.builder(ATTEMPTS).tag("type", type).tag("result", result).register(registry).increment();
    }

    void outcome(OutcomeType outcome, ErrorClass errorClass) {
        Counter.builder(OUTCOMES).tag("type", type).tag("outcome", outcome.name())
                .tag("error_class", errorClass == null ? "none" : errorClass.code()).register(registry).increment();
    }

    void latency(Duration d) {
        latency.record(d);
    }
}
