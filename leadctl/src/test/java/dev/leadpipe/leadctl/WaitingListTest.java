package dev.leadpipe.leadctl;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.core.retry.WaitingLead;
import dev.leadpipe.core.retry.WaitingLead.Reason;
import dev.leadpipe.core.topic.TopicSpec;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicWriter;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code waiting list} against a real broker whose lead-waiting holds records and tombstones as the sinks write them. */
class WaitingListTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    /** Unique per run, so the tests also hold on a shared cluster (KAFKA_BOOTSTRAP_SERVERS) with other records. */
    static final String RUN = "t" + UUID.randomUUID().toString().substring(0, 8);

    static final String ALPHA = RUN + ".alpha";
    static final String BETA = RUN + ".beta";
    static final String A1 = RUN + "-a1";
    static final String A2 = RUN + "-a2";
    static final String A3 = RUN + "-a3";
    static final String B1 = RUN + "-b1";
    static final String B2 = RUN + "-b2";
    static final String BAD = RUN + "-bad";
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    private static WaitingLead w(
            String leadId,
            String offer,
            String type,
            Reason reason,
            Duration ago,
            int attempts,
            ErrorClass cls,
            int status) {
        Instant since = NOW.minus(ago);
        return new WaitingLead(leadId, offer, type, reason, since, NOW.plusSeconds(600), attempts, cls, status, NOW);
    }

    @BeforeAll
    static void seed() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        TopicWriter.write(
                bootstrap,
                Topics.LEAD_WAITING,
                List.of(
                        w(
                                A1,
                                ALPHA,
                                "table",
                                Reason.CIRCUIT_OPEN,
                                Duration.ofHours(2),
                                4,
                                ErrorClass.TABLE_UNAVAILABLE,
                                503),
                        w(
                                A2,
                                ALPHA,
                                "table",
                                Reason.RETRY,
                                Duration.ofMinutes(30),
                                2,
                                ErrorClass.TABLE_UNAVAILABLE,
                                500),
                        w(
                                A3,
                                ALPHA,
                                "table",
                                Reason.RETRY,
                                Duration.ofMinutes(20),
                                1,
                                ErrorClass.TABLE_UNAVAILABLE,
                                503),
                        // B1 keeps waiting: two records, the latest counts
                        w(
                                B1,
                                BETA,
                                "dynamics",
                                Reason.RETRY,
                                Duration.ofMinutes(10),
                                1,
                                ErrorClass.DYNAMICS_THROTTLED,
                                429),
                        w(
                                B1,
                                BETA,
                                "dynamics",
                                Reason.RETRY,
                                Duration.ofMinutes(10),
                                3,
                                ErrorClass.DYNAMICS_TIMEOUT,
                                0),
                        w(B2, BETA, "https", Reason.BUSY, Duration.ofMinutes(5), 0, null, 0)),
                WaitingLead::leadId,
                Map.of());
        // A3 got its outcome: its tombstone follows
        TopicWriter.writeTombstones(bootstrap, Topics.LEAD_WAITING, List.of(A3));
        // a record nobody can read
        TopicSpec<String, byte[]> raw = new TopicSpec<>(
                Topics.LEAD_WAITING.name(), Serdes.String(), Serdes.ByteArray(), Topics.LEAD_PARTITIONS, true);
        TopicWriter.write(bootstrap, raw, List.of("{not json".getBytes(StandardCharsets.UTF_8)), v -> BAD, Map.of());
    }

    private static Cli.Run cli(String... args) {
        return Cli.on(KAFKA.bootstrapServers(), args);
    }

    private static String[] ours(String... more) {
        List<String> args = new ArrayList<>(List.of("waiting", "list", "--offer", ALPHA, "--offer", BETA));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void listsEachWaitingLeadsLatestRecordOldestFirstWithASummary() {
        Cli.Run run = cli(ours());
        assertThat(run.exit()).as(run.toString()).isZero();
        List<String> lines = run.outLines();
        assertThat(lines.get(0))
                .contains(
                        "LEAD ID",
                        "OFFER",
                        "DESTINATION",
                        "REASON",
                        "ATTEMPTS",
                        "WAITING SINCE",
                        "NEXT ATTEMPT",
                        "CLASS",
                        "HTTP");
        assertThat(lines).hasSize(1 + 4 + 1);
        // oldest wait first; A3 (tombstoned) is gone; B1 once, as its latest record says
        assertThat(lines.get(1))
                .startsWith(A1)
                .contains(
                        ALPHA,
                        "table",
                        "CIRCUIT_OPEN",
                        " 4 ",
                        NOW.minus(Duration.ofHours(2)).toString(),
                        NOW.plusSeconds(600).toString())
                .containsPattern("TABLE_UNAVAILABLE +503$");
        assertThat(lines.get(2)).startsWith(A2).contains("RETRY", " 2 ").containsPattern("TABLE_UNAVAILABLE +500$");
        assertThat(lines.get(3))
                .startsWith(B1)
                .contains(BETA, "dynamics", "RETRY", " 3 ")
                .containsPattern("DYNAMICS_TIMEOUT +-$");
        assertThat(lines.get(4)).startsWith(B2).contains("https", "BUSY", " 0 ").containsPattern("Z +- +-$");
        assertThat(lines.get(5)).isEqualTo("4 waiting leads (by offer: " + ALPHA + "=2, " + BETA + "=2)");
        assertThat(run.out()).doesNotContain(A3);
        assertThat(run.errLines())
                .singleElement()
                .asString()
                .matches("leadctl: skipped \\d+ unreadable records? of lead-waiting");
    }

    @Test
    void filtersByOfferDestinationClassAndWaitStart() {
        assertThat(cli("waiting", "list", "--offer", BETA).out())
                .contains(B1, B2)
                .doesNotContain(A1, A2)
                .contains("2 waiting leads (by offer: " + BETA + "=2)");
        assertThat(cli(ours("--destination", "TABLE")).out())
                .contains(A1, A2)
                .doesNotContain(B1, B2)
                .contains("2 waiting leads");
        assertThat(cli(ours("--class", "dynamics_timeout")).out())
                .contains(B1)
                .doesNotContain(A1, A2, B2)
                .contains("1 waiting lead (by offer: " + BETA + "=1)");
        assertThat(cli(ours("--since", "1h")).out())
                .contains(A2, B1, B2)
                .doesNotContain(A1)
                .contains("3 waiting leads");
        assertThat(cli(ours("--until", "1h")).out())
                .contains(A1)
                .doesNotContain(A2, B1, B2)
                .contains("1 waiting lead");
    }

    @Test
    void jsonPrintsOneObjectPerLeadWithItsFixAndTheSummaryOnStderr() throws Exception {
        Cli.Run run = cli(ours("--json"));
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.outLines()).hasSize(4);
        JsonNode a1 = Json.MAPPER.readTree(run.outLines().get(0));
        assertThat(a1.path("leadId").asText()).isEqualTo(A1);
        assertThat(a1.path("offerId").asText()).isEqualTo(ALPHA);
        assertThat(a1.path("destinationType").asText()).isEqualTo("table");
        assertThat(a1.path("reason").asText()).isEqualTo("CIRCUIT_OPEN");
        assertThat(Instant.parse(a1.path("since").asText())).isEqualTo(NOW.minus(Duration.ofHours(2)));
        assertThat(Instant.parse(a1.path("nextAttemptAt").asText())).isEqualTo(NOW.plusSeconds(600));
        assertThat(a1.path("attempts").asInt()).isEqualTo(4);
        assertThat(a1.path("errorClass").asText()).isEqualTo("TABLE_UNAVAILABLE");
        assertThat(a1.path("httpStatus").asInt()).isEqualTo(503);
        assertThat(a1.path("fix").asText()).isEqualTo(ErrorClass.TABLE_UNAVAILABLE.remediation());
        JsonNode b2 = Json.MAPPER.readTree(run.outLines().get(3));
        assertThat(b2.path("reason").asText()).isEqualTo("BUSY");
        assertThat(b2.has("errorClass")).isFalse();
        assertThat(b2.has("fix")).isFalse();
        assertThat(run.err()).contains("4 waiting leads (by offer: ");
    }

    @Test
    void limitShowsTheOldestAndStillCountsAll() {
        Cli.Run run = cli(ours("--limit", "1"));
        assertThat(run.outLines()).hasSize(3);
        assertThat(run.outLines().get(1)).startsWith(A1);
        assertThat(run.out()).contains("4 waiting leads").contains("showing the first 1");
    }

    @Test
    void nothingWaitingIsNotAnError() {
        Cli.Run run = cli("waiting", "list", "--offer", RUN + ".nobody");
        assertThat(run.exit()).isZero();
        assertThat(run.out().strip()).isEqualTo("0 waiting leads");
    }

    @Test
    void badArgumentsAreExit2WithOneLineAndAHint() {
        Cli.Run type = cli("waiting", "list", "--destination", "ftp");
        assertThat(type.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(type.out()).isEmpty();
        assertThat(type.errLines()).hasSize(2);
        assertThat(type.errLines().get(0))
                .contains(
                        "unknown destination type 'ftp'; valid types: dynamics, salesforce, table, https, none, blob");
        assertThat(type.errLines().get(1)).isEqualTo("Try 'leadctl waiting list --help' for more information.");
        Cli.Run limit = cli("waiting", "list", "--limit", "-1");
        assertThat(limit.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(limit.errLines()).hasSize(2);
        assertThat(limit.errLines().get(0)).contains("--limit must be 0 or more");
        Cli.Run none = cli("waiting");
        assertThat(none.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(none.errLines().get(0)).contains("Missing required subcommand (list, retry-now)");
    }

    @Test
    void anUnreachableBrokerIsExit3InOneLine() {
        Cli.Run run = Cli.run("--bootstrap-servers", "127.0.0.1:1", "waiting", "list");
        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCodes.KAFKA_UNREACHABLE);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines().get(0)).startsWith("leadctl: cannot reach Kafka at 127.0.0.1:1: ");
    }
}
