package dev.leadpipe.ops;

import java.util.concurrent.atomic.AtomicBoolean;

import dev.leadpipe.core.topic.KafkaClientMeters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * A service's Kafka clients' own metrics on its registry, through Micrometer's {@link KafkaClientMetrics}: meters
 * named {@code kafka.producer.*} and {@code kafka.consumer.*} ({@code kafka_producer_*}, {@code kafka_consumer_*} in
 * Prometheus), tagged with the client's {@code client.id} and the service's tags. Kafka Streams are bound by
 * {@link StreamsStartup#bindMeters}. A binding's {@code close()} removes its meters (and stops the binder's refresh
 * thread); its owner closes it with the client.
 */
public final class KafkaMeters implements KafkaClientMeters {
    private final MeterRegistry registry;

    private KafkaMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Bindings on {@code registry}. */
    public static KafkaMeters on(MeterRegistry registry) {
        return new KafkaMeters(registry);
    }

    @Override
    public Binding bind(Consumer<?, ?> consumer) {
        KafkaClientMetrics binder = new KafkaClientMetrics(consumer);
        return bind(registry, binder, binder::close);
    }

    @Override
    public Binding bind(Producer<?, ?> producer) {
        KafkaClientMetrics binder = new KafkaClientMetrics(producer);
        return bind(registry, binder, binder::close);
    }

    /** Binds {@code binder} to {@code registry}; the binding runs {@code close} once. */
    static Binding bind(MeterRegistry registry, MeterBinder binder, Runnable close) {
        binder.bindTo(registry);
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                close.run();
            }
        };
    }
}
