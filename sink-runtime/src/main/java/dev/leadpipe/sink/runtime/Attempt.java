package dev.leadpipe.sink.runtime;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.error.SafeErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One delivery call, run on its own (virtual) thread. Whichever ends first, the call or its timeout, settles the lead
 * and reports to the {@link Result}; the call's slot is given back to its lane only when the call really returns, so
 * an endpoint never has more calls under way than its cap. A call past the timeout is interrupted and counts as a
 * transient failure.
 */
final class Attempt implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Attempt.class);

    /** Where an attempt's end goes. */
    interface Result {
        void succeeded(PendingLead p, EndpointLane lane, DeliveryResult delivered);

        /** @param result the attempts meter's result: transient, permanent or timeout */
        void failed(
                PendingLead p, LeadDestination destination, EndpointLane lane, DeliveryFailure failure, String result);

        /** The call its lane let through at {@code admittedNanos} returned: its slot is free. */
        void returned(EndpointLane lane, long admittedNanos);
    }

    private final PendingLead p;
    private final LeadDestination destination;
    private final EndpointLane lane;
    private final DestinationClient client;
    private final ScheduledExecutorService scheduler;
    private final Duration timeout;
    private final Result result;
    private final long admittedAt;
    private final AtomicBoolean settled = new AtomicBoolean();
    private volatile Thread thread;

    Attempt(
            PendingLead p,
            LeadDestination destination,
            EndpointLane lane,
            DestinationClient client,
            ScheduledExecutorService scheduler,
            Duration timeout,
            Result result) {
        this.p = p;
        this.destination = destination;
        this.lane = lane;
        this.client = client;
        this.scheduler = scheduler;
        this.timeout = timeout;
        this.result = result;
        this.admittedAt = p.admittedAt;
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        ScheduledFuture<?> timer = null;
        try {
            timer = scheduler.schedule(this::timeout, timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // shutting down; the call still runs
        }
        try {
            DeliveryResult delivered = client.send(p.lead, destination);
            if (settled.compareAndSet(false, true)) {
                result.succeeded(p, lane, delivered);
            }
        } catch (DeliveryException e) {
            if (settled.compareAndSet(false, true)) {
                DeliveryFailure f = e.failure();
                result.failed(p, destination, lane, f, f.isTransient() ? "transient" : "permanent");
            }
        } catch (Throwable e) {
            if (settled.compareAndSet(false, true)) {
                LOG.warn(
                        "lead {} of offer {}: the {} client failed: {}",
                        p.leadId(),
                        p.offerId(),
                        client.type().wireName(),
                        SafeErrors.describe(e));
                result.failed(
                        p,
                        destination,
                        lane,
                        new DeliveryFailure(
                                ErrorClass.UNKNOWN,
                                0,
                                null,
                                "the destination client failed: " + e.getClass().getName()),
                        "transient");
            }
        } finally {
            if (timer != null) {
                timer.cancel(false);
            }
            result.returned(lane, admittedAt);
        }
    }

    private void timeout() {
        if (settled.compareAndSet(false, true)) {
            Thread t = thread;
            if (t != null) {
                t.interrupt();
            }
            LOG.warn(
                    "lead {} of offer {}: no answer within {}; the call was interrupted",
                    p.leadId(),
                    p.offerId(),
                    timeout);
            result.failed(
                    p,
                    destination,
                    lane,
                    new DeliveryFailure(
                            ErrorClass.UNKNOWN, 0, null, "no answer within the attempt timeout of " + timeout),
                    "timeout");
        }
    }
}
