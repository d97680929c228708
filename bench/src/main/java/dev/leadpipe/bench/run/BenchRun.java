package dev.leadpipe.bench.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.leadpipe.bench.Bench;
import dev.leadpipe.bench.SampleLeads;
import dev.leadpipe.bench.ServiceJvm;
import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.topic.TopicAdmin;
import dev.leadpipe.kafka.BrokerProcess;
import dev.leadpipe.ops.auth.ApiKeyRecords;
import dev.leadpipe.ops.auth.ApiKeys;
import dev.leadpipe.ops.auth.Role;

/**
 * The run every stage shares: a real single-node KRaft broker in a JVM of its own ({@link BrokerProcess}, heap 1 GiB)
 * with the pipeline's topics, an operator API key on {@code leadpipe-api-keys}, a secret key every service encrypts
 * with, and the work folder ({@code <root>/bench/target/bench-run/}) where each stage's files and service logs go.
 * {@link #close} stops every service still running and the broker.
 */
public final class BenchRun implements Bench, AutoCloseable {
    private final Path root;
    private final Path work;
    private final double scale;
    private final BrokerProcess broker;
    private final Map<String, String> commonEnv;
    private final String apiKey;
    private final GeneratedLeads leads;
    private final Map<String, Object> shared = new ConcurrentHashMap<>();
    private final List<ServiceProcess> services = new ArrayList<>();

    private BenchRun(Path root, Path work, double scale, BrokerProcess broker) {
        this.root = root;
        this.work = work;
        this.scale = scale;
        this.broker = broker;
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.commonEnv = Map.of(
                "KAFKA_BOOTSTRAP_SERVERS",
                broker.bootstrapServers(),
                "LEADPIPE_SECRET_KEYS",
                "bench=" + Base64.getEncoder().encodeToString(key));
        TopicAdmin.ensureTopics(KafkaConnection.plaintext(broker.bootstrapServers()), (short) 1);
        this.apiKey = operatorKey(broker.bootstrapServers());
        this.leads = GeneratedLeads.fromFeed(root, 19L);
    }

    /** Starts the broker under {@code <root>/bench/target/bench-run/} (emptied first). */
    public static BenchRun start(Path root, double scale) throws Exception {
        Path work = root.resolve("bench/target/bench-run");
        deleteTree(work);
        Files.createDirectories(work);
        BrokerProcess broker = BrokerProcess.start(work.resolve("broker"), "1g");
        try {
            return new BenchRun(root, work, scale, broker);
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    @Override
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    @Override
    public Path workDir(String name) {
        try {
            Path dir = work.resolve(name);
            for (int n = 2; Files.exists(dir); n++) {
                dir = work.resolve(name + "-" + n);
            }
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + name + " under " + work, e);
        }
    }

    @Override
    public ServiceJvm start(String service, Map<String, String> env, String heap) throws Exception {
        Map<String, String> all = new HashMap<>(commonEnv);
        all.putAll(env);
        ServiceProcess s = ServiceProcess.start(root, service, all, heap, work.resolve("logs"), apiKey);
        synchronized (services) {
            services.add(s);
        }
        return s;
    }

    @Override
    public SampleLeads leads() {
        return leads;
    }

    @Override
    public double scale() {
        return scale;
    }

    @Override
    public void progress(String line) {
        System.err.printf("[bench %s] %s%n", Instant.now().toString().substring(11, 19), line);
    }

    @Override
    public String apiKey() {
        return apiKey;
    }

    @Override
    public void share(String key, Object value) {
        shared.put(key, value);
    }

    @Override
    public <T> Optional<T> shared(String key, Class<T> type) {
        Object v = shared.get(key);
        return type.isInstance(v) ? Optional.of(type.cast(v)) : Optional.empty();
    }

    /** The broker JVM's process id (for its CPU time). */
    public long brokerPid() {
        return broker.pid();
    }

    @Override
    public void close() {
        synchronized (services) {
            services.forEach(ServiceProcess::close);
            services.clear();
        }
        try {
            broker.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String operatorKey(String bootstrap) {
        ApiKeys.NewKey key = ApiKeys.create(EnumSet.of(Role.OPERATOR), List.of(), "bench", Instant.now());
        ApiKeyRecords.put(KafkaConnection.plaintext(bootstrap), key.stored(), Duration.ofSeconds(30));
        return key.key();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
