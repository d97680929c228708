package dev.leadpipe.core.topic;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.error.SafeErrors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One background consumer thread that follows topics and hands each poll's records to a {@link Handler}: it owns the
 * thread, the poll loop, wake-up and close, and what happens on errors. The handler decides how the consumer is
 * positioned (assign and seek, or subscribe in a group), what a record does, and what is committed.
 * <ul>
 *   <li>{@link #start()} starts the thread; {@link #awaitReady} waits until {@link Handler#ready} said so (caught up,
 *       positioned) and throws when the follower stopped or timed out first.</li>
 *   <li>A record the consumer cannot deserialize is skipped with a warning naming only where it was, then
 *       {@link Handler#skipped} is told.</li>
 *   <li>A {@link KafkaException} while polling or handling is retried after a pause ({@link OnPollFailure#RETRY})
 *       or stops the follower ({@link OnPollFailure#STOP}); any other exception stops it. {@link #failure()} says
 *       why.</li>
 *   <li>{@link #close()} wakes the consumer, waits for the thread, which closes the consumer.</li>
 * </ul>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class TopicFollower<K, V> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);
    /** Long enough for a handler to finish a batch it is working on (the notifier's e-mails) after a wake-up. */
    private static final Duration JOIN = Duration.ofSeconds(20);

    /** What a {@link KafkaException} while polling or handling does. */
    public enum OnPollFailure {
        /** Logged; polled again after a pause. */
        RETRY,
        /** Stops the follower; {@link #failure()} holds it. */
        STOP
    }

    /** What a follower does with its consumer; every method runs on the follower's thread. */
    public interface Handler<K, V> {
        /** Once, before the first poll: assign or subscribe, and position. */
        void start(Consumer<K, V> consumer);

        /** Asked before each poll until it answers true, which releases {@link #awaitReady}. */
        default boolean ready(Consumer<K, V> consumer) {
            return true;
        }

        /** Before each poll: timers, resuming paused partitions. */
        default void beforePoll(Consumer<K, V> consumer) {}

        /** One poll's records (possibly none). */
        void handle(ConsumerRecords<K, V> records, Consumer<K, V> consumer);

        /** An unreadable record was skipped: the consumer's position on {@code partition} is now {@code next}. */
        default void skipped(TopicPartition partition, long next, Consumer<K, V> consumer) {}
    }

    private final String name;
    private final Consumer<K, V> consumer;
    private final Handler<K, V> handler;
    private final OnPollFailure onPollFailure;
    private final Thread thread;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile RuntimeException failure;
    /** {@link System#nanoTime()} of the last poll's return; 0 before the first. */
    private volatile long lastPollNanos;

    private final AtomicReference<KafkaClientMeters.Binding> meters = new AtomicReference<>();

    /**
     * A follower not started yet; it owns a consumer made from {@code config}.
     *
     * @param name what it follows, for its thread and log lines ("destination catalog")
     */
    public TopicFollower(
            String name,
            Map<String, Object> config,
            Deserializer<K> keys,
            Deserializer<V> values,
            Handler<K, V> handler,
            OnPollFailure onPollFailure) {
        this.name = name;
        this.handler = handler;
        this.onPollFailure = onPollFailure;
        this.consumer = new KafkaConsumer<>(config, keys, values);
        this.thread = Thread.ofPlatform().name(name.replace(' ', '-')).daemon().unstarted(this::run);
    }

    /** Exports the consumer's metrics through {@code kafkaMeters} until {@link #close()}; once, before closing. */
    public void bindMeters(KafkaClientMeters kafkaMeters) {
        KafkaClientMeters.Binding binding = kafkaMeters.bind(consumer);
        KafkaClientMeters.Binding previous = meters.getAndSet(binding);
        if (previous != null) {
            previous.close();
        }
    }

    /**
     * The settings every follower shares (no auto-commit, read_committed, the given client id) plus {@code more}
     * (a group id, the offset reset, poll limits).
     */
    public static Map<String, Object> config(KafkaConnection kafka, String clientId, Map<String, Object> more) {
        Map<String, Object> config = new HashMap<>(kafka.clientProperties());
        config.putAll(Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG,
                clientId,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"));
        config.putAll(more);
        return config;
    }

    /**
     * Assigns every partition of the topic, without a consumer group, and returns them.
     *
     * @throws IllegalStateException when the topic does not exist
     */
    public static List<TopicPartition> assignAll(Consumer<?, ?> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist");
        }
        List<TopicPartition> partitions = infos.stream()
                .map(i -> new TopicPartition(i.topic(), i.partition()))
                .toList();
        consumer.assign(partitions);
        return partitions;
    }

    /** Starts the thread. */
    public TopicFollower<K, V> start() {
        thread.start();
        return this;
    }

    /**
     * Waits until the handler said it is ready.
     *
     * @param notReady what "not ready" means, for the exception: "did not catch up with lead-destinations"
     * @throws IllegalStateException when the follower stopped first, or "the NAME NOT-READY within TIMEOUT"
     */
    public TopicFollower<K, V> awaitReady(Duration timeout, String notReady) {
        try {
            boolean done = ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            RuntimeException f = failure;
            if (f != null) {
                throw new IllegalStateException("the " + name + " stopped: " + SafeErrors.describe(f), f);
            }
            if (!done) {
                throw new IllegalStateException("the " + name + " " + notReady + " within " + timeout);
            }
            return this;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the " + name, e);
        }
    }

    /** False once {@link #close()} was called or the follower stopped by itself. */
    public boolean running() {
        return running && stopped.getCount() > 0;
    }

    /** Why the follower stopped by itself, or null. */
    public RuntimeException failure() {
        return failure;
    }

    /** {@link System#nanoTime()} of the last poll's return; 0 before the first. */
    public long lastPollNanos() {
        return lastPollNanos;
    }

    /**
     * A readiness answer: null when the follower runs and its last poll returned within {@code stale}, else why not, in
     * one line ("the consumer has not polled for 130 s").
     */
    public String problem(Duration stale) {
        if (!running()) {
            RuntimeException f = failure;
            return f == null ? "the consumer is stopped" : "the consumer stopped: " + SafeErrors.describe(f);
        }
        long last = lastPollNanos;
        if (last == 0) {
            return "the consumer has not polled yet";
        }
        long sinceMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - last);
        return sinceMs > stale.toMillis() ? "the consumer has not polled for " + sinceMs / 1000 + " s" : null;
    }

    /** Waits until the thread stopped (after {@link #close()} or a failure). */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    private void run() {
        try {
            handler.start(consumer);
            boolean reported = false;
            while (running) {
                if (!reported && handler.ready(consumer)) {
                    ready.countDown();
                    reported = true;
                }
                handler.beforePoll(consumer);
                try {
                    pollOnce();
                } catch (WakeupException e) {
                    throw e;
                } catch (KafkaException e) {
                    if (onPollFailure == OnPollFailure.STOP) {
                        throw e;
                    }
                    LOG.warn("the {} could not read, retrying: {}", name, SafeErrors.describe(e));
                    Thread.sleep(RETRY_PAUSE);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                failure = new IllegalStateException("the " + name + " was woken up unexpectedly", e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e;
            LOG.error("the {} stopped: {}", name, SafeErrors.describe(e));
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.warn("closing the consumer of the {} failed: {}", name, SafeErrors.describe(e));
            }
            stopped.countDown();
            ready.countDown();
        }
    }

    private void pollOnce() {
        ConsumerRecords<K, V> records;
        try {
            records = consumer.poll(POLL);
        } catch (RecordDeserializationException e) {
            lastPollNanos = System.nanoTime();
            // the exception's message can quote the record: where it is only
            LOG.warn("the {} skips an unreadable record at {}/{}", name, e.topicPartition(), e.offset());
            consumer.seek(e.topicPartition(), e.offset() + 1);
            handler.skipped(e.topicPartition(), e.offset() + 1, consumer);
            return;
        }
        lastPollNanos = System.nanoTime();
        handler.handle(records, consumer);
    }

    /** Stops following: wakes the consumer and waits for the thread, which closes it. */
    @Override
    public void close() {
        KafkaClientMeters.Binding binding = meters.getAndSet(null);
        if (binding != null) {
            binding.close();
        }
        if (!running) {
            return;
        }
        running = false;
        if (thread.getState() == Thread.State.NEW) {
            consumer.close(Duration.ofSeconds(5));
            stopped.countDown();
            ready.countDown();
            return;
        }
        consumer.wakeup();
        try {
            thread.join(JOIN.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
