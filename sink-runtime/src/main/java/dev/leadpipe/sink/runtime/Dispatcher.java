package dev.leadpipe.sink.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

import dev.leadpipe.core.destination.DestinationCatalog;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.error.SafeErrors;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.retry.WaitingLead;
import dev.leadpipe.core.secret.SecretKeyring;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes each lead the consumer read to its end: asks {@link DestinationLookup} where it goes at this attempt, lets the
 * endpoint's {@link EndpointLane} decide whether it is attempted now, queued, or held back (when a held-back lead looks
 * again: {@link HoldPolicy}), runs the {@link Attempt}, and after it asks {@link RetryPolicy}:
 * <ul>
 *   <li>not to be sent (a do-not-contact lead to a record-only destination): {@code SUPPRESSED}, no attempt;</li>
 *   <li>delivered: {@code DELIVERED}, or {@code SENT_UNCONFIRMED} when the destination could not confirm it kept the
 *       lead ({@link DeliveryResult}; {@link OutcomeWriter});</li>
 *   <li>transient failure, next attempt within the retry horizon: the lead waits in memory (a timer);</li>
 *   <li>transient failure, next attempt further away; the endpoint's circuit open; or the endpoint busy: the lead is
 *       written to a retry tier ({@link RetryTierWriter}) and its offset released;</li>
 *   <li>permanent failure, or the budget spent: dead-lettered ({@link OutcomeWriter}).</li>
 * </ul>
 * A lead is finished (its offset may be committed) once what it ended with is acknowledged by Kafka; the leads held in
 * memory until then, their waits and their finishing are {@link UnfinishedLeads}'. Nothing is written for a lead whose
 * partition was revoked, and while closing a transient failure leaves the lead unfinished (it is read again) rather
 * than being retried or dead-lettered. Runs on the consumer, scheduler and attempt threads.
 */
final class Dispatcher implements Attempt.Result {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    /** What the dispatcher works with. */
    record Parts(
            SinkConfig config,
            DestinationClient client,
            DestinationCatalog catalog,
            SecretKeyring keyring,
            RetryPolicy policy,
            Clock clock,
            SinkMetrics metrics,
            ScheduledExecutorService scheduler,
            ExecutorService workers,
            OutcomeWriter outcomes,
            RetryTierWriter tiers,
            CircuitReporter circuits,
            RetryWakeups wakeups,
            OffsetTracker offsets,
            Runnable commitSoon,
            IntSupplier writesUnderWay) {}

    private final Parts parts;
    private final SinkConfig config;
    private final DestinationType type;
    private final Clock clock;
    private final SinkMetrics metrics;

    private final DestinationLookup destinations;
    private final HoldPolicy holds;
    private final EndpointLanes lanes;
    private final SecondCopies secondCopies;
    private final UnfinishedLeads leads;
    private final AtomicInteger attemptsUnderWay = new AtomicInteger();
    private volatile boolean stopping;

    Dispatcher(Parts parts) {
        this.parts = parts;
        this.config = parts.config();
        this.type = parts.client().type();
        this.clock = parts.clock();
        this.metrics = parts.metrics();
        this.destinations = new DestinationLookup(parts.catalog(), parts.keyring(), type);
        this.holds = new HoldPolicy(config, parts.policy(), clock);
        this.lanes = new EndpointLanes(config, clock);
        this.secondCopies = new SecondCopies(parts.wakeups()::copied);
        this.leads = new UnfinishedLeads(
                clock, parts.scheduler(), metrics, secondCopies, parts.offsets(), parts.commitSoon(), this::dispatch);
    }

    // ---------------------------------------------------------------- arrival

    /** A record the consumer read and this sink is to work on (consumer thread). */
    void accept(PendingLead p) {
        leads.add(p);
        if (p.lead == null) {
            deadLetter(p, null, new DeliveryFailure(ErrorClass.MALFORMED_RECORD, 0, null, unreadable(p)), "unreadable");
            return;
        }
        RetryRecords.restore(p);
        String skipped = secondCopies.skipReason(p);
        if (skipped != null) {
            LOG.debug("lead {} skipped: {}", p.leadId(), skipped);
            leads.finish(p, null, null);
            return;
        }
        Instant now = clock.instant();
        if (p.nextAttemptAt != null && p.nextAttemptAt.isAfter(now)) {
            if (Duration.between(now, p.nextAttemptAt).compareTo(config.retryHorizon()) > 0) {
                defer(p, p.reason, p.nextAttemptAt, null); // another hop through the tiers
            } else {
                leads.park(p, p.nextAttemptAt);
            }
            return;
        }
        dispatch(p, false);
    }

    private static String unreadable(PendingLead p) {
        return p.raw == null
                ? "the record on " + p.partition.topic() + " has no value"
                : "the record on " + p.partition.topic() + " is not a readable lead";
    }

    /**
     * Sends a lead on its way: resolves its offer's current destination and asks that endpoint's lane.
     *
     * @param front whether a lead that must queue for a slot goes to the front (it came back from the queue)
     */
    void dispatch(PendingLead p, boolean front) {
        if (p.cancelled || stopping) {
            return;
        }
        LeadDestination destination = null;
        try {
            switch (destinations.route(p)) {
                case DestinationLookup.AwaitCatalog() -> {
                    leads.park(p, clock.instant().plus(DestinationLookup.DESTINATION_GRACE));
                    return;
                }
                case DestinationLookup.Undeliverable u -> {
                    deadLetter(p, u.destination(), u.failure(), u.why());
                    return;
                }
                case DestinationLookup.NotSent n -> {
                    notSent(p, n);
                    return;
                }
                case DestinationLookup.Deliver d -> destination = d.destination();
            }
            EndpointLane lane = lanes.get(parts.client().endpoint(destination));
            if (p.tokenLane != null && p.tokenLane != lane) {
                leads.returnToken(p); // its destination moved to another endpoint
            }
            EndpointLane.Admission admission = lane.admit(p, front, config.retryHorizon(), lanes.share(lane));
            parts.circuits().reportTransitions(lane); // an open circuit whose time is up may have become half-open
            switch (admission) {
                case START -> startAttempt(p, destination, lane);
                case QUEUED -> {
                    if (lane.wantsCommit()) {
                        parts.commitSoon().run(); // it waits for a token only a commit gives back
                    }
                }
                case CIRCUIT_OPEN -> hold(p, destination, lane, WaitingLead.Reason.CIRCUIT_OPEN);
                case BUSY -> hold(p, destination, lane, WaitingLead.Reason.BUSY);
            }
        } catch (RuntimeException e) {
            LOG.error("lead {} of offer {}: dispatching failed: {}", p.leadId(), p.offerId(), SafeErrors.describe(e));
            failed(
                    p,
                    destination,
                    null,
                    new DeliveryFailure(
                            ErrorClass.UNKNOWN,
                            0,
                            null,
                            "the sink failed to dispatch the lead: "
                                    + e.getClass().getName()),
                    "error");
        }
    }

    // ---------------------------------------------------------------- waiting

    /** Holds back a lead its lane did not let through: it waits in a retry tier, or is dead-lettered once its budget is spent. */
    private void hold(PendingLead p, LeadDestination destination, EndpointLane lane, WaitingLead.Reason reason) {
        if (holds.hold(p, lane, reason) instanceof RetryPolicy.Retry retry) {
            defer(p, reason, retry.at(), destination);
        } else {
            DeliveryFailure last = p.lastFailure != null
                    ? p.lastFailure
                    : new DeliveryFailure(ErrorClass.UNKNOWN, 0, null, "the endpoint's circuit breaker stayed open");
            deadLetter(p, destination, last, "time exhausted while held back");
        }
    }

    private void defer(PendingLead p, WaitingLead.Reason reason, Instant at, LeadDestination destination) {
        WaitingLead.Reason why = reason == null ? WaitingLead.Reason.RETRY : reason;
        parts.tiers().defer(p, why, at, destination, () -> {
            metrics.deferred(why);
            leads.finish(p, null, null);
        });
    }

    // ---------------------------------------------------------------- attempts

    private void startAttempt(PendingLead p, LeadDestination destination, EndpointLane lane) {
        p.attempts++;
        if (p.firstAttemptAt == null) {
            p.firstAttemptAt = clock.instant();
        }
        attemptsUnderWay.incrementAndGet();
        try {
            parts.workers()
                    .execute(new Attempt(
                            p, destination, lane, parts.client(), parts.scheduler(), config.attemptTimeout(), this));
        } catch (RejectedExecutionException e) {
            attemptsUnderWay.decrementAndGet();
            lane.releaseUnused(p.admittedAt); // shutting down: the lead stays unfinished and is read again
        }
    }

    @Override
    public void succeeded(PendingLead p, EndpointLane lane, DeliveryResult delivered) {
        if (lane.breaker.onSuccess()) {
            LOG.info("circuit of the {} endpoint of offer {} closed again", type.wireName(), p.offerId());
        }
        parts.circuits().reportTransitions(lane);
        metrics.attempt("success");
        if (p.cancelled) {
            return; // revoked: the new owner delivers it again, idempotently, and writes the outcome
        }
        Duration latency = parts.outcomes().latency(p);
        OutcomeType outcome = delivered.confirmed() ? OutcomeType.DELIVERED : OutcomeType.SENT_UNCONFIRMED;
        LOG.debug("lead {} of offer {} {} after {} attempt(s)", p.leadId(), p.offerId(), outcome, p.attempts);
        parts.outcomes().delivered(p, delivered, () -> {
            metrics.latency(latency.isNegative() ? Duration.ZERO : latency);
            leads.finish(p, outcome, null);
        });
    }

    /** A failed attempt (or dispatch, when {@code lane} is null): tells the breaker, then retries or dead-letters. */
    @Override
    public void failed(
            PendingLead p, LeadDestination destination, EndpointLane lane, DeliveryFailure failure, String result) {
        if (lane != null) {
            metrics.attempt(result);
            if (failure.isTransient()) {
                if (lane.breaker.onTransientFailure(failure)) {
                    LOG.warn(
                            "circuit of the {} endpoint of offer {} opened for {}: {} consecutive transient "
                                    + "failures, the last {}{}",
                            type.wireName(),
                            p.offerId(),
                            config.breakerOpenDuration(),
                            config.breakerFailureThreshold(),
                            failure.errorClass(),
                            statusText(failure));
                }
            } else if (lane.breaker.onPermanentFailure()) {
                LOG.info(
                        "circuit of the {} endpoint of offer {} closed again (it answered)",
                        type.wireName(),
                        p.offerId());
            }
            parts.circuits().reportTransitions(lane);
        }
        p.recordFailure(failure, clock.instant());
        if (p.cancelled || (stopping && failure.isTransient())) {
            return; // revoked, or closing: the lead stays unfinished and is read again
        }
        RetryPolicy.Decision decision = parts.policy().decide(failure, p.attempts, p.budgetStart);
        if (decision instanceof RetryPolicy.Retry retry) {
            LOG.info(
                    "lead {} of offer {}: attempt {} failed with {}{}; next attempt at {}",
                    p.leadId(),
                    p.offerId(),
                    p.attempts,
                    failure.errorClass(),
                    statusText(failure),
                    retry.at());
            if (lane != null) {
                metrics.retry(failure.errorClass());
            }
            if (Duration.between(clock.instant(), retry.at()).compareTo(config.retryHorizon()) > 0) {
                defer(p, WaitingLead.Reason.RETRY, retry.at(), destination);
            } else {
                leads.park(p, retry.at());
            }
        } else {
            RetryPolicy.GiveUp giveUp = (RetryPolicy.GiveUp) decision;
            deadLetter(
                    p,
                    destination,
                    failure,
                    giveUp.reason().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + statusText(failure));
        }
    }

    @Override
    public void returned(EndpointLane lane, long admittedNanos) {
        attemptsUnderWay.decrementAndGet();
        leads.redispatch(lane.release(admittedNanos));
    }

    private static String statusText(DeliveryFailure f) {
        return f.httpStatus() > 0 ? " (HTTP " + f.httpStatus() + ")" : "";
    }

    // ---------------------------------------------------------------- ends

    private void deadLetter(PendingLead p, LeadDestination destination, DeliveryFailure failure, String why) {
        parts.outcomes()
                .deadLettered(
                        p,
                        destination,
                        failure,
                        why,
                        () -> leads.finish(p, OutcomeType.DEAD_LETTERED, failure.errorClass()));
    }

    private void notSent(PendingLead p, DestinationLookup.NotSent n) {
        LOG.info("lead {} of offer {} not sent: {}", p.leadId(), p.offerId(), n.errorClass());
        parts.outcomes().notSent(p, n.errorClass(), () -> leads.finish(p, OutcomeType.SUPPRESSED, n.errorClass()));
    }

    // ---------------------------------------------------------------- partitions and lifecycle

    /** Partitions are being revoked or were lost: nothing more starts or is written for their leads. */
    void cancel(Collection<TopicPartition> partitions) {
        leads.cancel(partitions);
    }

    /** Forgets the leads of partitions that are gone (after {@link #cancel}): their next owner reads them again. */
    void drop(Collection<TopicPartition> partitions) {
        leads.drop(partitions);
        lanes.purgeCancelled();
    }

    /** Closing: no attempt starts from now on; transient failures leave their leads unfinished. */
    void stop() {
        stopping = true;
    }

    /** Leads held in memory and not finished. */
    int inFlight() {
        return leads.size();
    }

    /** Leads waiting in memory for a retry, a destination or a short wait. */
    int parked() {
        return leads.parked();
    }

    /** Leads held in memory other than those whose end is being written (those are bounded by the producers' buffers). */
    int resident() {
        return leads.size() - parts.writesUnderWay().getAsInt();
    }

    /** Leads queued in memory for a slot of their endpoint. */
    int queued() {
        return lanes.queued();
    }

    int attemptsUnderWay() {
        return attemptsUnderWay.get();
    }

    /** Endpoints whose circuit is not closed. */
    long openCircuits() {
        return lanes.openCircuits();
    }
}
