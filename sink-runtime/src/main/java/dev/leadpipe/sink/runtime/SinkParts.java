package dev.leadpipe.sink.runtime;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import dev.leadpipe.core.destination.DestinationCatalog;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.secret.SecretKeyring;
import dev.leadpipe.core.topic.KafkaClientMeters;
import dev.leadpipe.core.topic.TopicSpec;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.ops.KafkaMeters;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

/**
 * What a sink runs on, wired together by {@link #open}: the retry wake-ups, its Kafka clients
 * ({@link SinkKafkaClients}), the scheduler and attempt threads, the {@link LeadWriter}, the {@link Dispatcher} with
 * its writers, policy and meters, and the {@link DeliveryConsumer} on its consumer thread (not started yet).
 * {@link SinkRuntime} runs them; {@link SinkShutdown} closes them, in the order of this record's components.
 *
 * @param kafkaMeters the metrics of the producers and the consumer on the sink's registry
 * @param producers the outcome producer, then the retry producer
 */
record SinkParts(
        Dispatcher dispatcher,
        DeliveryConsumer deliveries,
        Thread consumerThread,
        LeadWriter writer,
        ExecutorService scheduler,
        ExecutorService workers,
        KafkaClientMeters.Binding kafkaMeters,
        List<? extends Producer<String, byte[]>> producers,
        DestinationCatalog catalog,
        RetryWakeups wakeups,
        DestinationClient client) {

    /**
     * Opens and wires a sink's parts; if its Kafka clients cannot be opened, closes the retry wake-ups it started before
     * throwing.
     *
     * @param lifecycle        what the consumer thread tells the runtime
     * @param runtimeClosed whether the runtime is closed or aborting (then circuit transitions are no longer reported)
     */
    static SinkParts open(
            SinkConfig config,
            DestinationClient client,
            MeterRegistry registry,
            DestinationCatalog catalog,
            SecretKeyring keyring,
            Clock clock,
            DeliveryConsumer.Lifecycle lifecycle,
            BooleanSupplier runtimeClosed) {
        DestinationType type = client.type();
        String clientId = "leadpipe-sink-" + type.wireName() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        TopicSpec<String, ?> deliveryTopic = Topics.deliveryTopic(type);
        RetryRecords retryRecords = new RetryRecords(type, config.retryTiers());
        RetryWakeups wakeups = RetryWakeups.start(config.kafka(), type, retryRecords, SinkRuntime.START_TIMEOUT);

        SinkKafkaClients.Opened kafka;
        try {
            kafka = SinkKafkaClients.open(config, clientId, type);
        } catch (RuntimeException e) {
            wakeups.close();
            throw e;
        }
        KafkaProducer<String, byte[]> outcomeProducer = kafka.outcomes();
        KafkaProducer<String, byte[]> retryProducer = kafka.retries();
        KafkaConsumer<String, byte[]> consumer = kafka.consumer();
        KafkaMeters meters = KafkaMeters.on(registry);
        wakeups.bindMeters(meters);
        List<KafkaClientMeters.Binding> bindings =
                List.of(meters.bind(outcomeProducer), meters.bind(retryProducer), meters.bind(consumer));
        KafkaClientMeters.Binding kafkaMeters = () -> bindings.forEach(KafkaClientMeters.Binding::close);
        int dlqPartitions = kafka.dlqPartitions();

        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(
                1,
                r -> Thread.ofPlatform()
                        .daemon()
                        .name("sink-" + type.wireName() + "-scheduler")
                        .unstarted(r));
        scheduler.setRemoveOnCancelPolicy(true);
        ExecutorService workers = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("sink-" + type.wireName() + "-work-", 0).factory());
        LeadWriter writer = new LeadWriter(workers, scheduler);
        OffsetTracker offsets = new OffsetTracker();
        AtomicReference<DeliveryConsumer> consumerRef = new AtomicReference<>();
        AtomicReference<Dispatcher> dispatcherRef = new AtomicReference<>();
        SinkMetrics metrics = new SinkMetrics(
                registry,
                type,
                () -> dispatcherRef.get().inFlight(),
                () -> dispatcherRef.get().parked(),
                () -> dispatcherRef.get().queued(),
                () -> dispatcherRef.get().openCircuits());
        Dispatcher dispatcher = new Dispatcher(new Dispatcher.Parts(
                config,
                new AddressCheckedClient(client, config.allowedHosts()),
                catalog,
                keyring,
                RetryPolicy.of(config, clock, () -> ThreadLocalRandom.current().nextDouble()),
                clock,
                metrics,
                scheduler,
                workers,
                new OutcomeWriter(type, outcomeProducer, writer, clock, dlqPartitions),
                new RetryTierWriter(retryProducer, writer, retryRecords, clock),
                new CircuitReporter(type, outcomeProducer, runtimeClosed),
                wakeups,
                offsets,
                () -> consumerRef.get().commitSoon(),
                writer::underWay));
        dispatcherRef.set(dispatcher);
        List<String> topics = new ArrayList<>();
        topics.add(deliveryTopic.name());
        topics.addAll(retryRecords.tierNames());
        DeliveryConsumer deliveries = new DeliveryConsumer(
                config,
                consumer,
                topics,
                retryRecords,
                Topics.deliveryTopic(type).valueSerde().deserializer(),
                offsets,
                writer,
                dispatcher,
                clock,
                lifecycle,
                "sink " + type.wireName());
        consumerRef.set(deliveries);
        Thread consumerThread = Thread.ofPlatform()
                .daemon()
                .name("sink-" + type.wireName() + "-consumer")
                .unstarted(deliveries);
        return new SinkParts(
                dispatcher,
                deliveries,
                consumerThread,
                writer,
                scheduler,
                workers,
                kafkaMeters,
                List.of(outcomeProducer, retryProducer),
                catalog,
                wakeups,
                client);
    }
}
