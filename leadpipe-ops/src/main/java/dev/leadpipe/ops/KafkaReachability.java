package dev.leadpipe.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.leadpipe.core.KafkaConnection;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.errors.AuthenticationException;

/**
 * Readiness check: the Kafka cluster answers a describe-cluster request within {@link #TIMEOUT}. The answer is cached
 * for {@link #CACHE}, so a scrape storm does not become a request storm. The reason names the bootstrap servers only
 * (any {@code user:password@} part masked), and says so when Kafka refused the credentials or the TLS handshake.
 */
public final class KafkaReachability implements Readiness.Check, AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(3);
    static final Duration CACHE = Duration.ofSeconds(5);

    private final String bootstrapServers;
    private final Admin admin;
    private final Clock clock;
    private Instant checkedAt;
    private String lastProblem;

    public KafkaReachability(KafkaConnection kafka) {
        this.bootstrapServers = kafka.shownBootstrap();
        this.clock = Clock.systemUTC();
        this.admin = Admin.create(kafka.clientProperties(Map.of(
                AdminClientConfig.CLIENT_ID_CONFIG,
                "leadpipe-readiness",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                (int) TIMEOUT.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) TIMEOUT.toMillis(),
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG,
                1000)));
    }

    @Override
    public synchronized String problem() {
        Instant now = clock.instant();
        if (checkedAt != null && Duration.between(checkedAt, now).compareTo(CACHE) < 0) {
            return lastProblem;
        }
        lastProblem = probe();
        checkedAt = clock.instant();
        return lastProblem;
    }

    private String probe() {
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis()))
                    .nodes()
                    .get(TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while asking Kafka at " + bootstrapServers;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthenticationException auth) {
                return "Kafka at " + bootstrapServers + " refused the connection ("
                        + auth.getClass().getSimpleName() + ")";
            }
            return "Kafka at " + bootstrapServers + " did not answer within " + TIMEOUT.toSeconds() + " s";
        } catch (TimeoutException e) {
            return "Kafka at " + bootstrapServers + " did not answer within " + TIMEOUT.toSeconds() + " s";
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(1));
    }
}
