package dev.leadpipe.leadctl;

import java.io.Console;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.leadpipe.core.topic.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code leadctl dlq replay}: sends the matching dead-lettered leads back through the router (see
 * {@link ReplayEngine} for what is sent, what is skipped, why a dead letter is replayed at most once however many
 * runs go at once, and the checkpoint), after confirmation ({@code --yes}, or an interactive "y"; a non-interactive
 * run without {@code --yes} is refused with exit 2). Shows progress on stderr, then prints "replayed N, skipped M
 * (already delivered D, already replayed R, over the replay cap K, malformed L)". Nothing new since the checkpoint:
 * "nothing to replay", exit 0. Ctrl-C finishes and commits the current chunk, then exits 130; re-running the same
 * command continues. Another run taking over a partition ({@link ExitCodes#FENCED}): the summary of what this run
 * committed, one line naming the partition, exit 4. {@code --dry-run} lists what would be replayed or skipped and
 * writes and commits nothing.
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        versionProvider = Leadctl.Version.class,
        description = {
            "Send matching dead-lettered leads back to 'leads', so the router routes them with the offer's CURRENT "
                    + "destination. Fix the publisher's destination first, then replay.",
            "",
            "What is sent: the original lead bytes, keyed by the lead id, with the original headers and "
                    + "leadpipe.replay.count = the record's replay count + 1 (a replay passes the router's duplicate "
                    + "filter). Only the newest dead-letter record of each lead counts, so a lead dead-lettered twice "
                    + "is replayed once. Skipped and reported: dead letters already replayed (by any run), leads "
                    + "delivered since (latest outcome on lead-outcomes DELIVERED or SENT_UNCONFIRMED; --force "
                    + "replays them), leads already replayed --max-replays times, MALFORMED_RECORD records (unless "
                    + "--include-malformed).",
            "",
            "Safe to run twice: a dead letter is replayed at most once, however many replays run at once and "
                    + "whatever their filters. Each leads-dlq partition is replayed through one Kafka transactional "
                    + "producer (leadctl-replay-leads-dlq-N); a run starting it fences any other run on that "
                    + "partition, reads the replay records (leads-dlq-replays) and sends only dead letters without "
                    + "one, each in the same transaction as its replay record. A fenced run stops with exit 4 after "
                    + "saying what it replayed; the other run replays the rest of that partition.",
            "",
            "Resumable: every selection (the filters plus --max-replays and --include-malformed) has a checkpoint, "
                    + "the Kafka consumer group leadctl-replay-<hash of the selection>, whose offsets on leads-dlq are "
                    + "committed in the transaction of each chunk of replayed leads. A run reads from the checkpoint "
                    + "to the end of leads-dlq as it was when the run started. After Ctrl-C, a failure or --limit, "
                    + "run the same command again to continue: an uncommitted chunk was rolled back and is sent then. "
                    + "When everything was handled it prints 'nothing to replay'. --restart ignores the checkpoint "
                    + "and reads from the beginning of leads-dlq again (dead letters already replayed are still "
                    + "skipped). Relative --since/--until (2h) are part of the "
                    + "selection as written and are re-evaluated on every run.",
            ""
        },
        footer = {
            "",
            "Exit codes: 0 ok (also nothing to replay), 1 failed or cancelled, 2 bad arguments or no --yes "
                    + "when not interactive, 3 Kafka unreachable, 4 another replay run took over (this run's "
                    + "committed replays stay), 130 interrupted (checkpoint saved)."
        })
final class DlqReplayCommand extends LeadctlCommand {
    @Mixin
    FilterOptions filters;

    @Option(names = "--dry-run", description = "Print what would be replayed or skipped; write and checkpoint nothing.")
    boolean dryRun;

    @Option(
            names = "--max-replays",
            paramLabel = "N",
            defaultValue = "3",
            description = "Skip leads already replayed N times (default: ${DEFAULT-VALUE}).")
    int maxReplays;

    @Option(names = "--include-malformed", description = "Also replay MALFORMED_RECORD records (their raw bytes).")
    boolean includeMalformed;

    @Option(
            names = "--limit",
            paramLabel = "N",
            description = "Replay at most N leads in this run; the checkpoint lets the next run continue.")
    Integer limit;

    @Option(
            names = "--restart",
            description = "Ignore this selection's checkpoint and read from the beginning of leads-dlq again "
                    + "(dead letters already replayed are still skipped).")
    boolean restart;

    @Option(
            names = "--force",
            description = "Also replay leads whose latest outcome is DELIVERED or SENT_UNCONFIRMED (delivered since "
                    + "they were dead-lettered). Never replays a dead letter twice.")
    boolean force;

    @Option(
            names = "--chunk-size",
            paramLabel = "N",
            defaultValue = "" + ReplayEngine.DEFAULT_CHUNK_SIZE,
            description = "Leads per acknowledged, checkpointed chunk (default: ${DEFAULT-VALUE}).")
    int chunkSize;

    @Option(
            names = {"-y", "--yes"},
            description = "Do not ask for confirmation (required when not interactive).")
    boolean yes;

    @Override
    int execute() {
        if (maxReplays < 1) {
            throw new ParameterException(spec.commandLine(), "--max-replays must be 1 or more");
        }
        if (limit != null && limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be 1 or more");
        }
        if (chunkSize < 1) {
            throw new ParameterException(spec.commandLine(), "--chunk-size must be 1 or more");
        }
        DlqFilter filter = filters.toFilter(Instant.now());
        ReplayEngine.Options options = new ReplayEngine.Options(
                filter, maxReplays, includeMalformed, dryRun, limit, restart, chunkSize, force);
        KafkaAccess kafka = kafka(
                Topics.LEADS_DLQ.name(),
                Topics.LEADS.name(),
                Topics.LEAD_OUTCOMES.name(),
                Topics.LEADS_DLQ_REPLAYS.name());
        try (ReplayEngine engine = new ReplayEngine(kafka, options, out(), err())) {
            return run(engine, options, filter);
        }
    }

    private int run(ReplayEngine engine, ReplayEngine.Options options, DlqFilter filter) {
        err().println("selection: " + Privacy.safe(filter.describe()) + "; checkpoint: consumer group "
                + engine.groupId() + (restart ? " (restarting from the beginning)" : ""));
        ReplayEngine.Plan plan = engine.plan(() -> false);
        if (plan.resumed()) {
            err().println("resuming from the checkpoint: " + plan.alreadyHandled() + " records of "
                    + Topics.LEADS_DLQ.name() + " already handled (--restart starts over)");
        }
        if (plan.superseded() > 0) {
            err().println("ignoring " + plan.superseded()
                    + " older dead-letter records of leads dead-lettered again later");
        }
        if (plan.nothingToDo()) {
            engine.commitEnd();
            out().println("nothing to replay"
                    + (plan.recordsInRange() == 0
                            ? (plan.resumed()
                                    ? " (everything up to the end of " + Topics.LEADS_DLQ.name() + " was handled)"
                                    : "")
                            : " (no dead-lettered lead matches)"));
            return ExitCodes.OK;
        }
        if (!dryRun && plan.toReplay() > 0 && !confirmed(plan)) {
            err().println("replay cancelled; nothing was sent");
            return ExitCodes.FAILURE;
        }
        err().flush();

        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(
                () -> {
                    stop.set(true);
                    try {
                        finished.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "leadctl-replay-stop");
        if (!dryRun) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
        try {
            ReplayEngine.Result result = engine.replay(
                    stop::get,
                    total -> leadctl().interactiveStderr()
                            ? Progress.bar("replay", total, System.err)
                            : Progress.lines("replay", total, err()));
            printSummary(result);
            if (result.failure() != null) {
                throw result.failure();
            }
            if (result.fenced()) {
                throw new LeadctlException(
                        ExitCodes.FENCED,
                        "replay stopped: another leadctl dlq replay run took over " + Topics.LEADS_DLQ.name()
                                + " partition " + result.fencedPartition() + " (Kafka fenced this run's producer "
                                + ReplayRecords.transactionalId(result.fencedPartition()) + "); the "
                                + result.replayed() + " leads above are replayed and committed, the other run "
                                + "replays the rest of that partition; run the same command again afterwards to "
                                + "finish this selection (dead letters already replayed are skipped)");
            }
            if (result.interrupted()) {
                err().println("interrupted: the leads sent so far are acknowledged and checkpointed; run the same "
                        + "command again to continue");
                return ExitCodes.INTERRUPTED;
            }
            if (!result.complete() && !dryRun) {
                err().println("stopped after --limit " + limit + "; run the same command again to continue");
            }
            return ExitCodes.OK;
        } finally {
            out().flush();
            err().flush();
            finished.countDown();
            if (!dryRun) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // the JVM is already shutting down: the hook is running and has been released
                }
            }
        }
    }

    private void printSummary(ReplayEngine.Result r) {
        String skipped = r.skipped() + " (already delivered " + r.delivered() + ", already replayed "
                + r.alreadyReplayed() + ", over the replay cap " + r.overCap() + ", malformed " + r.malformed() + ")";
        if (dryRun) {
            out().println("dry run: would replay " + r.replayed() + ", skip " + skipped + "; nothing was written");
        } else {
            out().println("replayed " + r.replayed() + ", skipped " + skipped);
        }
    }

    private boolean confirmed(ReplayEngine.Plan plan) {
        if (yes) {
            return true;
        }
        Console console = System.console();
        if (console == null || !leadctl().interactiveStderr()) {
            throw new LeadctlException(
                    ExitCodes.USAGE,
                    "refusing to replay " + plan.toReplay()
                            + " leads without confirmation: add --yes (or --dry-run to see them first)");
        }
        err().flush();
        String answer = console.readLine(
                "Replay %d leads to '%s' through the router? [y/N] ", plan.toReplay(), Topics.LEADS.name());
        return answer != null && answer.trim().toLowerCase(Locale.ROOT).startsWith("y");
    }
}
