package dev.leadpipe.leadctl;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.leadpipe.leadctl.DlqSeed.dl;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code dlq list} and {@code dlq show} against a real broker whose leads-dlq holds router-shaped records. */
class DlqListShowTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    /** Unique per run, so the tests also hold on a shared cluster (KAFKA_BOOTSTRAP_SERVERS) with other records. */
    static final String RUN = "t" + UUID.randomUUID().toString().substring(0, 8);

    static final String ALPHA = RUN + ".alpha";
    static final String BETA = RUN + ".beta";
    static final String A1 = RUN + "-a1";
    static final String A2 = RUN + "-a2";
    static final String B1 = RUN + "-b1";
    static final String B2 = RUN + "-b2";
    static final String M1 = RUN + "-m1";

    @BeforeAll
    static void seed() {
        DlqSeed.send(
                KAFKA.bootstrapServers(),
                dl(A1, ALPHA).error(ErrorClass.NO_DESTINATION_CONFIGURED, null).failedAgo(Duration.ofHours(3)),
                dl(A2, ALPHA).error(ErrorClass.DESTINATION_UNSUPPORTED, "blob").failedAgo(Duration.ofMinutes(30)),
                dl(B1, BETA)
                        .error(ErrorClass.TABLE_AUTH_FAILED, "table")
                        .attempts(5)
                        .failedAgo(Duration.ofMinutes(10))
                        .upstreamDetail("403 AuthenticationFailed for admin@contoso.example"),
                // B2 failed, was replayed once and failed again: two records, the newest counts
                dl(B2, BETA).error(ErrorClass.DYNAMICS_LOGIN_FAILED, "dynamics").failedAgo(Duration.ofHours(5)),
                dl(B2, BETA)
                        .error(ErrorClass.DYNAMICS_LOGIN_FAILED, "dynamics")
                        .replayCount(1)
                        .attempts(3)
                        .failedAgo(Duration.ofMinutes(5)),
                dl(M1, null)
                        .error(ErrorClass.MALFORMED_RECORD, null)
                        .value(("{not json, from mallory." + RUN + "@example.com").getBytes(StandardCharsets.UTF_8)));
    }

    private static Cli.Run cli(String... args) {
        return Cli.on(KAFKA.bootstrapServers(), args);
    }

    private static String[] ours(String... more) {
        List<String> args = new ArrayList<>(List.of("dlq", "list", "--offer", ALPHA, "--offer", BETA));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static void assertNoEmail(Cli.Run run) {
        assertThat(run.out() + run.err()).doesNotContain("@example.com").doesNotContain("@contoso.example");
    }

    @Test
    void listsTheNewestRecordOfEachLeadAsATableWithASummary() {
        Cli.Run run = cli(ours());
        assertThat(run.exit()).as(run.toString()).isZero();
        List<String> lines = run.outLines();
        assertThat(lines.get(0))
                .contains("LEAD ID", "OFFER", "DESTINATION", "CLASS", "KIND", "ATTEMPTS", "REPLAYS", "LAST FAILURE");
        assertThat(lines).hasSize(1 + 4 + 1);
        // oldest failure first; B2 once, with its newest record (replayed once, 3 attempts)
        assertThat(lines.get(1)).startsWith(A1).contains("NO_DESTINATION_CONFIGURED", "permanent");
        assertThat(lines.get(2)).startsWith(A2).contains(ALPHA, "blob", "DESTINATION_UNSUPPORTED");
        assertThat(lines.get(3)).startsWith(B1).contains("table", "TABLE_AUTH_FAILED", " 5 ");
        assertThat(lines.get(4))
                .startsWith(B2)
                .contains("dynamics", "DYNAMICS_LOGIN_FAILED")
                .containsPattern(" 3 +1 ");
        assertThat(lines.get(5))
                .isEqualTo("4 dead-lettered leads (by class: DESTINATION_UNSUPPORTED=1, "
                        + "DYNAMICS_LOGIN_FAILED=1, NO_DESTINATION_CONFIGURED=1, TABLE_AUTH_FAILED=1)");
        assertNoEmail(run);
    }

    @Test
    void filtersByClass() {
        Cli.Run run = cli(ours("--class", "TABLE_AUTH_FAILED", "--class", "dynamics_login_failed"));
        assertThat(run.exit()).isZero();
        assertThat(run.out())
                .contains(B1, B2)
                .doesNotContain(A1, A2)
                .contains("2 dead-lettered leads (by class: DYNAMICS_LOGIN_FAILED=1, TABLE_AUTH_FAILED=1)");
    }

    @Test
    void filtersByOffer() {
        Cli.Run run = cli("dlq", "list", "--offer", ALPHA);
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains(A1, A2).doesNotContain(B1, B2, M1).contains("2 dead-lettered leads");
    }

    @Test
    void filtersByDestinationType() {
        Cli.Run run = cli(ours("--destination", "TABLE", "--destination", "blob"));
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains(A2, B1).doesNotContain(A1, B2).contains("2 dead-lettered leads");
    }

    @Test
    void filtersByFailureTime() {
        Cli.Run recent = cli(ours("--since", "1h"));
        assertThat(recent.out()).contains(A2, B1, B2).doesNotContain(A1).contains("3 dead-lettered leads");

        Cli.Run older = cli(ours("--until", "20m"));
        assertThat(older.out()).contains(A1, A2).doesNotContain(B1, B2).contains("2 dead-lettered leads");

        String fourHoursAgo = java.time.Instant.now().minus(Duration.ofHours(4)).toString();
        Cli.Run window = cli(ours("--since", fourHoursAgo, "--until", "15m"));
        assertThat(window.out()).contains(A1, A2).doesNotContain(B1, B2);
    }

    @Test
    void nothingMatchingIsNotAnError() {
        Cli.Run run = cli("dlq", "list", "--offer", RUN + ".nobody");
        assertThat(run.exit()).isZero();
        assertThat(run.out().strip()).isEqualTo("0 dead-lettered leads");
    }

    @Test
    void allRecordsShowsEveryDeadLettering() {
        Cli.Run run = cli(ours("--all-records", "--offer", BETA, "--class", "DYNAMICS_LOGIN_FAILED"));
        assertThat(run.outLines().stream().filter(l -> l.startsWith(B2))).hasSize(2);
        assertThat(run.out()).contains("2 dead-letter records");
    }

    @Test
    void limitShowsTheFirstLeadsAndStillCountsAll() {
        Cli.Run run = cli(ours("--limit", "1"));
        assertThat(run.outLines()).hasSize(3);
        assertThat(run.out()).contains(A1).contains("4 dead-lettered leads").contains("showing the first 1");
    }

    @Test
    void jsonPrintsOneObjectPerLineWithEveryDeadLetterHeaderAndNoValue() throws Exception {
        Cli.Run run = cli(ours("--json"));
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.outLines()).hasSize(4);
        for (String line : run.outLines()) {
            JsonNode node = Json.MAPPER.readTree(line);
            assertThat(node.get("leadId").asText()).startsWith(RUN);
            assertThat(node.has("value")).isFalse();
            JsonNode headers = node.get("headers");
            for (String name : List.of(
                    DeadLetterHeaders.LEAD_ID,
                    DeadLetterHeaders.ERROR_CLASS,
                    DeadLetterHeaders.ERROR_KIND,
                    DeadLetterHeaders.REMEDIATION,
                    DeadLetterHeaders.OFFER_ID,
                    DeadLetterHeaders.ATTEMPTS,
                    DeadLetterHeaders.FIRST_FAILURE_TIME,
                    DeadLetterHeaders.LAST_FAILURE_TIME,
                    DeadLetterHeaders.SOURCE_TOPIC,
                    DeadLetterHeaders.SOURCE_PARTITION,
                    DeadLetterHeaders.SOURCE_OFFSET,
                    DeadLetterHeaders.REPLAY_COUNT)) {
                assertThat(headers.has(name)).as(name + " in " + line).isTrue();
            }
            headers.fieldNames().forEachRemaining(n -> assertThat(n).startsWith(DeadLetterHeaders.PREFIX));
        }
        JsonNode b1 = Json.MAPPER.readTree(run.outLines().get(2));
        assertThat(b1.get("leadId").asText()).isEqualTo(B1);
        assertThat(b1.get("headers").get(DeadLetterHeaders.UPSTREAM_DETAIL).asText())
                .isEqualTo("403 AuthenticationFailed for [redacted]");
        assertThat(run.err()).contains("4 dead-lettered leads");
        assertNoEmail(run);
    }

    @Test
    void neverPrintsAnEmailAddressFromValuesOrHeaders() {
        for (String[] args : List.of(
                new String[] {"dlq", "list"},
                new String[] {"dlq", "list", "--json"},
                new String[] {"dlq", "list", "--all-records"},
                new String[] {"dlq", "show", A1},
                new String[] {"dlq", "show", B1},
                new String[] {"dlq", "show", M1})) {
            Cli.Run run = cli(args);
            assertThat(run.exit()).as(run.toString()).isZero();
            assertNoEmail(run);
        }
    }

    @Test
    void showPrintsHeadersRemediationSourceAndNonPersonalFields() {
        Cli.Run run = cli("dlq", "show", B2);
        assertThat(run.exit()).as(run.toString()).isZero();
        String out = run.out();
        assertThat(out)
                .containsPattern(
                        "record +leads-dlq partition \\d offset \\d+ at \\S+ \\(newest of 2 dead-letter records");
        assertThat(out).contains("DYNAMICS_LOGIN_FAILED (permanent)");
        assertThat(out).contains(ErrorClass.DYNAMICS_LOGIN_FAILED.remediation());
        assertThat(out).contains("topic leads, partition 2, offset 41");
        assertThat(out).containsPattern("replay count +1");
        for (String header : List.of(
                DeadLetterHeaders.LEAD_ID,
                DeadLetterHeaders.ERROR_CLASS,
                DeadLetterHeaders.ERROR_KIND,
                DeadLetterHeaders.REMEDIATION,
                DeadLetterHeaders.DESTINATION_TYPE,
                DeadLetterHeaders.OFFER_ID,
                DeadLetterHeaders.ATTEMPTS,
                DeadLetterHeaders.FIRST_FAILURE_TIME,
                DeadLetterHeaders.LAST_FAILURE_TIME,
                DeadLetterHeaders.SOURCE_TOPIC,
                DeadLetterHeaders.SOURCE_PARTITION,
                DeadLetterHeaders.SOURCE_OFFSET,
                DeadLetterHeaders.REPLAY_COUNT)) {
            assertThat(out).contains(header);
        }
        assertThat(out).contains("original headers: traceparent");
        assertThat(out).containsPattern("offerId +" + BETA.replace(".", "\\."));
        assertThat(out).containsPattern("LeadSource +AzureMarketplace-INS\\|" + BETA.replace(".", "\\."));
        assertThat(out)
                .containsPattern("ActionCode +INS")
                .containsPattern("OfferTitle +Contoso Widgets")
                .containsPattern("receivedAt +2025-06-01T10:00:00Z")
                .containsPattern("test +false");
        assertThat(out).contains("personal data (UserDetails, Description) withheld");
        assertThat(out).doesNotContain("Lovelace", "call me", "+44");
        assertNoEmail(run);
    }

    @Test
    void showPrintsPersonalDataOnlyWhenAsked() {
        Cli.Run run = cli("dlq", "show", A1, "--show-personal-data");
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains(DlqSeed.email(A1), "Lovelace", "+44 20 7946 0000", "call me at");
    }

    @Test
    void showOfAnUnreadableRecordKeepsItsBytesToItself() {
        Cli.Run run = cli("dlq", "show", M1);
        assertThat(run.exit()).isZero();
        assertThat(run.out())
                .contains("MALFORMED_RECORD")
                .contains("is not JSON")
                .contains("--show-personal-data prints it");
        assertThat(run.out()).doesNotContain("{not json");
        Cli.Run personal = cli("dlq", "show", M1, "--show-personal-data");
        assertThat(personal.out()).contains("{not json, from mallory");
    }

    @Test
    void showOfAnUnknownLeadIsExit1InOneLine() {
        Cli.Run run = cli("dlq", "show", RUN + "-nope");
        assertThat(run.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).contains("no dead-lettered lead " + RUN + "-nope");
    }

    @Test
    void unknownClassIsExit2WithOneLineListingTheValidCodes() {
        Cli.Run run = cli("dlq", "list", "--class", "NOT_A_CLASS");
        assertThat(run.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.out()).isEmpty();
        List<String> lines = run.errLines();
        assertThat(lines.get(0)).contains("unknown error class 'NOT_A_CLASS'");
        for (ErrorClass c : ErrorClass.values()) {
            assertThat(lines.get(0)).contains(c.code());
        }
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).isEqualTo("Try 'leadctl dlq list --help' for more information.");
    }
}
