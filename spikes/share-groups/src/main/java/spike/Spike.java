package spike;

import static spike.Support.log;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Share-group (KIP-932) spike for leadpipe sinks. Usage: Spike (hol|multi|footprint|lock|dlq|crash|all)
 * Each scenario starts its own in-process single-node KRaft broker (same set-up as leadpipe's EmbeddedKafkaBroker).
 * <p>One file on purpose: this is a finished experiment, not part of the build, kept exactly as it produced the
 * figures in {@code results/} and the README, so that a reader can re-run and audit it as one piece.
 */
public final class Spike {
    static final int DURATION_S = Integer.getInteger("spike.durationS", 60);
    static final int DRAIN_S = Integer.getInteger("spike.drainS", 10);

    public static void main(String[] args) throws Exception {
        String what = args.length == 0 ? "all" : args[0];
        switch (what) {
            case "child-footprint" -> childFootprint(args[1], Integer.parseInt(args[2]));
            case "child-crash" -> childCrash(args[1], args[2], args[3]);
            default -> {
                log("java %s, %d cpus, scenario %s", System.getProperty("java.version"),
                        Runtime.getRuntime().availableProcessors(), what);
                List<String> list = what.equals("all")
                        ? List.of("hol", "multi", "footprint", "lock", "dlq", "crash") : List.of(what.split(","));
                for (String s : list) {
                    withBroker(s);
                }
            }
        }
        System.exit(0);
    }

    private static void withBroker(String scenario) throws Exception {
        log("==================== scenario %s ====================", scenario);
        try (Broker broker = Broker.start(Map.of());
             Admin admin = Support.admin(broker.bootstrapServers())) {
            String bs = broker.bootstrapServers();
            switch (scenario) {
                case "hol" -> hol(bs, admin);
                case "probe" -> holProbe(bs, admin);
                case "multi" -> multi(bs, admin);
                case "footprint" -> footprint(bs, admin);
                case "lock" -> lock(bs, admin);
                case "dlq" -> dlq(bs, admin);
                case "crash" -> crash(bs, admin);
                default -> throw new IllegalArgumentException("unknown scenario " + scenario);
            }
        }
    }

    // ---------------------------------------------------------------- 1. head of line, explicit mode

    static void hol(String bs, Admin admin) throws Exception {
        holProbe(bs, admin);
        // the slow call (30 s) must fit in the lock, so these runs use the largest lock the broker allows (60 s)
        Map<String, String> lock60 = Map.of("share.record.lock.duration.ms", "60000");
        Workload.run(bs, admin, "hol-baseline-blocking", 3, 1, Workload.Mode.BLOCKING, 0, 20, DURATION_S, DRAIN_S,
                Map.of(), lock60);
        Workload.run(bs, admin, "hol-slow-blocking", 3, 1, Workload.Mode.BLOCKING, 50, 20, DURATION_S, DRAIN_S,
                Map.of(), lock60);
        Workload.run(bs, admin, "hol-baseline-renew", 3, 1, Workload.Mode.RENEW, 0, 20, DURATION_S, DRAIN_S,
                Map.of(), lock60);
        Workload.run(bs, admin, "hol-slow-renew", 3, 1, Workload.Mode.RENEW, 50, 20, DURATION_S, DRAIN_S,
                Map.of(), lock60);
    }

    /** What does poll() do while a record of the previous poll is unacknowledged, and what does RENEW do. */
    static void holProbe(String bs, Admin admin) throws Exception {
        String topic = "t-probe";
        String group = "g-probe";
        Support.createTopic(admin, topic, 3);
        Support.prepareGroup(admin, group, Map.of());
        try (KafkaProducer<String, String> p = Support.producer(bs)) {
            p.send(new ProducerRecord<>(topic, 0, "pub-slow", "s:0"));
            for (int i = 1; i <= 5; i++) {
                p.send(new ProducerRecord<>(topic, 0, "pub-healthy", "h:" + i));
            }
            p.flush();
        }
        try (KafkaShareConsumer<String, String> c = Support.shareConsumer(bs, group, "probe", Map.of())) {
            List<String> callbacks = new CopyOnWriteArrayList<>();
            c.setAcknowledgementCommitCallback((offsets, ex) -> callbacks.add(offsets + " -> " + ex));
            c.subscribe(List.of(topic));
            ConsumerRecords<String, String> recs = poll(c, 15_000);
            log("[probe] first poll returned %s; acquisitionLockTimeoutMs=%s", describe(recs), c.acquisitionLockTimeoutMs());
            ConsumerRecord<String, String> slow = null;
            for (ConsumerRecord<String, String> r : recs) {
                if (r.value().startsWith("s:")) {
                    slow = r;
                } else {
                    c.acknowledge(r, AcknowledgeType.ACCEPT);
                }
            }
            log("[probe] acknowledged the healthy records ACCEPT, left %s unacknowledged; calling poll(0) ...", id(slow));
            try {
                ConsumerRecords<String, String> r2 = c.poll(Duration.ZERO);
                log("[probe] poll returned normally (%d records) -- no head-of-line block", r2.count());
            } catch (Exception e) {
                log("[probe] poll threw %s: \"%s\"", e.getClass().getName(), e.getMessage());
            }
            try {
                Map<TopicIdPartition, Optional<KafkaException>> res = c.commitSync();
                log("[probe] commitSync() with the slow record still unacknowledged: %s (callbacks %s)", res, callbacks);
                callbacks.clear();
            } catch (Exception e) {
                log("[probe] commitSync threw %s: %s", e.getClass().getName(), e.getMessage());
            }
            try {
                ConsumerRecords<String, String> r2 = c.poll(Duration.ZERO);
                log("[probe] poll after commitSync returned %d records", r2.count());
            } catch (Exception e) {
                log("[probe] poll after commitSync threw %s: \"%s\"", e.getClass().getName(), e.getMessage());
            }
            // RENEW
            try (KafkaProducer<String, String> p = Support.producer(bs)) {
                for (int i = 6; i <= 8; i++) {
                    p.send(new ProducerRecord<>(topic, i % 3, "pub-healthy", "h:" + i));
                }
                p.flush();
            }
            c.acknowledge(slow, AcknowledgeType.RENEW);
            log("[probe] acknowledged %s with RENEW (and produced 3 new healthy records); polling ...", id(slow));
            for (int round = 1; round <= 4; round++) {
                ConsumerRecords<String, String> r3;
                try {
                    r3 = c.poll(Duration.ofSeconds(2));
                } catch (Exception e) {
                    log("[probe] poll after RENEW threw %s: \"%s\"", e.getClass().getName(), e.getMessage());
                    break;
                }
                log("[probe] poll #%d after RENEW returned %s; callbacks so far %s; acquisitionLockTimeoutMs=%s",
                        round, describe(r3), callbacks, c.acquisitionLockTimeoutMs());
                callbacks.clear();
                for (ConsumerRecord<String, String> r : r3) {
                    c.acknowledge(r, r.value().startsWith("s:") && round < 4 ? AcknowledgeType.RENEW : AcknowledgeType.ACCEPT);
                }
                if (round < 4) {
                    log("[probe]   (RENEW the slow record again, ACCEPT the others)");
                } else {
                    log("[probe]   (ACCEPT everything)");
                }
            }
            log("[probe] final commitSync: %s; callbacks %s", c.commitSync(), callbacks);
            ConsumerRecords<String, String> r4 = poll(c, 10_000);
            log("[probe] next poll after the slow record was ACCEPTed returned %s", describe(r4));
            for (ConsumerRecord<String, String> r : r4) {
                c.acknowledge(r, AcknowledgeType.ACCEPT);
            }
            c.commitSync();
        }
    }

    // ---------------------------------------------------------------- 2. several share consumers

    static void multi(String bs, Admin admin) throws Exception {
        Map<String, Object> small = Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5,
                ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
        Map<String, String> lock60 = Map.of("share.record.lock.duration.ms", "60000");
        Workload.run(bs, admin, "multi16-baseline", 3, 16, Workload.Mode.BLOCKING, 0, 20, DURATION_S, DRAIN_S, small, lock60);
        Workload.run(bs, admin, "multi4-slow", 3, 4, Workload.Mode.BLOCKING, 50, 20, DURATION_S, DRAIN_S, small, lock60);
        Workload.run(bs, admin, "multi16-slow", 3, 16, Workload.Mode.BLOCKING, 50, 20, DURATION_S, DRAIN_S, small, lock60);
    }

    /** Threads and RSS of a JVM holding 0, 1 or 16 idle share consumers (child JVMs, so the broker is not counted). */
    static void footprint(String bs, Admin admin) throws Exception {
        Support.createTopic(admin, "t-footprint", 3);
        Support.prepareGroup(admin, "g-footprint", Map.of());
        for (int n : new int[] {0, 1, 4, 16}) {
            Process p = child("child-footprint", bs, Integer.toString(n));
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.contains("FOOTPRINT") || line.contains("Exception")) {
                        log("[footprint] %s", line.substring(line.indexOf(']') + 2));
                    }
                }
            }
            p.waitFor();
        }
    }

    static void childFootprint(String bs, int n) throws Exception {
        List<KafkaShareConsumer<String, String>> cs = new ArrayList<>();
        int t0 = Support.threadCount();
        for (int i = 0; i < n; i++) {
            KafkaShareConsumer<String, String> c = Support.shareConsumer(bs, "g-footprint", "fp-" + i, Map.of());
            c.subscribe(List.of("t-footprint"));
            cs.add(c);
        }
        long end = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < end) { // every consumer polls (idle topic) so all are live group members
            for (KafkaShareConsumer<String, String> c : cs) {
                c.poll(Duration.ofMillis(20));
            }
        }
        System.gc();
        Map<String, Integer> byName = new TreeMap<>();
        Thread.getAllStackTraces().keySet().forEach(t ->
                byName.merge(t.getName().replaceAll("\\d+", "#"), 1, Integer::sum));
        log("FOOTPRINT consumers=%d threads=%d (before consumers %d) RSS=%dMiB heapUsed=%dMiB kafkaThreadNames=%s", n,
                Support.threadCount(), t0, Support.rssMiB(),
                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20,
                byName);
        for (KafkaShareConsumer<String, String> c : cs) {
            c.close(Duration.ofSeconds(2));
        }
    }

    // ---------------------------------------------------------------- 3. acquisition lock vs slow call

    static void lock(String bs, Admin admin) throws Exception {
        int nodeId = admin.describeCluster().nodes().get().iterator().next().id();
        ConfigResource brokerRes = new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(nodeId));
        Config cfg = admin.describeConfigs(List.of(brokerRes)).all().get().get(brokerRes);
        for (String k : List.of("group.share.record.lock.duration.ms", "group.share.min.record.lock.duration.ms",
                "group.share.max.record.lock.duration.ms", "group.share.delivery.count.limit",
                "group.share.max.delivery.count.limit", "group.share.partition.max.record.locks",
                "group.share.session.timeout.ms", "group.share.heartbeat.interval.ms")) {
            var e = cfg.get(k);
            log("[lock] broker %s = %s", k, e == null ? "(not present)" : e.value() + " (source " + e.source() + ")");
        }
        for (String v : List.of("120000", "60001", "60000")) {
            try {
                Support.setGroupConfig(admin, "g-lockcfg", Map.of("share.record.lock.duration.ms", v));
                log("[lock] group config share.record.lock.duration.ms=%s accepted", v);
            } catch (Exception e) {
                Throwable c = e.getCause() == null ? e : e.getCause();
                log("[lock] group config share.record.lock.duration.ms=%s REJECTED: %s: %s", v,
                        c.getClass().getName(), c.getMessage());
            }
        }
        // 45 s call, default 30 s lock, two consumers in the group (blocking poll loops)
        slowCall(bs, admin, "lock45-default", 45_000, Map.of(), 100, false);
        // the same dynamics at half scale to see the end state within ~2 minutes: 15 s lock (broker min), 22.5 s call
        slowCall(bs, admin, "lock22-lock15", 22_500, Map.of("share.record.lock.duration.ms", "15000"), 110, false);
        // 45 s call, default 30 s lock, the poll loop RENEWs the in-flight record at every poll
        slowCall(bs, admin, "lock45-renew", 45_000, Map.of(), 60, true);
    }

    /** One record whose CRM call takes callMs; two consumers; counts how many CRM calls are made for it. */
    static void slowCall(String bs, Admin admin, String name, long callMs, Map<String, String> groupCfg,
                         int runS, boolean renew) throws Exception {
        String topic = "t-" + name;
        String group = "g-" + name;
        Support.createTopic(admin, topic, 1);
        Support.prepareGroup(admin, group, groupCfg);
        try (KafkaProducer<String, String> p = Support.producer(bs)) {
            p.send(new ProducerRecord<>(topic, "pub-slow", "s:lead-1")).get();
        }
        long start = System.currentTimeMillis();
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        ExecutorService workers = Executors.newCachedThreadPool();
        long stopAt = start + runS * 1000L;
        for (String cname : List.of("A", "B")) {
            Thread t = new Thread(() -> {
                try (KafkaShareConsumer<String, String> c = Support.shareConsumer(bs, group, name + "-" + cname, Map.of())) {
                    c.setAcknowledgementCommitCallback((offsets, ex) -> {
                        if (ex != null) {
                            log("[%s] consumer %s ack callback: offsets %s -> %s: %s", name, cname, offsets,
                                    ex.getClass().getSimpleName(), ex.getMessage());
                        }
                    });
                    c.subscribe(List.of(topic));
                    Future<?> call = null;
                    while (System.currentTimeMillis() < stopAt) {
                        ConsumerRecords<String, String> recs = c.poll(Duration.ofMillis(200));
                        for (ConsumerRecord<String, String> r : recs) {
                            if (renew && call != null) { // our own renewed record, returned again by poll
                                if (call.isDone()) {
                                    c.acknowledge(r, AcknowledgeType.ACCEPT);
                                    Map<TopicIdPartition, Optional<KafkaException>> res = c.commitSync();
                                    log("[%s] consumer %s: call finished, ACCEPT + commitSync -> %s", name, cname, res);
                                    if (res.values().stream().allMatch(Optional::isEmpty)) {
                                        accepted.incrementAndGet();
                                    }
                                    call = null;
                                } else {
                                    c.acknowledge(r, AcknowledgeType.RENEW);
                                }
                                continue;
                            }
                            int n = calls.incrementAndGet();
                            log("[%s] consumer %s got offset %d deliveryCount=%s -> CRM call #%d starts (%d ms)",
                                    name, cname, r.offset(), r.deliveryCount().orElse((short) -1), n, callMs);
                            call = workers.submit(() -> Support.sleep(callMs));
                            if (renew) {
                                c.acknowledge(r, AcknowledgeType.RENEW);
                                continue;
                            }
                            while (!call.isDone() && System.currentTimeMillis() < stopAt) { // blocking loop
                                Support.sleep(50);
                            }
                            if (!call.isDone()) {
                                break;
                            }
                            c.acknowledge(r, AcknowledgeType.ACCEPT);
                            Map<TopicIdPartition, Optional<KafkaException>> res = c.commitSync();
                            boolean ok = res.values().stream().allMatch(Optional::isEmpty);
                            if (ok) {
                                accepted.incrementAndGet();
                            }
                            log("[%s] consumer %s: CRM call #%d finished, ACCEPT + commitSync -> %s", name, cname, n,
                                    ok ? "OK" : res);
                            call = null;
                        }
                        if (renew && !recs.isEmpty()) {
                            c.commitSync();
                        }
                    }
                } catch (Exception e) {
                    log("[%s] consumer %s died: %s", name, cname, e);
                }
            }, name + "-" + cname);
            threads.add(t);
            t.start();
            Support.sleep(1500); // A joins first
        }
        for (Thread t : threads) {
            t.join();
        }
        workers.shutdownNow();
        var offsets = admin.listShareGroupOffsets(Map.of(group, new ListShareGroupOffsetsSpec())).all().get();
        log("[%s] RESULT: %d CRM calls for 1 lead in %d s, %d successful ACCEPT commits; share-group start offset now %s",
                name, calls.get(), runS, accepted.get(), offsets.get(group));
    }

    // ---------------------------------------------------------------- 4. delivery count limit / DLQ

    static void dlq(String bs, Admin admin) throws Exception {
        String topic = "t-dlq";
        String group = "g-dlq";
        Support.createTopic(admin, topic, 1);
        Support.prepareGroup(admin, group, Map.of());
        for (String k : List.of("errors.deadletterqueue.topic.name", "share.delivery.count.limit")) {
            String v = k.startsWith("errors") ? "leads-dlq" : "11";
            try {
                Support.setGroupConfig(admin, "g-dlqcfg", Map.of(k, v));
                log("[dlq] group config %s=%s accepted", k, v);
            } catch (Exception e) {
                Throwable c = e.getCause() == null ? e : e.getCause();
                log("[dlq] group config %s=%s REJECTED: %s: %s", k, v, c.getClass().getName(), c.getMessage());
            }
        }
        Set<String> topicsBefore = admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true)).names().get();
        try (KafkaProducer<String, String> p = Support.producer(bs)) {
            p.send(new ProducerRecord<>(topic, "pub-broken", "lead-released-forever")).get();
            p.send(new ProducerRecord<>(topic, "pub-broken", "lead-rejected")).get();
            p.send(new ProducerRecord<>(topic, "pub-ok", "lead-ok")).get();
        }
        Map<String, List<Integer>> deliveries = new TreeMap<>();
        List<String> callbacks = new CopyOnWriteArrayList<>();
        try (KafkaShareConsumer<String, String> c = Support.shareConsumer(bs, group, "dlq", Map.of())) {
            c.setAcknowledgementCommitCallback((offsets, ex) -> callbacks.add(offsets + "->" + (ex == null ? "ok" : ex)));
            c.subscribe(List.of(topic));
            long lastRecord = System.currentTimeMillis();
            while (System.currentTimeMillis() - lastRecord < 12_000) {
                ConsumerRecords<String, String> recs;
                try {
                    recs = c.poll(Duration.ofMillis(500));
                } catch (Exception e) {
                    log("[dlq] poll threw %s", e);
                    continue;
                }
                for (ConsumerRecord<String, String> r : recs) {
                    lastRecord = System.currentTimeMillis();
                    int dc = r.deliveryCount().orElse((short) -1);
                    deliveries.computeIfAbsent(r.value(), k -> new ArrayList<>()).add(dc);
                    AcknowledgeType t = switch (r.value()) {
                        case "lead-released-forever" -> AcknowledgeType.RELEASE;
                        case "lead-rejected" -> AcknowledgeType.REJECT;
                        default -> AcknowledgeType.ACCEPT;
                    };
                    log("[dlq] offset %d %s deliveryCount=%d -> %s", r.offset(), r.value(), dc, t);
                    c.acknowledge(r, t);
                }
                if (!recs.isEmpty()) {
                    var res = c.commitSync();
                    log("[dlq]   commitSync -> %s", res);
                }
            }
            log("[dlq] no record for 12 s. deliveries per lead (deliveryCount values seen): %s", deliveries);
            log("[dlq] acknowledgement callbacks: %s", callbacks);
        }
        var offsets = admin.listShareGroupOffsets(Map.of(group, new ListShareGroupOffsetsSpec())).all().get();
        Set<String> topicsAfter = admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true)).names().get();
        Set<String> newTopics = new java.util.TreeSet<>(topicsAfter);
        newTopics.removeAll(topicsBefore);
        log("[dlq] share-group start offset after: %s; topics created meanwhile: %s (all topics: %s)",
                offsets.get(group), newTopics, new java.util.TreeSet<>(topicsAfter));
    }

    // ---------------------------------------------------------------- 5. crash redelivery

    static void crash(String bs, Admin admin) throws Exception {
        String topic = "t-crash";
        Support.createTopic(admin, topic, 1);
        try (KafkaProducer<String, String> p = Support.producer(bs)) {
            for (int i = 0; i < 600; i++) {
                p.send(new ProducerRecord<>(topic, "pub-" + (i % 7), "lead-" + i));
            }
            p.flush();
        }
        log("[crash] produced 600 records to 1 partition");
        crashOnce(bs, admin, topic, "g-crash-halt", "halt");
        crashOnce(bs, admin, topic, "g-crash-hang", "hang");
        // clean close without acknowledging: how fast are the records released?
        String g2 = "g-crash-close";
        Support.prepareGroup(admin, g2, Map.of());
        Map<String, Object> cfg = Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100,
                ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
        int held;
        try (KafkaShareConsumer<String, String> c1 = Support.shareConsumer(bs, g2, "closer", cfg)) {
            c1.subscribe(List.of(topic));
            held = poll(c1, 15_000).count();
            log("[crash-close] consumer holds %d acquired records, calls close() without acknowledging", held);
        }
        long closed = System.currentTimeMillis();
        try (KafkaShareConsumer<String, String> c2 = Support.shareConsumer(bs, g2, "after-close", cfg)) {
            c2.subscribe(List.of(topic));
            ConsumerRecords<String, String> recs = poll(c2, 60_000);
            long first = recs.isEmpty() ? -1 : recs.iterator().next().offset();
            log("[crash-close] next consumer got %d records after %d ms, first offset %d deliveryCount=%s", recs.count(),
                    System.currentTimeMillis() - closed, first,
                    recs.isEmpty() ? "-" : recs.iterator().next().deliveryCount());
        }
    }

    /** halt: child calls Runtime.halt (socket closed by the OS). hang: child is frozen with SIGSTOP (socket stays open). */
    static void crashOnce(String bs, Admin admin, String topic, String group, String how) throws Exception {
        Support.prepareGroup(admin, group, Map.of());
        log("[crash-%s] starting child JVM consumer", how);
        Process child = child("child-crash", bs, group, how);
        long dead = -1;
        BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream()));
        String line;
        while ((line = r.readLine()) != null) {
            if (line.contains("CHILD")) {
                log("[crash-%s] child: %s", how, line.substring(line.indexOf(']') + 2));
            }
            if (line.contains("CHILD holds")) {
                if (how.equals("hang")) {
                    new ProcessBuilder("kill", "-STOP", Long.toString(child.pid())).inheritIO().start().waitFor();
                    dead = System.currentTimeMillis();
                    log("[crash-hang] child JVM pid %d frozen with SIGSTOP (TCP connection stays open); survivor starts",
                            child.pid());
                    break;
                }
            }
        }
        if (how.equals("halt")) {
            int rc = child.waitFor();
            dead = System.currentTimeMillis();
            log("[crash-halt] child JVM exited rc=%d (Runtime.halt); survivor starts now", rc);
        }
        Map<Long, Integer> got = new ConcurrentHashMap<>();
        Map<Integer, Integer> deliveryCounts = new TreeMap<>();
        long firstAt = -1;
        long lastAt = -1;
        try (KafkaShareConsumer<String, String> c = Support.shareConsumer(bs, group, "survivor-" + how, Map.of())) {
            c.subscribe(List.of(topic));
            while (System.currentTimeMillis() - dead < 80_000) {
                ConsumerRecords<String, String> recs = c.poll(Duration.ofMillis(200));
                for (ConsumerRecord<String, String> rec : recs) {
                    long now = System.currentTimeMillis();
                    if (firstAt < 0) {
                        firstAt = now;
                        log("[crash-%s] survivor's first record: offset %d deliveryCount=%s, %d ms after the crash",
                                how, rec.offset(), rec.deliveryCount().orElse((short) -1), now - dead);
                    }
                    lastAt = now;
                    got.merge(rec.offset(), 1, Integer::sum);
                    deliveryCounts.merge((int) rec.deliveryCount().orElse((short) -1), 1, Integer::sum);
                    c.acknowledge(rec, AcknowledgeType.ACCEPT);
                }
                if (!recs.isEmpty()) {
                    c.commitSync();
                }
                if (got.size() >= 100 && System.currentTimeMillis() - lastAt > 5_000) {
                    break;
                }
            }
        } finally {
            child.destroyForcibly(); // SIGKILL to the child this run started (no-op if it already exited)
            child.waitFor();
        }
        long lo = got.keySet().stream().mapToLong(Long::longValue).min().orElse(-1);
        long hi = got.keySet().stream().mapToLong(Long::longValue).max().orElse(-1);
        long belowCommitted = got.keySet().stream().filter(o -> o < 500).count();
        log("[crash-%s] RESULT: survivor received %d distinct records (offsets %d..%d, deliveryCount histogram %s), "
                        + "%d of them below offset 500 (already ACCEPTed+committed by the crashed consumer); "
                        + "first after %d ms, last after %d ms", how,
                got.size(), lo, hi, deliveryCounts, belowCommitted, firstAt < 0 ? -1 : firstAt - dead,
                lastAt < 0 ? -1 : lastAt - dead);
    }

    static void childCrash(String bs, String group, String how) throws Exception {
        Map<String, Object> cfg = Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100,
                ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
        KafkaShareConsumer<String, String> c = Support.shareConsumer(bs, group, "doomed-" + how, cfg);
        c.subscribe(List.of("t-crash"));
        int acked = 0;
        while (true) {
            ConsumerRecords<String, String> recs = c.poll(Duration.ofMillis(500));
            if (recs.isEmpty()) {
                continue;
            }
            long lo = Long.MAX_VALUE;
            long hi = -1;
            for (ConsumerRecord<String, String> r : recs) {
                lo = Math.min(lo, r.offset());
                hi = Math.max(hi, r.offset());
            }
            if (acked >= 500) {
                log("CHILD holds %d acquired, unacknowledged records (offsets %d..%d) after acknowledging+committing %d;"
                        + " %s now", recs.count(), lo, hi, acked, how.equals("halt") ? "Runtime.halt(1)" : "freeze");
                System.out.flush();
                if (how.equals("halt")) {
                    Runtime.getRuntime().halt(1);
                }
                Thread.sleep(Long.MAX_VALUE);
            }
            for (ConsumerRecord<String, String> r : recs) {
                c.acknowledge(r, AcknowledgeType.ACCEPT);
            }
            var res = c.commitSync();
            acked += recs.count();
            log("CHILD ACCEPTed+committed offsets %d..%d (%d records, total %d): %s", lo, hi, recs.count(), acked, res);
        }
    }

    // ---------------------------------------------------------------- helpers

    static Process child(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), Spike.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    static ConsumerRecords<String, String> poll(KafkaShareConsumer<String, String> c, long maxMs) {
        long end = System.currentTimeMillis() + maxMs;
        while (System.currentTimeMillis() < end) {
            ConsumerRecords<String, String> recs = c.poll(Duration.ofMillis(200));
            if (!recs.isEmpty()) {
                return recs;
            }
        }
        return ConsumerRecords.empty();
    }

    static String id(ConsumerRecord<?, ?> r) {
        return r == null ? "null" : "p" + r.partition() + "@" + r.offset() + "(" + r.value() + ")";
    }

    static String describe(ConsumerRecords<String, String> recs) {
        List<String> l = new ArrayList<>();
        for (ConsumerRecord<String, String> r : recs) {
            l.add(id(r) + "dc=" + r.deliveryCount().orElse((short) -1));
        }
        return recs.count() + " records " + l;
    }

    private Spike() {
    }
}
