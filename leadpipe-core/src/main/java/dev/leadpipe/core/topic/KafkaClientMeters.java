package dev.leadpipe.core.topic;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Exports a service's long-lived Kafka clients' own metrics (Micrometer's Kafka binders, in {@code leadpipe-ops}'s
 * {@code KafkaMeters}); this module has no meter registry, so the classes here that own a client are handed one of
 * these. Each binding returns a handle that removes the client's meters; its owner closes it with the client.
 */
public interface KafkaClientMeters {
    /** Binds nothing: for clients of tools and tests without a registry. */
    KafkaClientMeters NONE = new KafkaClientMeters() {
        @Override
        public Binding bind(Consumer<?, ?> consumer) {
            return () -> {};
        }

        @Override
        public Binding bind(Producer<?, ?> producer) {
            return () -> {};
        }
    };

    /** A bound client's meters; {@link #close()} removes them, and may be called more than once. */
    interface Binding extends AutoCloseable {
        @Override
        void close();
    }

    /** Exports the consumer's metrics until the binding is closed. */
    Binding bind(Consumer<?, ?> consumer);

    /** Exports the producer's metrics until the binding is closed. */
    Binding bind(Producer<?, ?> producer);
}
