package dev.leadpipe.bench.stages;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Follows {@code lead-outcomes} (read_committed, from its end when created) on a thread of its own and notes, per
 * leadId, when this JVM first saw its DELIVERED outcome ({@link System#nanoTime}) and how many other outcomes came.
 */
final class OutcomeWatch implements AutoCloseable {
    private final KafkaConsumer<String, Outcome> consumer;
    private final Map<String, Long> delivered = new ConcurrentHashMap<>();
    private final Map<OutcomeType, Long> others = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    OutcomeWatch(String bootstrap) {
        consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                        5_000),
                Topics.LEAD_OUTCOMES.keySerde().deserializer(),
                Topics.LEAD_OUTCOMES.valueSerde().deserializer());
        Map<TopicPartition, Long> none = new HashMap<>();
        for (int p = 0; p < Topics.LEAD_OUTCOMES.partitions(); p++) {
            none.put(new TopicPartition(Topics.LEAD_OUTCOMES.name(), p), 0L);
        }
        consumer.assign(none.keySet());
        consumer.seekToEnd(none.keySet());
        none.keySet().forEach(consumer::position); // resolve the end now, before any lead is posted
        thread = Thread.ofPlatform().daemon().name("bench-outcomes").start(this::loop);
    }

    private void loop() {
        try {
            while (running) {
                for (ConsumerRecord<String, Outcome> r : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    Outcome o = r.value();
                    if (o == null) {
                        continue;
                    }
                    if (o.outcome() == OutcomeType.DELIVERED) {
                        delivered.putIfAbsent(o.leadId(), now);
                    } else {
                        others.merge(o.outcome(), 1L, Long::sum);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** When this JVM saw {@code leadId}'s DELIVERED outcome (nanoTime), or null. */
    Long deliveredAt(String leadId) {
        return delivered.get(leadId);
    }

    /** Outcomes other than DELIVERED seen so far, by type. */
    Map<OutcomeType, Long> others() {
        return Map.copyOf(others);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
