package dev.leadpipe.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.KafkaSettings;
import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.topic.TopicAdmin;
import dev.leadpipe.core.topic.TopicSpec;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.EmbeddedKafkaBroker;
import dev.leadpipe.kafka.GroupOffsets;
import dev.leadpipe.ops.testing.TestKeys;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The part of the pipeline every scenario shares: a real broker (embedded KRaft in this JVM, or the cluster named
 * by {@code KAFKA_BOOTSTRAP_SERVERS}), and ingest and the router each in a child JVM ({@link ServiceLauncher}), logs
 * under {@code target/faults/pipeline/}. Started once per test JVM, by the first scenario class that registers this
 * extension, and stopped when the run ends (JUnit's root store closes it).
 *
 * <p>Scenarios stay apart by offer ids of their own and by a sink consumer group of their own, which
 * {@link #newSinkGroup} positions at the current end of {@code deliveries.https} and its retry tiers: a scenario's
 * sinks never see an earlier scenario's leads.
 */
final class FaultPipeline implements BeforeAllCallback {
    static final Path FAULTS_DIR = Path.of("target", "faults");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Shared common;
    /** Set for a pipeline of its own ({@link #startOn}); null for the one every scenario shares. */
    private final Shared own;

    /** The shared pipeline; register as a JUnit extension ({@code @RegisterExtension static final ...}). */
    FaultPipeline() {
        this.own = null;
    }

    private FaultPipeline(Shared own) {
        this.own = own;
    }

    /**
     * A pipeline of its own (router and ingest JVMs) on the broker at {@code bootstrap}, for a scenario that needs a
     * broker it can stop; {@link #close} it.
     */
    static FaultPipeline startOn(String bootstrap, String logName) {
        return new FaultPipeline(Shared.start(null, bootstrap, logName));
    }

    /** Stops a pipeline of its own ({@link #startOn}); nothing for the shared one, which JUnit stops at the end. */
    void close() {
        if (own != null) {
            own.close();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        synchronized (FaultPipeline.class) {
            if (common == null) {
                common = context.getRoot()
                        .getStore(ExtensionContext.Namespace.GLOBAL)
                        .getOrComputeIfAbsent(Shared.class, k -> Shared.startShared(), Shared.class);
            }
        }
        recordThatTheClassRanAgainstARealBroker(context, common);
    }

    private Shared shared() {
        Shared s = own != null ? own : common;
        if (s == null) {
            throw new IllegalStateException(
                    "the pipeline starts in beforeAll: register the extension on a static field");
        }
        return s;
    }

    String bootstrap() {
        return shared().bootstrap;
    }

    String ingestUrl() {
        return shared().ingest.baseUrl();
    }

    /** The operator key ingest accepts ({@link TestKeys#operator}). */
    String apiKey() {
        return shared().apiKey;
    }

    /** The router's child JVM (for the router kill scenario). */
    ServiceLauncher.Service router() {
        return shared().router;
    }

    /** What every child JVM of a scenario needs too: the broker and the secret key ingest encrypts with. */
    Map<String, String> commonEnv() {
        return shared().commonEnv;
    }

    /**
     * Saves an https destination posting to {@code url} over ingest's API ({@code PUT
     * /v1/offers/{offerId}/lead-destination}); returns the stored version.
     */
    long putHttpsDestination(String offerId, String url) throws Exception {
        String body = "{\"type\":\"https\",\"settings\":{\"url\":\"" + url + "\"}}";
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(ingestUrl() + "/v1/offers/" + offerId + "/lead-destination"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", TestKeys.bearer(apiKey()))
                        .PUT(HttpRequest.BodyPublishers.ofString(body))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 && r.statusCode() != 201) {
            throw new IllegalStateException("saving " + offerId + "'s destination: " + r.statusCode() + " " + r.body());
        }
        return dev.leadpipe.core.json.Json.MAPPER
                .readTree(r.body())
                .get("version")
                .asLong();
    }

    /**
     * A new consumer group for a scenario's sinks, its offsets set to the current end of {@code deliveries.https} and
     * of its retry tiers, so the scenario's sinks start after every earlier scenario's leads.
     */
    String newSinkGroup(String scenario) throws Exception {
        String group = "faults-" + scenario + "-" + UUID.randomUUID().toString().substring(0, 8);
        List<TopicSpec<?, ?>> topics = new ArrayList<>();
        topics.add(Topics.DELIVERIES_HTTPS);
        topics.addAll(Topics.retryTiers(DestinationType.HTTPS));
        GroupOffsets.atEnd(bootstrap(), group, topics);
        return group;
    }

    /** Leaves target/real-kafka-tests/CLASS for bin/kafka-test-report, as KafkaBrokerExtension does. */
    private static void recordThatTheClassRanAgainstARealBroker(ExtensionContext context, Shared shared) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "real-kafka-tests"));
            String kind = shared.broker != null
                    ? "embedded KRaft broker, Kafka " + AppInfoParser.getVersion()
                    : "external cluster from KAFKA_BOOTSTRAP_SERVERS";
            Files.writeString(dir.resolve(context.getRequiredTestClass().getName()), kind + "\n");
        } catch (IOException e) {
            // a convenience for the report only
        }
    }

    /** The broker, ingest and router; closed by JUnit at the end of the run. */
    static final class Shared implements AutoCloseable {
        private final EmbeddedKafkaBroker broker;
        private final String bootstrap;
        private final Map<String, String> commonEnv;
        private final ServiceLauncher launcher;
        private ServiceLauncher.Service ingest;
        private ServiceLauncher.Service router;
        /** An operator key, made before ingest starts; the load and the destination writes send it. */
        private String apiKey;

        private Shared(EmbeddedKafkaBroker broker, String bootstrap, String logName) throws IOException {
            this.broker = broker;
            this.bootstrap = bootstrap;
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            this.commonEnv = Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS",
                    bootstrap,
                    "LEADPIPE_SECRET_KEYS",
                    "faults=" + Base64.getEncoder().encodeToString(key),
                    DestinationAddresses.ALLOWED_HOSTS_ENV,
                    "127.0.0.1,localhost");
            this.launcher = new ServiceLauncher(FAULTS_DIR.resolve(logName), commonEnv);
        }

        /** The embedded broker (or {@code KAFKA_BOOTSTRAP_SERVERS}'s cluster), ingest and the router. */
        static Shared startShared() {
            String external = KafkaSettings.bootstrapFromEnvironment();
            EmbeddedKafkaBroker broker = external == null ? EmbeddedKafkaBroker.start() : null;
            return start(broker, external != null ? external : broker.bootstrapServers(), "pipeline");
        }

        /** Ingest and the router on {@code bootstrap}; {@code broker}, when given, is closed with them. */
        static Shared start(EmbeddedKafkaBroker broker, String bootstrap, String logName) {
            Shared s = null;
            try {
                s = new Shared(broker, bootstrap, logName);
                TopicAdmin.ensureTopics(KafkaConnection.plaintext(s.bootstrap), KafkaSettings.replicationFactor());
                s.apiKey = TestKeys.operator(s.bootstrap);
                String run = UUID.randomUUID().toString().substring(0, 8);
                Path stateDir = Files.createTempDirectory("faults-router-");
                s.router = s.launcher.start(
                        "router",
                        ServiceLauncher.Main.ROUTER,
                        Map.of(
                                "ROUTER_APPLICATION_ID",
                                "faults-router-" + run,
                                "ROUTER_STATE_DIR",
                                stateDir.toString()));
                s.ingest = s.launcher.start("ingest", ServiceLauncher.Main.INGEST, Map.of());
                return s;
            } catch (Exception e) {
                if (s != null) {
                    s.close();
                } else if (broker != null) {
                    broker.close();
                }
                throw new IllegalStateException("the fault suite's pipeline did not start: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            if (ingest != null) {
                ingest.stop();
            }
            if (router != null) {
                router.stop();
            }
            launcher.close();
            if (broker != null) {
                broker.close();
            }
        }
    }
}
