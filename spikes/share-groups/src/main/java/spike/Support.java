package spike;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

final class Support {
    static final long T0 = System.currentTimeMillis();

    private Support() {
    }

    static synchronized void log(String fmt, Object... args) {
        System.out.printf("[%7.1fs] %s%n", (System.currentTimeMillis() - T0) / 1000.0, String.format(fmt, args));
        System.out.flush();
    }

    static Admin admin(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(p);
    }

    static void createTopic(Admin admin, String topic, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }

    /** Group-level dynamic config (share.auto.offset.reset, share.record.lock.duration.ms, ...). */
    static void setGroupConfig(Admin admin, String group, Map<String, String> configs)
            throws ExecutionException, InterruptedException {
        ConfigResource res = new ConfigResource(ConfigResource.Type.GROUP, group);
        Collection<AlterConfigOp> ops = new ArrayList<>();
        configs.forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
        admin.incrementalAlterConfigs(Map.of(res, ops)).all().get();
    }

    static void prepareGroup(Admin admin, String group, Map<String, String> extra) throws Exception {
        Map<String, String> m = new HashMap<>(extra);
        m.put("share.auto.offset.reset", "earliest");
        setGroupConfig(admin, group, m);
    }

    static KafkaShareConsumer<String, String> shareConsumer(String bootstrap, String group, String clientId,
                                                             Map<String, Object> extra) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
        p.putAll(extra);
        return new KafkaShareConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    static KafkaProducer<String, String> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /** "n=.. p50=.. p99=.. max=.." in ms. */
    static String pct(List<Long> values) {
        if (values.isEmpty()) {
            return "n=0";
        }
        List<Long> v = new ArrayList<>(values);
        Collections.sort(v);
        return String.format("n=%d p50=%dms p90=%dms p99=%dms max=%dms", v.size(), at(v, 0.50), at(v, 0.90),
                at(v, 0.99), v.get(v.size() - 1));
    }

    static long at(List<Long> sorted, double q) {
        int i = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    static int threadCount() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** Resident set size of this JVM in MiB, from /proc/self/status. */
    static long rssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (Exception ignored) {
            // not Linux
        }
        return -1;
    }

    static long countThreadsNamed(String fragment) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().contains(fragment)).count();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        }
    }
}
