package dev.leadpipe.local;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import dev.leadpipe.azurite.testing.AzuriteExtension;
import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.sink.table.TableSinkApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.leadpipe.local.SystemTestSupport.entityCount;
import static dev.leadpipe.local.SystemTestSupport.leads;
import static dev.leadpipe.local.SystemTestSupport.outcomes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * sink-table in its own JVM, killed with SIGKILL in the middle of its work and started again: every lead is in
 * Azurite exactly once and has an outcome; none is lost.
 */
class SinkCrashSystemTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    private static RunningPipeline pipeline;

    @BeforeAll
    static void startPipeline() throws Exception {
        pipeline = RunningPipeline.start(KAFKA.bootstrapServers());
    }

    @AfterAll
    static void stopPipeline() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void aSinkKilledMidBatchAndRestartedLosesNothingAndDuplicatesNothing() throws Exception {
        String offer = "crash.table";
        pipeline.putTableDestination(offer, AZURITE.connectionString());
        Set<String> ids = new HashSet<>(pipeline.postLeads(leads(offer, 2_000)));
        assertThat(ids).hasSize(2_000);

        Process first = startSinkJvm("first", 1);
        List<Outcome> before = outcomes(
                KAFKA.bootstrapServers(), offer, os -> os.size() >= 150, Duration.ofSeconds(90), Duration.ZERO);
        assertThat(first.isAlive())
                .as("the sink was still working when it was killed")
                .isTrue();
        first.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no commit
        assertThat(before.size()).as("killed mid-run").isBetween(150, 1_999);

        Process second = startSinkJvm("second", 8);
        try {
            List<Outcome> all = outcomes(
                    KAFKA.bootstrapServers(),
                    offer,
                    os -> os.stream().map(Outcome::leadId).distinct().count() >= 2_000,
                    Duration.ofSeconds(150),
                    Duration.ofSeconds(2));
            Set<String> withOutcome = all.stream().map(Outcome::leadId).collect(Collectors.toSet());
            assertThat(withOutcome).as("every lead has an outcome").isEqualTo(ids);
            assertThat(all).allSatisfy(o -> assertThat(o.outcome()).isEqualTo(OutcomeType.DELIVERED));
            assertThat(entityCount(AZURITE.connectionString(), offer))
                    .as("entities = unique leads")
                    .isEqualTo(2_000);
        } finally {
            second.destroy();
            second.waitFor();
        }
    }

    /** sink-table's own main in a child JVM; {@code concurrency} 1 for the first keeps it busy long enough to be killed mid-run. */
    private static Process startSinkJvm(String name, int concurrency) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(
                java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), TableSinkApp.class.getName());
        pb.environment().put("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers());
        pb.environment().put("SINK_MAX_CONCURRENCY_PER_ENDPOINT", String.valueOf(concurrency));
        pb.environment().put(DestinationAddresses.ALLOWED_HOSTS_ENV, "127.0.0.1,localhost"); // Azurite on loopback
        File log = Path.of("target", "sink-crash-" + name + ".log").toFile();
        pb.redirectErrorStream(true).redirectOutput(log);
        return pb.start();
    }
}
