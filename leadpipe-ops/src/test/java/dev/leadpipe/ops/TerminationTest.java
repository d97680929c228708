package dev.leadpipe.ops;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TerminationTest {

    @Test
    void closeOnceStopsTheServiceOnceAndReleasesEveryoneWaiting() throws Exception {
        Termination termination = new Termination();
        AtomicInteger stops = new AtomicInteger();
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
            try {
                termination.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        termination.closeOnce(stops::incrementAndGet);
        termination.closeOnce(stops::incrementAndGet);

        waiting.get(10, TimeUnit.SECONDS);
        assertThat(stops).hasValue(1);
        assertThat(termination.isClosed()).isTrue();
    }

    @Test
    void aStopThatFailsStillEndsTheWait() throws Exception {
        Termination termination = new Termination();

        assertThatThrownBy(() -> termination.closeOnce(() -> {
                    throw new IllegalStateException("broker gone");
                }))
                .hasMessage("broker gone");

        CompletableFuture.runAsync(() -> {
                    try {
                        termination.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                })
                .get(10, TimeUnit.SECONDS);
    }
}
