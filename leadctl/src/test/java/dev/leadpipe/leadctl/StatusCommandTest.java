package dev.leadpipe.leadctl;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.UserDetails;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.retry.WaitingLead;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicWriter;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.testing.TestKeys;
import dev.leadpipe.status.StatusConfig;
import dev.leadpipe.status.StatusService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code leadctl status} against a real status service on a real (embedded) broker, run in-process. */
class StatusCommandTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String HEALTHY = "contoso-" + RUN + ".widget";
    private static final String FAILING = "fabrikam-" + RUN + ".crm";
    private static final String WAITING = "tailspin-" + RUN + ".table";
    private static final String CUSTOMER_EMAIL = "zephyrine@contoso.com";
    private static final Instant T = Instant.now().minusSeconds(300).truncatedTo(ChronoUnit.MILLIS);
    /** The WAITING offer's oldest lead started waiting 2 h 14 min before the tests; its next attempt is in 10 min. */
    private static final Instant WAITING_SINCE =
            Instant.now().minus(Duration.ofMinutes(134)).truncatedTo(ChronoUnit.SECONDS);

    private static final Instant NEXT_ATTEMPT =
            Instant.now().plus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.SECONDS);

    private static Ops ops;
    private static StatusService status;
    private static String url;
    /** An operator key the commands send (as {@code LEADPIPE_TOKEN}). */
    private static String key;

    @BeforeAll
    static void startStatusService() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        TopicWriter.writeLeads(
                bootstrap,
                Topics.LEADS,
                List.of(
                        lead("h-1-" + RUN, HEALTHY, T),
                        lead("h-2-" + RUN, HEALTHY, T.plusSeconds(10)),
                        lead("f-1-" + RUN, FAILING, T),
                        lead("f-2-" + RUN, FAILING, T.plusSeconds(1)),
                        lead("f-3-" + RUN, FAILING, T.plusSeconds(2))),
                0);
        TopicWriter.write(
                bootstrap,
                Topics.LEAD_OUTCOMES,
                List.of(
                        Outcome.delivered("h-1-" + RUN, HEALTHY, "table", "r1", 1, 50, false, 0, T.plusSeconds(1)),
                        Outcome.delivered("h-2-" + RUN, HEALTHY, "table", "r2", 1, 50, false, 0, T.plusSeconds(11)),
                        Outcome.deadLettered(
                                "f-1-" + RUN,
                                FAILING,
                                "dynamics",
                                ErrorClass.AAD_INVALID_CLIENT_SECRET,
                                1,
                                false,
                                0,
                                T.plusSeconds(3),
                                "AADSTS7000215: Invalid client secret provided."),
                        Outcome.deadLettered(
                                "f-2-" + RUN,
                                FAILING,
                                "dynamics",
                                ErrorClass.AAD_INVALID_CLIENT_SECRET,
                                1,
                                false,
                                0,
                                T.plusSeconds(4),
                                "AADSTS7000215: Invalid client secret provided."),
                        Outcome.deadLettered(
                                "f-3-" + RUN,
                                FAILING,
                                "dynamics",
                                ErrorClass.DYNAMICS_MISSING_LEAD_WRITER_ROLE,
                                1,
                                false,
                                0,
                                T.plusSeconds(5),
                                null)),
                Outcome::leadId,
                Map.of());
        // two leads of the WAITING offer wait behind its table endpoint's open circuit (as a sink reports them)
        TopicWriter.write(
                bootstrap,
                Topics.LEAD_WAITING,
                List.of(
                        new WaitingLead(
                                "w-1-" + RUN,
                                WAITING,
                                "table",
                                WaitingLead.Reason.CIRCUIT_OPEN,
                                WAITING_SINCE,
                                NEXT_ATTEMPT,
                                4,
                                ErrorClass.TABLE_UNAVAILABLE,
                                503,
                                WAITING_SINCE.plusSeconds(600)),
                        new WaitingLead(
                                "w-2-" + RUN,
                                WAITING,
                                "table",
                                WaitingLead.Reason.CIRCUIT_OPEN,
                                WAITING_SINCE.plusSeconds(60),
                                NEXT_ATTEMPT,
                                3,
                                ErrorClass.TABLE_UNAVAILABLE,
                                503,
                                WAITING_SINCE.plusSeconds(660))),
                WaitingLead::leadId,
                Map.of());
        Path stateDir = Files.createTempDirectory("leadctl-status-test-");
        key = TestKeys.operator(bootstrap);
        ops = Ops.forService("status");
        status = StatusService.start(
                StatusConfig.of(bootstrap)
                        .with(StatusConfig.APPLICATION_ID, "leadctl-status-test-" + RUN)
                        .with(StatusConfig.STATE_DIR, stateDir)
                        .with(StatusConfig.PORT, 0),
                ops);
        url = "http://127.0.0.1:" + status.port();
    }

    @AfterAll
    static void stop() {
        if (status != null) {
            status.close();
        }
        if (ops != null) {
            ops.close();
        }
    }

    private static Lead lead(String leadId, String offer, Instant at) {
        return new Lead(
                leadId,
                offer,
                at,
                false,
                new UserDetails(
                        "Zephyrine", "Quillfeather", CUSTOMER_EMAIL, "+1 555 0100", "US", "Contoso", "CTO", Map.of()),
                "AzureMarketplace-Contact|" + offer,
                "INS",
                "Widget",
                "call me",
                Map.of());
    }

    /** leadctl with {@code token} in its environment as {@code LEADPIPE_TOKEN}. */
    private static Leadctl withToken(String token) {
        return new Leadctl(Map.of(Leadctl.TOKEN_ENV, token), Path.of("."));
    }

    /** Runs the command until its output satisfies {@code done} (the service folds asynchronously). */
    private static Cli.Run await(Predicate<Cli.Run> done, String... args) throws InterruptedException {
        return await(key, done, args);
    }

    /** {@link #await(Predicate, String...)} sending {@code token}. */
    private static Cli.Run await(String token, Predicate<Cli.Run> done, String... args) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Cli.Run run = null;
        while (System.nanoTime() < end) {
            run = Cli.run(withToken(token), args);
            if (done.test(run)) {
                return run;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("never as expected; last run: " + run);
    }

    private static void assertNoCustomerData(Cli.Run run) {
        assertThat(run.out() + run.err())
                .doesNotContain(CUSTOMER_EMAIL, "Zephyrine", "Quillfeather", "555 0100", "call me");
    }

    @Test
    void aFailingOfferShowsEachOpenClassWithItsCountAndItsFix() throws Exception {
        Cli.Run run = await(
                r -> r.exit() == 0 && r.out().contains("Open dead letters: 3"),
                "status",
                "--offer",
                FAILING,
                "--status-url",
                url);
        List<String> lines = run.outLines();
        assertThat(lines).contains("Offer: " + FAILING, "Destination: dynamics");
        assertThat(lines).anyMatch(l -> l.startsWith("Verdict: FAILING - "));
        assertThat(lines)
                .contains("  AAD_INVALID_CLIENT_SECRET: 2 open (permanent, last "
                        + T.plusSeconds(4).truncatedTo(ChronoUnit.SECONDS) + ")");
        assertThat(lines).contains("    fix: " + ErrorClass.AAD_INVALID_CLIENT_SECRET.remediation());
        assertThat(lines).anyMatch(l -> l.startsWith("  DYNAMICS_MISSING_LEAD_WRITER_ROLE: 1 open (permanent"));
        assertThat(lines).contains("    fix: " + ErrorClass.DYNAMICS_MISSING_LEAD_WRITER_ROLE.remediation());
        // the fix line follows its class's line
        int cls = lines.indexOf(lines.stream()
                .filter(l -> l.startsWith("  AAD_INVALID_CLIENT_SECRET: "))
                .findFirst()
                .orElseThrow());
        assertThat(lines.get(cls + 1)).isEqualTo("    fix: " + ErrorClass.AAD_INVALID_CLIENT_SECRET.remediation());
        assertThat(lines).contains("Last delivered: never (0 delivered in the last 24 h)");
        assertThat(lines).contains("Then replay them: leadctl dlq replay --offer " + FAILING);
        assertThat(run.err()).isEmpty();
        assertNoCustomerData(run);
    }

    @Test
    void anOfferWhoseLeadsWaitShowsHowManyTheOldestWhyAndTheFix() throws Exception {
        Cli.Run run = await(
                r -> r.exit() == 0 && r.out().contains("Waiting: 2 leads"),
                "status",
                "--offer",
                WAITING,
                "--status-url",
                url);
        List<String> lines = run.outLines();
        String waiting = lines.stream()
                .filter(l -> l.startsWith("Waiting: "))
                .findFirst()
                .orElseThrow();
        // the age is 2h 14m when the test starts; a slow run may print a minute or two more
        assertThat(waiting)
                .matches("Waiting: 2 leads, oldest 2h 1\\dm \\(since " + Pattern.quote(WAITING_SINCE.toString())
                        + "\\), CIRCUIT_OPEN after TABLE_UNAVAILABLE \\(HTTP 503\\); next attempt at "
                        + Pattern.quote(NEXT_ATTEMPT.toString()));
        int at = lines.indexOf(waiting);
        assertThat(lines.get(at + 1)).isEqualTo("  fix: " + ErrorClass.TABLE_UNAVAILABLE.remediation());
        assertThat(lines.get(at + 2)).isEqualTo("  list them: leadctl waiting list --offer " + WAITING);
        assertThat(lines)
                .anyMatch(l -> l.startsWith("Verdict: FAILING - 2 leads wait behind the destination's open circuit"));
        assertThat(run.err()).isEmpty();
    }

    @Test
    void aHealthyOfferShowsItsLastDelivery() throws Exception {
        Cli.Run run = await(
                r -> r.exit() == 0 && r.out().contains("(2 delivered in the last 24 h)"),
                "status",
                "--offer",
                HEALTHY,
                "--status-url",
                url);
        assertThat(run.outLines())
                .contains("Last delivered: h-2-" + RUN + " at "
                        + T.plusSeconds(11).truncatedTo(ChronoUnit.SECONDS) + " (2 delivered in the last 24 h)");
        assertThat(run.outLines()).anyMatch(l -> l.startsWith("Verdict: HEALTHY - "));
        assertThat(run.out()).doesNotContain("fix:");
        assertNoCustomerData(run);
    }

    @Test
    void withoutAnOfferEveryOfferIsListedFailingFirst() throws Exception {
        String lastHealthyDelivery =
                T.plusSeconds(11).truncatedTo(ChronoUnit.SECONDS).toString();
        Cli.Run run = await(
                r -> r.exit() == 0
                        && r.out().contains("HEALTHY")
                        && r.out().contains(lastHealthyDelivery)
                        && r.out().contains("3 (AAD_INVALID_CLIENT_SECRET, ...)")
                        && r.out().contains("2 (oldest 2h 1"),
                "status",
                "--status-url",
                url + "/");
        List<String> lines = run.outLines();
        assertThat(lines.get(0))
                .startsWith("OFFER")
                .contains("VERDICT", "LAST DELIVERED", "OPEN DEAD LETTERS")
                .endsWith("WAITING");
        assertThat(lines.get(1))
                .startsWith(FAILING)
                .contains("dynamics", "FAILING", "never")
                .endsWith(" 0");
        assertThat(lines.get(2))
                .startsWith(WAITING)
                .contains("table", "FAILING")
                .containsPattern("2 \\(oldest 2h 1\\dm\\)$");
        assertThat(lines.get(3))
                .startsWith(HEALTHY)
                .contains("table", "HEALTHY", lastHealthyDelivery)
                .endsWith(" 0");
        assertThat(run.out())
                .contains(
                        "3 offers, 2 failing, 2 leads waiting for a retry; details and fixes: leadctl status --offer OFFER_ID");
        assertNoCustomerData(run);
    }

    @Test
    void anUnknownOfferIsOneLineAndExit1() {
        Cli.Run run = Cli.run(withToken(key), "status", "--offer", "nobody.nothing", "--status-url", url);
        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines().get(0))
                .isEqualTo("leadctl: offer nobody.nothing is unknown to the status service at " + url
                        + ": it has no lead destination, and no lead, outcome or circuit report was seen for it");
    }

    @Test
    void anUnreachableStatusServiceIsOneLineNamingTheUrlAndExit3() {
        Cli.Run run = Cli.run(withToken(key), "status", "--status-url", "http://127.0.0.1:1");
        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCodes.KAFKA_UNREACHABLE);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines().get(0)).startsWith("leadctl: cannot reach the status service at http://127.0.0.1:1");

        Cli.Run bad = Cli.run(withToken(key), "status", "--status-url", "not a url");
        assertThat(bad.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.errLines()).hasSize(1);
    }

    private static String resolve(Leadctl leadctl, String... args) {
        CommandLine cl = new CommandLine(leadctl);
        CommandLine.ParseResult parsed = cl.parseArgs(args);
        return ((StatusCommand) parsed.subcommand().commandSpec().userObject()).statusUrl();
    }

    @Test
    void theUrlComesFromTheOptionTheEnvironmentTheLocalRunFileOrTheDefault(@TempDir Path dir) throws Exception {
        assertThat(resolve(new Leadctl(Map.of(), dir), "status")).isEqualTo("http://127.0.0.1:8090");
        Files.createDirectories(dir.resolve(".leadpipe"));
        Files.writeString(dir.resolve(".leadpipe/status-url"), "\nhttp://127.0.0.1:40999/\n");
        assertThat(resolve(new Leadctl(Map.of(), dir), "status")).isEqualTo("http://127.0.0.1:40999");
        Map<String, String> env = Map.of("LEADPIPE_STATUS_URL", "http://status.internal:8090");
        assertThat(resolve(new Leadctl(env, dir), "status")).isEqualTo("http://status.internal:8090");
        assertThat(resolve(new Leadctl(env, dir), "status", "--status-url", "http://opt:1"))
                .isEqualTo("http://opt:1");

        // and the command uses it: the environment's URL reaches the running service (once it has folded the offer)
        await(r -> r.exit() == 0, "status", "--offer", HEALTHY, "--status-url", url);
        Cli.Run run = Cli.run(
                new Leadctl(Map.of("LEADPIPE_STATUS_URL", url, Leadctl.TOKEN_ENV, key), dir),
                "status",
                "--offer",
                HEALTHY);
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Offer: " + HEALTHY);
    }

    @Test
    void aPublishersKeyFromLeadctlKeysSeesOnlyItsOffersAndARevokedKeyIsRefused() throws Exception {
        String publisher = HEALTHY.substring(0, HEALTHY.indexOf('.'));
        Cli.Run created =
                Cli.on(KAFKA.bootstrapServers(), "keys", "create", "--role", "status:read", "--publisher", publisher);
        assertThat(created.exit()).as(created.toString()).isZero();
        String publisherKey = created.outLines().get(0);
        String keyId = publisherKey.split("_")[1];
        assertThat(created.err()).contains(keyId).doesNotContain(publisherKey);

        // the service follows the keys topic: it accepts the new key within a poll
        Cli.Run own =
                await(publisherKey, r -> r.exit() == 0 && r.out().contains(HEALTHY), "status", "--status-url", url);
        assertThat(own.out()).contains(HEALTHY).doesNotContain(FAILING, WAITING);
        Cli.Run other = Cli.run(withToken(publisherKey), "status", "--offer", FAILING, "--status-url", url);
        assertThat(other.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(other.errLines())
                .containsExactly("leadctl: the status service at " + url
                        + " refused the request: the credential's roles or publishers do not allow it");

        Cli.Run revoked = Cli.on(KAFKA.bootstrapServers(), "keys", "revoke", keyId);
        assertThat(revoked.exit()).as(revoked.toString()).isZero();
        Cli.Run refused = await(publisherKey, r -> r.exit() != 0, "status", "--status-url", url);
        assertThat(refused.errLines())
                .containsExactly("leadctl: the status service at " + url
                        + " refused the credential: it is not valid (unknown, revoked or expired)");
        Cli.Run none =
                Cli.run(new Leadctl(Map.of(), Files.createTempDirectory("no-token")), "status", "--status-url", url);
        assertThat(none.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(none.errLines().get(0)).contains("needs a credential", "LEADPIPE_TOKEN");
    }
}
