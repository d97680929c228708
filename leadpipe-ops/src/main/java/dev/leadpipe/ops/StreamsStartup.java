package dev.leadpipe.ops;

import java.time.Duration;

import dev.leadpipe.core.topic.KafkaClientMeters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import org.apache.kafka.streams.KafkaStreams;

/** Start-up of a Kafka Streams service (the router, the status service): waiting until it really runs. */
public final class StreamsStartup {
    private StreamsStartup() {}

    /**
     * Exports the metrics of {@code streams} and of its clients on {@code registry} through Micrometer's
     * {@link KafkaStreamsMetrics} ({@code kafka_stream_*}, {@code kafka_consumer_*}, {@code kafka_producer_*}...);
     * the binding removes them, closed with the streams.
     */
    public static KafkaClientMeters.Binding bindMeters(KafkaStreams streams, MeterRegistry registry) {
        KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams);
        return KafkaMeters.bind(registry, binder, binder::close);
    }

    /**
     * Returns once {@code streams} (already started) is RUNNING.
     *
     * @param what the service in messages, e.g. "router"
     * @throws IllegalStateException when it stops or fails while starting, is not RUNNING within {@code timeout},
     *                               or the waiting thread is interrupted; the message names the state
     */
    public static void awaitRunning(KafkaStreams streams, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            KafkaStreams.State state = streams.state();
            if (state == KafkaStreams.State.RUNNING) {
                return;
            }
            if (state == KafkaStreams.State.ERROR
                    || state == KafkaStreams.State.NOT_RUNNING
                    || state == KafkaStreams.State.PENDING_ERROR
                    || state == KafkaStreams.State.PENDING_SHUTDOWN) {
                throw new IllegalStateException("the " + what + " stopped while starting (state " + state + ")");
            }
            if (System.nanoTime() >= deadline) {
                throw new IllegalStateException(
                        "the " + what + " was not running after " + timeout + " (state " + state + ")");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting the " + what, e);
            }
        }
    }
}
