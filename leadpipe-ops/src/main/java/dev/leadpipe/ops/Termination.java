package dev.leadpipe.ops;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How a {@link ServiceProcess.Service} ends: its {@code close()} does its work at most once, and
 * {@link ServiceProcess.Service#awaitTermination()} returns once the service closed or stopped by itself.
 * <pre>{@code
 * public void awaitTermination() throws InterruptedException { termination.await(); }
 * public void close() { termination.closeOnce(() -> ... stop everything ...); }
 * }</pre>
 */
public final class Termination {
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);

    /** True for the first caller only, who then closes the service; false once it is closing or closed. */
    public boolean beginClose() {
        return closed.compareAndSet(false, true);
    }

    /**
     * Runs {@code stop} for the first caller only, then marks the service {@link #terminated()}, also when
     * {@code stop} throws; a later caller returns at once.
     */
    public void closeOnce(Runnable stop) {
        if (!beginClose()) {
            return;
        }
        try {
            stop.run();
        } finally {
            terminated();
        }
    }

    /** Whether closing has begun. */
    public boolean isClosed() {
        return closed.get();
    }

    /** The service has stopped: closed, or by itself. Releases every {@link #await()}. */
    public void terminated() {
        terminated.countDown();
    }

    /** Blocks until {@link #terminated()}. */
    public void await() throws InterruptedException {
        terminated.await();
    }
}
