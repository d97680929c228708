package dev.leadpipe.sink.runtime;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import dev.leadpipe.core.error.SafeErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a sink's consumer thread ({@link DeliveryConsumer}) has reported, and what follows from it: its first partition
 * assignment (which {@link SinkRuntime#start} waits for), its last completed poll, and an unrecoverable failure. It
 * answers the consumer's part of the sink's readiness ({@link #problem}); whether the sink is closed is the runtime's.
 * Thread-safe: reported by the consumer thread, read by any.
 */
final class ConsumerStatus {
    private static final Logger LOG = LoggerFactory.getLogger(SinkRuntime.class);

    private final SinkConfig config;
    private final DestinationClient client;
    private final CountDownLatch firstAssignment = new CountDownLatch(1);
    private volatile long lastPollNanos = System.nanoTime();
    private volatile Throwable failure;

    ConsumerStatus(SinkConfig config, DestinationClient client) {
        this.config = config;
        this.client = client;
    }

    /** The consumer got its first (or a later) partition assignment. */
    void assigned() {
        firstAssignment.countDown();
    }

    /** The consumer completed a poll. */
    void polled() {
        lastPollNanos = System.nanoTime();
    }

    /** The consumer stopped after an unrecoverable error: logged once, kept for {@link #failure()}. */
    void failed(Throwable e) {
        failure = e;
        LOG.error(
                "sink {} consumer stopped after an unrecoverable error: {}",
                client.type().wireName(),
                SafeErrors.describe(e));
    }

    /** What stopped the consumer, or null. */
    Throwable failure() {
        return failure;
    }

    /**
     * Waits for the first partition assignment.
     *
     * @param stopped whether the consumer thread has ended (closed, or failed)
     * @throws IllegalStateException if the consumer stopped first, or nothing was assigned within {@code timeout}
     */
    void awaitFirstAssignment(BooleanSupplier stopped, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (!firstAssignment.await(50, TimeUnit.MILLISECONDS)) {
                if (stopped.getAsBoolean()) {
                    throw new IllegalStateException("the sink's consumer stopped while starting: "
                            + (failure == null ? "closed" : SafeErrors.describe(failure)));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the sink did not join consumer group "
                            + config.groupIdFor(client.type()) + " within " + timeout);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the sink", e);
        }
    }

    /**
     * Why the consumer keeps the sink from being ready at {@code nowNanos} ({@link System#nanoTime()}), or null: it
     * stopped after an unrecoverable error, has not joined its group yet, or has not completed a poll for more than
     * {@link SinkRuntime#MAX_POLL_AGE}.
     *
     * @param stopped whether the consumer thread has ended
     */
    String problem(long nowNanos, boolean stopped) {
        if (failure != null || stopped) {
            return "the sink's consumer stopped after an unrecoverable error";
        }
        if (firstAssignment.getCount() > 0) {
            return "the sink has not joined consumer group " + config.groupIdFor(client.type()) + " yet";
        }
        long sincePoll = nowNanos - lastPollNanos;
        if (sincePoll > SinkRuntime.MAX_POLL_AGE.toNanos()) {
            return "the sink's consumer has not polled for " + TimeUnit.NANOSECONDS.toSeconds(sincePoll) + " s";
        }
        return null;
    }
}
