package dev.leadpipe.faults;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import dev.leadpipe.core.topic.TopicSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Follows one topic from where it ends when the tail is created (so a scenario reads only what came after its start),
 * read_committed, on a thread of its own, handing each record to {@code handler} in partition order.
 * {@link #catchUp} returns once everything committed to the topic up to that call has been handed over, the way
 * TopicReader.readAll reads to the end offsets instead of for a fixed window.
 */
final class TopicTail<V> implements AutoCloseable {
    private static final Duration CATCH_UP_WITHIN = Duration.ofSeconds(120);

    private final String bootstrap;
    private final TopicSpec<String, V> topic;
    private final KafkaConsumer<String, V> consumer;
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    TopicTail(String bootstrap, TopicSpec<String, V> topic, Consumer<ConsumerRecord<String, V>> handler) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                        2_000),
                topic.keySerde().deserializer(),
                topic.valueSerde().deserializer());
        Map<TopicPartition, Long> start = endOffsets();
        consumer.assign(start.keySet());
        start.forEach((tp, offset) -> {
            consumer.seek(tp, offset);
            positions.put(tp, offset);
        });
        thread = Thread.ofPlatform().daemon().name("tail-" + topic.name()).start(() -> {
            try {
                while (running) {
                    for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
                        handler.accept(r);
                    }
                    for (TopicPartition tp : positions.keySet()) {
                        positions.put(tp, consumer.position(tp));
                    }
                }
            } catch (WakeupException e) {
                // closing
            } finally {
                consumer.close(Duration.ofSeconds(5));
            }
        });
    }

    /** Returns once every record committed before this call has been handed to the handler. */
    void catchUp() throws InterruptedException {
        Map<TopicPartition, Long> ends = endOffsets();
        long deadline = System.nanoTime() + CATCH_UP_WITHIN.toNanos();
        while (!ends.entrySet().stream().allMatch(e -> positions.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
            if (System.nanoTime() > deadline || !thread.isAlive()) {
                throw new IllegalStateException("could not read " + topic.name() + " to " + ends + "; at " + positions);
            }
            Thread.sleep(100);
        }
    }

    /** The last stable offsets (what read_committed reaches) of every partition now. */
    private Map<TopicPartition, Long> endOffsets() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < topic.partitions(); p++) {
                latest.put(new TopicPartition(topic.name(), p), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .all()
                    .get()
                    .forEach((tp, info) -> ends.put(tp, info.offset()));
            return ends;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the end offsets of " + topic.name() + ": " + e, e);
        }
    }

    List<TopicPartition> partitions() {
        return List.copyOf(positions.keySet());
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
