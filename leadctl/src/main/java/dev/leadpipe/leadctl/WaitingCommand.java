package dev.leadpipe.leadctl;

import picocli.CommandLine.Command;

/** {@code leadctl waiting}: the leads waiting in Kafka for their next attempt (topic lead-waiting); holds its subcommands. */
@Command(
        name = "waiting",
        mixinStandardHelpOptions = true,
        versionProvider = Leadctl.Version.class,
        subcommands = {WaitingListCommand.class, WaitingRetryNowCommand.class},
        description = {
            "Inspect the leads that wait in Kafka for their next delivery attempt (topic lead-waiting).",
            "A sink writes one record per lead each time it starts or keeps waiting (why, since when, its next "
                    + "attempt, its last failure's class) and a tombstone once the lead has its outcome."
        })
final class WaitingCommand extends GroupCommand {
    WaitingCommand() {
        super("list, retry-now");
    }
}
