package dev.leadpipe.sink.runtime;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.leadpipe.core.error.SafeErrors;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a {@link SinkRuntime} stops, and closes the {@link SinkParts} it runs on. Draining: before its final commit
 * the consumer thread waits, at most {@link SinkRuntime#CLOSE_GRACE}, for attempts under way and their writes
 * ({@link #awaitWorkUnderWay}). Closing ({@link #close}), in this order: no attempt starts; the consumer thread is woken
 * and awaited (it drains and commits); nothing more is written; the scheduler and attempt threads stop; the producers
 * flush (not when aborting); then the destination catalog, the retry wake-ups, the client, and whatever else was handed
 * over ({@link #closeWith}). Whether and when to close is the runtime's: it calls {@link #close} once.
 */
final class SinkShutdown {
    private static final Logger LOG = LoggerFactory.getLogger(SinkRuntime.class);
    /** How long a producer may take to send what it holds when closing gracefully. */
    private static final Duration PRODUCER_CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final SinkParts parts;
    /** Closed after everything else (the Kafka readiness check). */
    private final List<AutoCloseable> closeWith = new CopyOnWriteArrayList<>();

    SinkShutdown(SinkParts parts) {
        this.parts = parts;
    }

    /** Closes {@code resource} after everything else. */
    void closeWith(AutoCloseable resource) {
        closeWith.add(resource);
    }

    /** Waits, at most {@link SinkRuntime#CLOSE_GRACE}, for attempts and writes under way (the consumer thread). */
    void awaitWorkUnderWay() {
        long deadline = System.nanoTime() + SinkRuntime.CLOSE_GRACE.toNanos();
        while ((parts.dispatcher().attemptsUnderWay() > 0 || parts.writer().underWay() > 0)
                && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Stops the sink's work and closes what it opened.
     *
     * @param abruptly a crash: writes in progress are abandoned at once and the producers drop what they hold
     */
    void close(boolean abruptly) {
        parts.dispatcher().stop();
        if (abruptly) {
            parts.writer().closeAll();
        }
        parts.deliveries().wakeup();
        try {
            if (Thread.currentThread() != parts.consumerThread()) {
                parts.deliveries().awaitStopped(SinkRuntime.CLOSE_GRACE.plusSeconds(20));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        parts.writer().closeAll(); // from here on nothing is written: an interrupted call cannot end its lead
        parts.scheduler().shutdownNow();
        parts.workers().shutdownNow();
        parts.kafkaMeters().close();
        for (Producer<String, byte[]> producer : parts.producers()) {
            try {
                producer.close(abruptly ? Duration.ZERO : PRODUCER_CLOSE_TIMEOUT);
            } catch (RuntimeException e) {
                LOG.warn("closing a sink producer failed: {}", SafeErrors.describe(e));
            }
        }
        parts.catalog().close();
        parts.wakeups().close();
        SinkStartup.closeQuietly(parts.client());
        closeWith.forEach(SinkStartup::closeQuietly);
    }
}
