package dev.leadpipe.sink.runtime;

import java.time.Duration;
import java.util.function.Supplier;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.retry.WaitingLead;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The sink runtime's meters (names as Micrometer spells them; Prometheus shows {@code leadpipe_sink_outcomes_total}
 * and so on, see {@code docs/monitoring.md}). Tags hold only the destination type, the outcome, the attempt result
 * and the error class: never an offer's settings, an endpoint, an e-mail address, an offer id or a lead id.
 * <ul>
 *   <li>{@value #OUTCOMES} (counter; {@code type}, {@code outcome}, {@code error_class} — {@code none} when
 *       delivered or sent unconfirmed): outcomes written and acknowledged. {@code DEAD_LETTERED} with every error
 *       class, {@code DELIVERED}/{@code none}, {@code SUPPRESSED}/{@code DO_NOT_CONTACT_NOT_DELIVERED} and
 *       {@code SENT_UNCONFIRMED}/{@code none} (a lead a destination took without confirming it kept it: Salesforce
 *       Web-to-Lead; never counted as delivered) are registered at 0 from the start, so that {@code rate()} and
 *       {@code increase()} see the first one;</li>
 *   <li>{@value #ATTEMPTS} (counter; {@code type}, {@code result} = success / transient / permanent / timeout):
 *       delivery calls made;</li>
 *   <li>{@value #RETRIES} (counter; {@code type}, {@code error_class}): failed attempts after which the lead was
 *       set for another attempt (in memory or in a retry tier);</li>
 *   <li>{@value #DEFERRED} (counter; {@code type}, {@code reason} = RETRY / CIRCUIT_OPEN / BUSY): leads written to a
 *       retry tier to wait there (a lead waiting hours is counted once per hop);</li>
 *   <li>{@value #LATENCY} (timer with a histogram; {@code type}): from the lead's {@code receivedAt} (else its first
 *       attempt) to its delivery (or its unconfirmed sending), in the buckets {@link #LATENCY_BUCKETS} (0.1 s … 24 h);</li>
 *   <li>{@value #IN_FLIGHT}, {@value #PARKED}, {@value #QUEUED}, {@value #OPEN_CIRCUITS} (gauges; {@code type}):
 *       leads held in memory (under way, queued for a slot, waiting at most the retry horizon, or being written), of
 *       those the ones waiting in memory for a retry and the ones queued for a slot of their endpoint, and endpoints
 *       whose circuit is not closed.</li>
 * </ul>
 */
final class SinkMetrics {
    static final String OUTCOMES = "leadpipe.sink.outcomes";
    static final String ATTEMPTS = "leadpipe.sink.attempts";
    static final String RETRIES = "leadpipe.sink.retries";
    static final String DEFERRED = "leadpipe.sink.deferred";
    static final String LATENCY = "leadpipe.sink.delivery.latency";
    static final String IN_FLIGHT = "leadpipe.sink.in.flight";
    static final String PARKED = "leadpipe.sink.parked";
    static final String QUEUED = "leadpipe.sink.queued";
    static final String OPEN_CIRCUITS = "leadpipe.sink.circuits.open";

    /** The delivery latency histogram's bucket bounds. */
    static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1),
        Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(6),
        Duration.ofHours(24)
    };

    private final MeterRegistry registry;
    private final String type;
    private final Timer latency;

    SinkMetrics(
            MeterRegistry registry,
            DestinationType type,
            Supplier<Number> inFlight,
            Supplier<Number> parked,
            Supplier<Number> queued,
            Supplier<Number> openCircuits) {
        this.registry = registry;
        this.type = type.wireName();
        this.latency = Timer.builder(LATENCY)
                .description("time from a lead's arrival to its delivery")
                .tag("type", this.type)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
        Gauge.builder(IN_FLIGHT, inFlight)
                .description("leads held in memory and not finished")
                .tag("type", this.type)
                .strongReference(true)
                .register(registry);
        Gauge.builder(PARKED, parked)
                .description("leads waiting in memory for a retry")
                .tag("type", this.type)
                .strongReference(true)
                .register(registry);
        Gauge.builder(QUEUED, queued)
                .description("leads in memory waiting for a free slot of their endpoint")
                .tag("type", this.type)
                .strongReference(true)
                .register(registry);
        Gauge.builder(OPEN_CIRCUITS, openCircuits)
                .description("endpoints whose circuit breaker is not closed")
                .tag("type", this.type)
                .strongReference(true)
                .register(registry);
        outcomeCounter(OutcomeType.DELIVERED, null);
        outcomeCounter(OutcomeType.SUPPRESSED, ErrorClass.DO_NOT_CONTACT_NOT_DELIVERED);
        outcomeCounter(OutcomeType.SENT_UNCONFIRMED, null);
        for (ErrorClass c : ErrorClass.values()) {
            outcomeCounter(OutcomeType.DEAD_LETTERED, c);
        }
    }

    void attempt(String result) {
        Counter.builder(ATTEMPTS)
                .description("delivery calls made")
                .tag("type", type)
                .tag("result", result)
                .register(registry)
                .increment();
    }

    /** A failed attempt after which the lead is parked for another attempt. */
    void retry(ErrorClass errorClass) {
        Counter.builder(RETRIES)
                .description("failed attempts followed by another attempt")
                .tag("type", type)
                .tag("error_class", errorClass.code())
                .register(registry)
                .increment();
    }

    /** A lead written to a retry tier to wait there. */
    void deferred(WaitingLead.Reason reason) {
        Counter.builder(DEFERRED)
                .description("leads written to a retry tier to wait there")
                .tag("type", type)
                .tag("reason", reason.name())
                .register(registry)
                .increment();
    }

    void outcome(OutcomeType outcome, ErrorClass errorClass) {
        outcomeCounter(outcome, errorClass).increment();
    }

    private Counter outcomeCounter(OutcomeType outcome, ErrorClass errorClass) {
        return Counter.builder(OUTCOMES)
                .description("final outcomes written")
                .tag("type", type)
                .tag("outcome", outcome.name())
                .tag("error_class", errorClass == null ? "none" : errorClass.code())
                .register(registry);
    }

    void latency(Duration d) {
        latency.record(d);
    }
}
