package spike;

import static spike.Support.log;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicIdPartition;

/**
 * The latency workload of scenarios 1 and 2: a producer writes "healthy" leads (5 ms CRM call) at a steady rate and,
 * optionally, every Nth lead for a "slow" publisher (30 s CRM call). Share consumers poll, hand each record to a
 * worker thread (the simulated CRM call), and acknowledge ACCEPT when the worker has finished. Latency is measured
 * from the record's produce timestamp to the moment commitSync() returned without error for its partition.
 */
final class Workload {
    enum Mode {
        /** poll; dispatch; wait until every record of this poll is done and acknowledged; poll again. */
        BLOCKING,
        /** poll; dispatch new records; before the next poll ACCEPT the finished ones and RENEW the unfinished. */
        RENEW
    }

    static final long SLOW_MS = 30_000;
    static final long HEALTHY_MS = 5;

    final String name;
    final String topic;
    final Mode mode;
    final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "crm-call");
        t.setDaemon(true);
        return t;
    });
    final List<Long> healthyLatency = Collections.synchronizedList(new ArrayList<>());
    final List<Long> slowLatency = Collections.synchronizedList(new ArrayList<>());
    final Map<Long, Long> healthyProduced = new ConcurrentHashMap<>(); // seq -> produce ts
    final Set<Long> healthyAcked = ConcurrentHashMap.newKeySet();
    final Map<Long, Long> healthyLatencyBySeq = new ConcurrentHashMap<>();
    volatile long produceStart;
    final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>(); // "p:offset" -> number of CRM calls
    final AtomicLong producedSlow = new AtomicLong();
    final AtomicLong commitFailures = new AtomicLong();
    final AtomicLong renewAcks = new AtomicLong();
    final AtomicLong renewedRedeliveries = new AtomicLong();
    final AtomicLong renewedNotReturned = new AtomicLong();
    final AtomicLong polls = new AtomicLong();
    final AtomicLong emptyPolls = new AtomicLong();
    volatile boolean running = true;
    volatile String firstError;

    Workload(String name, String topic, Mode mode) {
        this.name = name;
        this.topic = topic;
        this.mode = mode;
    }

    /** Runs producer + consumers for durationS, then drains up to drainS more; prints and returns a summary. */
    static Workload run(String bootstrap, Admin admin, String name, int partitions, int consumers, Mode mode,
                        int slowEvery, double ratePerSec, int durationS, int drainS,
                        Map<String, Object> consumerExtra, Map<String, String> groupExtra) throws Exception {
        String topic = "t-" + name;
        String group = "g-" + name;
        Support.createTopic(admin, topic, partitions);
        Support.prepareGroup(admin, group, groupExtra);
        Workload w = new Workload(name, topic, mode);
        int threadsBefore = Support.threadCount();
        List<Thread> loops = new ArrayList<>();
        List<KafkaShareConsumer<String, String>> cs = new ArrayList<>();
        for (int i = 0; i < consumers; i++) {
            KafkaShareConsumer<String, String> c =
                    Support.shareConsumer(bootstrap, group, name + "-c" + i, consumerExtra);
            cs.add(c);
            Thread t = new Thread(() -> w.loop(c), name + "-poll-" + i);
            loops.add(t);
            t.start();
        }
        Support.sleep(3000); // let the consumers join before producing
        int threadsWithConsumers = Support.threadCount();
        long rss = Support.rssMiB();
        log("[%s] %d consumer(s) started: JVM threads %d -> %d (+%d), RSS now %d MiB (broker is in this JVM too)",
                name, consumers, threadsBefore, threadsWithConsumers, threadsWithConsumers - threadsBefore, rss);
        long start = System.currentTimeMillis();
        w.produceStart = start;
        try (KafkaProducer<String, String> producer = Support.producer(bootstrap)) {
            long periodNs = (long) (1e9 / ratePerSec);
            long next = System.nanoTime();
            for (long seq = 0; System.currentTimeMillis() - start < durationS * 1000L; seq++) {
                boolean slow = slowEvery > 0 && seq % slowEvery == slowEvery - 1;
                long ts = System.currentTimeMillis();
                String key = slow ? "pub-slow" : "pub-healthy-" + (seq % 10);
                producer.send(new ProducerRecord<>(topic, null, ts, key, (slow ? "s:" : "h:") + seq));
                if (slow) {
                    w.producedSlow.incrementAndGet();
                } else {
                    w.healthyProduced.put(seq, ts);
                }
                next += periodNs;
                long sleepNs = next - System.nanoTime();
                if (sleepNs > 0) {
                    Thread.sleep(sleepNs / 1_000_000, (int) (sleepNs % 1_000_000));
                }
            }
        }
        long drainUntil = System.currentTimeMillis() + drainS * 1000L;
        while (System.currentTimeMillis() < drainUntil && w.healthyAcked.size() < w.healthyProduced.size()) {
            Support.sleep(200);
        }
        long end = System.currentTimeMillis();
        w.running = false;
        for (Thread t : loops) {
            t.join(10_000);
        }
        w.workers.shutdownNow();
        w.report(end);
        return w;
    }

    void report(long end) {
        List<Long> censored = new ArrayList<>(healthyLatency);
        long unacked = 0;
        for (Map.Entry<Long, Long> e : healthyProduced.entrySet()) {
            if (!healthyAcked.contains(e.getKey())) {
                unacked++;
                censored.add(end - e.getValue());
            }
        }
        long dupRecords = executions.values().stream().filter(a -> a.get() > 1).count();
        long calls = executions.values().stream().mapToLong(AtomicInteger::get).sum();
        log("[%s] mode=%s healthy produced=%d acked=%d NOT acked by end=%d | slow produced=%d acked=%d",
                name, mode, healthyProduced.size(), healthyAcked.size(), unacked, producedSlow.get(), slowLatency.size());
        log("[%s] healthy produce->ack latency (acked only):            %s", name, Support.pct(healthyLatency));
        log("[%s] healthy latency counting un-acked as (end - produce):  %s", name, Support.pct(censored));
        log("[%s] slow produce->ack latency: %s", name, Support.pct(slowLatency));
        Map<Long, List<Long>> windows = new java.util.TreeMap<>();
        healthyProduced.forEach((seq, ts) -> windows.computeIfAbsent((ts - produceStart) / 10_000, k -> new ArrayList<>())
                .add(healthyLatencyBySeq.getOrDefault(seq, end - ts)));
        windows.forEach((win, l) -> log("[%s]   healthy produced in %3d-%3ds: %s", name, win * 10, win * 10 + 10,
                Support.pct(l)));
        List<Long> steady = new ArrayList<>();
        healthyProduced.forEach((seq, ts) -> {
            if (ts - produceStart >= 10_000) {
                steady.add(healthyLatencyBySeq.getOrDefault(seq, end - ts));
            }
        });
        log("[%s] healthy latency excluding the first 10 s (warm-up), un-acked counted as (end - produce): %s", name,
                Support.pct(steady));
        log("[%s] polls=%d (empty %d) CRM calls=%d records called >1 time=%d commit failures=%d renewAcks=%d "
                        + "renewedRecordsReturnedAgainByPoll=%d renewedRecordsNotReturned=%d firstError=%s",
                name, polls.get(), emptyPolls.get(), calls, dupRecords, commitFailures.get(), renewAcks.get(),
                renewedRedeliveries.get(), renewedNotReturned.get(), firstError);
    }

    private record InFlight(ConsumerRecord<String, String> record, Future<?> call) {
    }

    private static String key(ConsumerRecord<?, ?> r) {
        return r.partition() + ":" + r.offset();
    }

    private Future<?> dispatch(ConsumerRecord<String, String> r) {
        executions.computeIfAbsent(key(r), k -> new AtomicInteger()).incrementAndGet();
        long ms = r.value().startsWith("s:") ? SLOW_MS : HEALTHY_MS;
        return workers.submit(() -> Support.sleep(ms));
    }

    private void loop(KafkaShareConsumer<String, String> c) {
        c.setAcknowledgementCommitCallback((offsets, ex) -> {
            if (ex != null) {
                if (firstError == null) {
                    firstError = ex.getClass().getSimpleName() + ": " + ex.getMessage();
                }
            }
        });
        try {
            c.subscribe(List.of(topic));
            if (mode == Mode.BLOCKING) {
                blockingLoop(c);
            } else {
                renewLoop(c);
            }
        } catch (Exception e) {
            if (running) {
                firstError = e.getClass().getName() + ": " + e.getMessage();
                log("[%s] poll loop died: %s", name, firstError);
            }
        } finally {
            c.close(Duration.ofSeconds(5));
        }
    }

    private void blockingLoop(KafkaShareConsumer<String, String> c) {
        while (running) {
            ConsumerRecords<String, String> recs = c.poll(Duration.ofMillis(100));
            countPoll(recs);
            List<InFlight> batch = new ArrayList<>();
            for (ConsumerRecord<String, String> r : recs) {
                batch.add(new InFlight(r, dispatch(r)));
            }
            while (!batch.isEmpty() && running) {
                List<ConsumerRecord<String, String>> acked = new ArrayList<>();
                for (Iterator<InFlight> it = batch.iterator(); it.hasNext(); ) {
                    InFlight f = it.next();
                    if (f.call().isDone()) {
                        c.acknowledge(f.record(), AcknowledgeType.ACCEPT);
                        acked.add(f.record());
                        it.remove();
                    }
                }
                if (acked.isEmpty()) {
                    Support.sleep(2);
                } else {
                    commit(c, acked);
                }
            }
        }
    }

    private void renewLoop(KafkaShareConsumer<String, String> c) {
        Map<String, InFlight> inFlight = new LinkedHashMap<>();
        while (running) {
            ConsumerRecords<String, String> recs = c.poll(Duration.ofMillis(100));
            countPoll(recs);
            Set<String> returned = new java.util.HashSet<>();
            boolean newOnes = false;
            for (ConsumerRecord<String, String> r : recs) {
                String k = key(r);
                returned.add(k);
                InFlight f = inFlight.get(k);
                if (f == null) {
                    inFlight.put(k, new InFlight(r, dispatch(r)));
                    newOnes = true;
                } else {
                    renewedRedeliveries.incrementAndGet();
                    inFlight.put(k, new InFlight(r, f.call())); // acknowledge the record object of this poll
                }
            }
            for (String k : inFlight.keySet()) {
                if (!returned.contains(k)) {
                    renewedNotReturned.incrementAndGet();
                }
            }
            if (newOnes) { // give 5 ms calls a chance to finish so they are accepted now rather than renewed
                long deadline = System.currentTimeMillis() + 20;
                while (System.currentTimeMillis() < deadline
                        && inFlight.values().stream().anyMatch(f -> !f.call().isDone()
                        && !f.record().value().startsWith("s:"))) {
                    Support.sleep(1);
                }
            }
            if (recs.isEmpty()) {
                continue;
            }
            List<ConsumerRecord<String, String>> acked = new ArrayList<>();
            for (ConsumerRecord<String, String> r : recs) {
                InFlight f = inFlight.get(key(r));
                if (f.call().isDone()) {
                    c.acknowledge(r, AcknowledgeType.ACCEPT);
                    acked.add(r);
                    inFlight.remove(key(r));
                } else {
                    c.acknowledge(r, AcknowledgeType.RENEW);
                    renewAcks.incrementAndGet();
                }
            }
            commit(c, acked);
        }
    }

    private void countPoll(ConsumerRecords<String, String> recs) {
        polls.incrementAndGet();
        if (recs.isEmpty()) {
            emptyPolls.incrementAndGet();
        }
    }

    private void commit(KafkaShareConsumer<String, String> c, List<ConsumerRecord<String, String>> acked) {
        Map<TopicIdPartition, Optional<KafkaException>> res = c.commitSync();
        long now = System.currentTimeMillis();
        Map<Integer, Optional<KafkaException>> byPartition = new HashMap<>();
        res.forEach((tip, e) -> byPartition.put(tip.partition(), e));
        for (ConsumerRecord<String, String> r : acked) {
            Optional<KafkaException> e = byPartition.getOrDefault(r.partition(), Optional.empty());
            if (e.isPresent()) {
                commitFailures.incrementAndGet();
                if (firstError == null) {
                    firstError = e.get().getClass().getSimpleName() + ": " + e.get().getMessage();
                }
                continue;
            }
            long lat = now - r.timestamp();
            if (r.value().startsWith("s:")) {
                slowLatency.add(lat);
            } else if (healthyAcked.add(Long.parseLong(r.value().substring(2)))) {
                healthyLatency.add(lat);
                healthyLatencyBySeq.put(Long.parseLong(r.value().substring(2)), lat);
            }
        }
    }
}
