package dev.leadpipe.leadctl;

import picocli.CommandLine.Command;

/** {@code leadctl dlq}: the dead-letter topic {@code leads-dlq}; does nothing itself but hold its subcommands. */
@Command(
        name = "dlq",
        mixinStandardHelpOptions = true,
        versionProvider = Leadctl.Version.class,
        subcommands = {DlqListCommand.class, DlqShowCommand.class, DlqReplayCommand.class},
        description = {
            "Inspect and replay dead-lettered leads (topic leads-dlq).",
            "Every record keeps the lead's original bytes and headers plus leadpipe.dlq.* context: error class, "
                    + "remediation, offer, destination type, attempts, failure times, replay count."
        })
final class DlqCommand extends GroupCommand {
    DlqCommand() {
        super("list, show or replay");
    }
}
