package dev.leadpipe.leadctl;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.error.ErrorClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/** Argument handling, exit codes and Kafka address resolution; no broker needed. */
class LeadctlCliTest {

    private static void assertUsageError(Cli.Run run, String expectedInFirstLine, String command) {
        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).as(run.toString()).hasSize(2);
        assertThat(run.errLines().get(0)).contains(expectedInFirstLine);
        assertThat(run.errLines().get(1)).isEqualTo("Try '" + command + " --help' for more information.");
        assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void badArgumentsAreExit2WithOneLineAndAHint() {
        assertUsageError(Cli.run("dlq", "list", "--frobnicate"), "Unknown option: '--frobnicate'", "leadctl dlq list");
        assertUsageError(
                Cli.run("dlq", "list", "--since", "yesterday"),
                "'yesterday' is neither an ISO-8601 instant",
                "leadctl dlq list");
        assertUsageError(
                Cli.run("dlq", "replay", "--destination", "ftp"),
                "unknown destination type 'ftp'; valid types: dynamics, salesforce, table, https, none, blob",
                "leadctl dlq replay");
        assertUsageError(
                Cli.run("dlq", "replay", "--max-replays", "many"), "'many' is not an int", "leadctl dlq replay");
        assertUsageError(
                Cli.run("dlq", "replay", "--max-replays", "0"),
                "--max-replays must be 1 or more",
                "leadctl dlq replay");
        assertUsageError(Cli.run("dlq", "show"), "Missing required parameter: 'LEADID'", "leadctl dlq show");
        assertUsageError(Cli.run("dlq"), "Missing required subcommand", "leadctl dlq");
        assertUsageError(Cli.run(), "Missing required subcommand", "leadctl");
        assertUsageError(Cli.run("dlq", "purge"), "Unmatched argument at index 1: 'purge'", "leadctl dlq");
    }

    @Test
    void unknownClassListsEveryValidCode() {
        Cli.Run run = Cli.run("dlq", "replay", "--class", "BOGUS");
        assertUsageError(run, "unknown error class 'BOGUS'; valid codes: ", "leadctl dlq replay");
        for (ErrorClass c : ErrorClass.values()) {
            assertThat(run.errLines().get(0)).contains(c.code());
        }
    }

    @Test
    void theInstalledHandlersOfMainPrintTheSameOneLineErrors() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Leadctl.commandLine(new Leadctl(), new PrintWriter(out, true), new PrintWriter(err, true))
                .execute("dlq", "list", "--class", "BOGUS");
        assertThat(exit).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString().strip().split("\\R")).hasSize(2);
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void helpAndVersionStillPrintInFull() {
        Cli.Run help = Cli.run("dlq", "replay", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out())
                .contains(
                        "Usage: leadctl dlq replay",
                        "--max-replays",
                        "leadctl-replay-",
                        "--restart",
                        "nothing to replay",
                        "Exit codes:");
        Cli.Run version = Cli.run("--version");
        assertThat(version.exit()).isZero();
        assertThat(version.out()).startsWith("leadctl ").contains("Kafka client");
    }

    @Test
    void anUnreachableBrokerIsExit3InOneLineAfterTheCheckInsteadOfHanging() {
        long start = System.nanoTime();
        Cli.Run run = Cli.run("--bootstrap-servers", "127.0.0.1:1", "dlq", "list");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCodes.KAFKA_UNREACHABLE);
        // the 10 s check, not the clients' minutes of retries; generous for a loaded machine
        assertThat(took).isLessThan(Duration.ofSeconds(KafkaAccess.CHECK_SECONDS * 3));
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines().get(0)).startsWith("leadctl: cannot reach Kafka at 127.0.0.1:1: ");

        Cli.Run replay = Cli.run("dlq", "replay", "--yes", "--bootstrap-servers", "127.0.0.1:1");
        assertThat(replay.exit()).isEqualTo(ExitCodes.KAFKA_UNREACHABLE);
        assertThat(replay.errLines()).hasSize(1);
    }

    @Test
    void anUnresolvableHostIsExit3AndAMalformedAddressExit2() {
        Cli.Run unresolvable = Cli.run("--bootstrap-servers", "no-such-host.invalid:9092", "dlq", "show", "x");
        assertThat(unresolvable.exit()).isEqualTo(ExitCodes.KAFKA_UNREACHABLE);
        assertThat(unresolvable.errLines()).hasSize(1);
        assertThat(unresolvable.err()).startsWith("leadctl: cannot reach Kafka at no-such-host.invalid:9092: ");

        Cli.Run malformed = Cli.run("--bootstrap-servers", "just-a-host", "dlq", "list");
        assertThat(malformed.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(malformed.errLines()).hasSize(1);
        assertThat(malformed.err()).contains("expected HOST:PORT");
    }

    private static String resolve(Leadctl leadctl, String... args) {
        new CommandLine(leadctl).parseArgs(args);
        return leadctl.bootstrapServers();
    }

    @Test
    void theKafkaAddressComesFromTheOptionTheEnvironmentTheLocalRunFileOrTheDefault(@TempDir Path dir)
            throws Exception {
        assertThat(resolve(new Leadctl(Map.of(), dir), "dlq", "list")).isEqualTo("localhost:9092");

        Files.createDirectories(dir.resolve(".leadpipe"));
        Files.writeString(dir.resolve(".leadpipe/bootstrap-servers"), "\n127.0.0.1:40123\n");
        assertThat(resolve(new Leadctl(Map.of(), dir), "dlq", "list")).isEqualTo("127.0.0.1:40123");

        Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092,kafka-2:9092");
        assertThat(resolve(new Leadctl(env, dir), "dlq", "list")).isEqualTo("kafka-1:9092,kafka-2:9092");

        assertThat(resolve(new Leadctl(env, dir), "--bootstrap-servers", "opt:1", "dlq", "list"))
                .isEqualTo("opt:1");
        assertThat(resolve(new Leadctl(env, dir), "dlq", "list", "--bootstrap-servers", "opt:2"))
                .isEqualTo("opt:2");
    }

    @Test
    void timesAreInstantsDatesOrAges() {
        Instant now = Instant.parse("2025-06-01T12:00:00Z");
        assertThat(TimeBound.parse("2025-05-31T08:30:00Z").resolve(now))
                .isEqualTo(Instant.parse("2025-05-31T08:30:00Z"));
        assertThat(TimeBound.parse("2025-05-31").resolve(now)).isEqualTo(Instant.parse("2025-05-31T00:00:00Z"));
        assertThat(TimeBound.parse("2h").resolve(now)).isEqualTo(Instant.parse("2025-06-01T10:00:00Z"));
        assertThat(TimeBound.parse("1d12h").resolve(now)).isEqualTo(Instant.parse("2025-05-31T00:00:00Z"));
        assertThat(TimeBound.parse("30m").resolve(now)).isEqualTo(Instant.parse("2025-06-01T11:30:00Z"));
        assertThat(TimeBound.parse("PT90S").resolve(now)).isEqualTo(Instant.parse("2025-06-01T11:58:30Z"));
        assertThat(TimeBound.parse("2h").normalized())
                .isEqualTo(TimeBound.parse("PT2H").normalized());
        for (String bad : List.of("", "soon", "0h", "-2h", "2x")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> TimeBound.parse(bad))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void theReplayCheckpointDependsOnTheSelectionNotOnHowItWasWritten() {
        Instant t1 = Instant.parse("2025-06-01T12:00:00Z");
        Instant t2 = t1.plusSeconds(3600);
        DlqFilter a = DlqFilter.of(
                List.of(ErrorClass.TABLE_AUTH_FAILED, ErrorClass.NO_DESTINATION_CONFIGURED),
                List.of("p.b", "p.a"),
                List.of(DestinationType.TABLE),
                TimeBound.parse("2h"),
                null,
                t1);
        DlqFilter b = DlqFilter.of(
                List.of(ErrorClass.NO_DESTINATION_CONFIGURED, ErrorClass.TABLE_AUTH_FAILED),
                List.of("p.a", "p.b"),
                List.of(DestinationType.TABLE),
                TimeBound.parse("PT2H"),
                null,
                t2);
        ReplayEngine.Options oa = new ReplayEngine.Options(a, 3, false, false, null, false, 500, false);
        ReplayEngine.Options ob = new ReplayEngine.Options(b, 3, false, true, 10, true, 7, false);
        assertThat(ReplayEngine.groupId(oa.selection()))
                .isEqualTo(ReplayEngine.groupId(ob.selection()))
                .matches("leadctl-replay-[0-9a-f]{16}");
        ReplayEngine.Options otherCap = new ReplayEngine.Options(a, 4, false, false, null, false, 500, false);
        assertThat(ReplayEngine.groupId(otherCap.selection())).isNotEqualTo(ReplayEngine.groupId(oa.selection()));
        ReplayEngine.Options forced = new ReplayEngine.Options(a, 3, false, false, null, false, 500, true);
        assertThat(ReplayEngine.groupId(forced.selection())).isNotEqualTo(ReplayEngine.groupId(oa.selection()));
        DlqFilter c = DlqFilter.of(List.of(ErrorClass.TABLE_AUTH_FAILED), List.of(), List.of(), null, null, t1);
        assertThat(ReplayEngine.groupId(
                        new ReplayEngine.Options(c, 3, false, false, null, false, 500, false).selection()))
                .isNotEqualTo(ReplayEngine.groupId(oa.selection()));
    }
}
