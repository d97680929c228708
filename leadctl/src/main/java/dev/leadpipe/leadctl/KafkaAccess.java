package dev.leadpipe.leadctl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import dev.leadpipe.core.KafkaConnection;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * How leadctl talks to Kafka: one {@link KafkaConnection} (the bootstrap address and the services' Kafka security
 * settings, see {@link Leadctl#kafkaConnection()}), a quick reachability check before any real work
 * ({@link #connect}: describe the cluster and list its topics within {@value #CHECK_SECONDS} s, else
 * {@link ExitCodes#KAFKA_UNREACHABLE} with one line "cannot reach Kafka at HOST:PORT: ..."), read_committed consumers
 * that never auto-commit or create topics, an acks=all idempotent producer and transactional ones.
 */
final class KafkaAccess {
    static final int CHECK_SECONDS = 10;
    private static final Pattern HOST_PORT = Pattern.compile("\\[?[A-Za-z0-9._:-]+]?:\\d{1,5}");

    private final KafkaConnection kafka;
    private final String bootstrapServers;

    private KafkaAccess(KafkaConnection kafka) {
        this.kafka = kafka;
        this.bootstrapServers = kafka.shownBootstrap();
    }

    /** The bootstrap servers as they may be printed (any {@code user:password@} part masked). */
    String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * Checks the address, then that a broker answers and every named topic exists; each failure is a
     * {@link LeadctlException} with one readable line.
     */
    static KafkaAccess connect(KafkaConnection kafka, String... requiredTopics) {
        validate(kafka.bootstrapServers());
        KafkaAccess access = new KafkaAccess(kafka);
        access.check(requiredTopics);
        return access;
    }

    /** As {@link #connect(KafkaConnection, String...)} over PLAINTEXT. */
    static KafkaAccess connect(String bootstrapServers, String... requiredTopics) {
        validate(bootstrapServers);
        return connect(KafkaConnection.plaintext(bootstrapServers), requiredTopics);
    }

    /** A usage error (exit 2) unless the address is a comma-separated list of HOST:PORT. */
    static void validate(String bootstrapServers) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new LeadctlException(ExitCodes.USAGE, "no Kafka address: give --bootstrap-servers HOST:PORT");
        }
        for (String part : bootstrapServers.trim().split(",")) {
            if (!HOST_PORT.matcher(part.trim()).matches()) {
                throw new LeadctlException(
                        ExitCodes.USAGE,
                        "invalid Kafka address '" + Privacy.safe(bootstrapServers.trim())
                                + "': expected HOST:PORT[,HOST:PORT...]");
            }
        }
    }

    private void check(String... requiredTopics) {
        Map<String, Object> config = new HashMap<>(common());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, CHECK_SECONDS * 1000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, CHECK_SECONDS * 1000);
        Admin admin;
        try {
            admin = Admin.create(config);
        } catch (RuntimeException e) {
            throw unreachable(e);
        }
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(CHECK_SECONDS * 1000))
                    .nodes()
                    .get(CHECK_SECONDS + 1, TimeUnit.SECONDS);
            Set<String> names = admin.listTopics(new ListTopicsOptions().timeoutMs(CHECK_SECONDS * 1000))
                    .names()
                    .get(CHECK_SECONDS + 1, TimeUnit.SECONDS);
            List<String> missing = new ArrayList<>();
            for (String t : requiredTopics) {
                if (!names.contains(t)) {
                    missing.add(t);
                }
            }
            if (!missing.isEmpty()) {
                throw new LeadctlException(
                        ExitCodes.FAILURE,
                        "Kafka at " + bootstrapServers + " has no topic " + String.join(", ", missing)
                                + " (is this leadpipe's cluster? the services create it at start-up)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LeadctlException(ExitCodes.INTERRUPTED, "interrupted while connecting to Kafka");
        } catch (ExecutionException | TimeoutException e) {
            throw unreachable(e);
        } finally {
            admin.close(Duration.ofSeconds(1));
        }
    }

    LeadctlException unreachable(Throwable e) {
        return new LeadctlException(
                ExitCodes.KAFKA_UNREACHABLE, "cannot reach Kafka at " + bootstrapServers + ": " + reason(e));
    }

    /** The innermost useful message of a failure, made safe to print. */
    static String reason(Throwable e) {
        Throwable t = e;
        while ((t instanceof ExecutionException
                        || t.getMessage() == null
                        || t.getMessage().startsWith("Failed to create new"))
                && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof TimeoutException && t.getMessage() == null) {
            return "no answer within " + CHECK_SECONDS + " s";
        }
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (msg.startsWith("Timed out waiting")) {
            msg = "no broker answered within " + CHECK_SECONDS + " s (" + msg + ")";
        }
        return Privacy.safeUpstream(msg);
    }

    private Map<String, Object> common() {
        Map<String, Object> config = kafka.clientProperties();
        config.put(CommonClientConfigs.CLIENT_ID_CONFIG, "leadctl");
        config.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2_000);
        return config;
    }

    /** An admin client (for consumer group offsets); the caller closes it. */
    Admin admin() {
        Map<String, Object> config = new HashMap<>(common());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        return Admin.create(config);
    }

    /** A consumer of raw keys and values, read_committed, no auto-commit; {@code groupId} may be null. */
    KafkaConsumer<byte[], byte[]> consumer(String groupId) {
        Map<String, Object> config = new HashMap<>(common());
        if (groupId != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        // leadctl reads fixed ranges: a range ending in a transaction marker needs one more fetch that returns nothing,
        // which the broker would otherwise hold for the default 500 ms (per partition read)
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** An acks=all idempotent producer of raw keys and values. */
    KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(producerConfig(), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * A transactional producer ({@code transactional.id} = {@code transactionalId}) of raw keys and values: starting
     * one ({@code initTransactions}) fences any other producer with the same id, aborting its open transaction. Its
     * transactions time out after {@value #TRANSACTION_TIMEOUT_MS} ms, so a replay killed mid-transaction holds back
     * read_committed readers of the partitions it wrote to for at most that long.
     */
    KafkaProducer<byte[], byte[]> transactionalProducer(String transactionalId) {
        Map<String, Object> config = producerConfig();
        config.put(CommonClientConfigs.CLIENT_ID_CONFIG, "leadctl-" + transactionalId);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT_MS);
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    static final int TRANSACTION_TIMEOUT_MS = 30_000;

    private Map<String, Object> producerConfig() {
        Map<String, Object> config = new HashMap<>(common());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        return config;
    }
}
