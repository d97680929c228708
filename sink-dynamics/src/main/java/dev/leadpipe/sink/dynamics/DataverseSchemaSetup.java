package dev.leadpipe.sink.dynamics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.sink.dynamics.DataverseMetadata.MetadataException;
import dev.leadpipe.sink.dynamics.DataverseSchema.Finding;
import dev.leadpipe.sink.dynamics.DataverseSchema.Problem;
import dev.leadpipe.sink.dynamics.DataverseSchema.Report;

/**
 * Creates what {@link DataverseSchemaCheck} finds missing, through the table-definition endpoints: the text columns
 * {@value DataverseSchema#LEAD_ID_COLUMN} ({@value DataverseSchema#LEAD_ID_LENGTH} characters) and
 * {@value DataverseSchema#LEAD_SOURCE_COLUMN} ({@value DataverseSchema#LEAD_SOURCE_LENGTH}), then the alternate key
 * {@value DataverseSchema#KEY_SCHEMA_NAME} on the lead id column; then polls the keys every {@code pollInterval}
 * until its {@code EntityKeyIndexStatus} is {@code Active}, reporting each poll to {@code progress}, for at most
 * {@code timeout} (time read from the injected clock, waits through the injected {@link Sleeper}). Creates nothing
 * that exists; a key whose index {@code Failed} is not repaired (duplicates must be removed by hand) and ends the
 * setup.
 */
final class DataverseSchemaSetup {
    /** Waits between polls; tests give one that advances a clock. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** What the setup did and the table's state at the end ({@code after.ok()} when delivery can work). */
    record Result(List<String> created, Report after) {}

    /** The setup could not finish; the message is one readable line with what to do. */
    static final class SetupException extends Exception {
        private final ErrorClass privilegeClass;

        SetupException(String message, ErrorClass privilegeClass) {
            super(message, null, false, false);
            this.privilegeClass = privilegeClass;
        }

        /** DYNAMICS_MISSING_LEAD_WRITER_ROLE / DYNAMICS_NO_ROLES_ASSIGNED when a privilege was missing, else null. */
        ErrorClass privilegeClass() {
            return privilegeClass;
        }
    }

    private final DataverseMetadata metadata;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration pollInterval;
    private final Duration timeout;
    private final Consumer<String> progress;

    DataverseSchemaSetup(
            DataverseMetadata metadata,
            Clock clock,
            Sleeper sleeper,
            Duration pollInterval,
            Duration timeout,
            Consumer<String> progress) {
        this.metadata = metadata;
        this.clock = clock;
        this.sleeper = sleeper;
        this.pollInterval = pollInterval;
        this.timeout = timeout;
        this.progress = progress;
    }

    Result run() throws SetupException, InterruptedException {
        Report before = check("reading the lead table's definition", null);
        List<String> created = new ArrayList<>();
        for (Finding f : before.findings()) {
            if (f.problem() == Problem.KEY_FAILED) {
                throw new SetupException(f.line(), null);
            }
        }
        if (missing(before, DataverseSchema.LEAD_ID_COLUMN)) {
            create(
                    before,
                    "column " + DataverseSchema.LEAD_ID_COLUMN,
                    () -> metadata.createTextColumn(
                            DataverseSchema.LEAD_ID_SCHEMA_NAME,
                            DataverseSchema.LEAD_ID_LENGTH,
                            "leadpipe lead id",
                            "The marketplace lead's leadId; leadpipe upserts leads by the alternate key on it."));
            created.add("column " + DataverseSchema.LEAD_ID_COLUMN);
        }
        if (missing(before, DataverseSchema.LEAD_SOURCE_COLUMN)) {
            create(
                    before,
                    "column " + DataverseSchema.LEAD_SOURCE_COLUMN,
                    () -> metadata.createTextColumn(
                            DataverseSchema.LEAD_SOURCE_SCHEMA_NAME,
                            DataverseSchema.LEAD_SOURCE_LENGTH,
                            "leadpipe lead source",
                            "The marketplace's raw lead source (source-action|offer)."));
            created.add("column " + DataverseSchema.LEAD_SOURCE_COLUMN);
        }
        if (before.findings().stream().anyMatch(f -> f.problem() == Problem.KEY_MISSING)) {
            create(
                    before,
                    "alternate key on " + DataverseSchema.LEAD_ID_COLUMN,
                    () -> metadata.createKey(
                            DataverseSchema.KEY_SCHEMA_NAME,
                            "leadpipe lead id",
                            List.of(DataverseSchema.LEAD_ID_COLUMN)));
            created.add("alternate key " + DataverseSchema.KEY_SCHEMA_NAME.toLowerCase(java.util.Locale.ROOT) + " on "
                    + DataverseSchema.LEAD_ID_COLUMN);
        }
        Instant start = clock.instant();
        Instant deadline = start.plus(timeout);
        while (true) {
            Report now = check("reading the lead table's definition", before);
            if (now.ok()) {
                progress.accept("the alternate key on " + DataverseSchema.LEAD_ID_COLUMN + " is Active");
                return new Result(created, now);
            }
            for (Finding f : now.findings()) {
                if (f.problem() != Problem.KEY_PENDING) {
                    throw new SetupException(f.line(), null);
                }
            }
            Duration waited = Duration.between(start, clock.instant());
            if (!clock.instant().isBefore(deadline)) {
                throw new SetupException(
                        "the alternate key on " + DataverseSchema.LEAD_ID_COLUMN + " is still "
                                + now.keyIndexStatus() + " after " + waited.toSeconds()
                                + " s; Dataverse builds the index in the background (longer for a large lead"
                                + " table): run the check again later",
                        null);
            }
            progress.accept("waiting for the alternate key on " + DataverseSchema.LEAD_ID_COLUMN
                    + " to become Active (EntityKeyIndexStatus " + now.keyIndexStatus() + ", "
                    + waited.toSeconds() + " s)");
            sleeper.sleep(pollInterval);
        }
    }

    private interface Call {
        void run() throws MetadataException;
    }

    private void create(Report before, String what, Call call) throws SetupException {
        progress.accept("creating the " + what);
        try {
            call.run();
        } catch (MetadataException e) {
            throw failure("creating the " + what, e, before);
        }
    }

    private Report check(String doing, Report before) throws SetupException {
        try {
            return DataverseSchemaCheck.check(metadata);
        } catch (MetadataException e) {
            throw failure(doing, e, before);
        }
    }

    private static boolean missing(Report r, String column) {
        return r.findings().stream()
                .anyMatch(f -> f.problem() == Problem.COLUMN_MISSING && f.item().equals("column " + column));
    }

    /** One line: what failed, Dataverse's words, and for a missing privilege what to grant or do by hand. */
    static SetupException failure(String doing, MetadataException e, Report before) {
        ErrorClass privilege = e.privilegeClass();
        if (privilege == null) {
            return new SetupException(doing + " failed: Dataverse answered " + e.getMessage(), null);
        }
        String named = e.missingPrivilege();
        String byHand = before == null || before.ok()
                ? ""
                : "; or have an administrator do it by hand: "
                        + before.findings().stream().map(Finding::line).collect(Collectors.joining("; "));
        String who = privilege == ErrorClass.DYNAMICS_NO_ROLES_ASSIGNED
                ? "the application user has no security role at all"
                : "the application user lacks the privilege"
                        + (named == null ? "" : " " + named)
                        + " to change the lead table's definition";
        return new SetupException(
                doing + " was refused: " + who + " (Dataverse: " + e.getMessage() + "). Grant it the System"
                        + " Customizer security role for the setup (Power Platform admin center > Environments >"
                        + " the environment > Settings > Users + permissions > Application users > the user >"
                        + " Edit security roles; it may be removed afterwards, delivery needs only the Microsoft"
                        + " Marketplace Lead Writer role)"
                        + byHand,
                privilege);
    }
}
