package dev.leadpipe.leadctl;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A leadctl command that does nothing itself but hold its subcommands: run without one, it is a usage error (exit 2)
 * naming them; its usage errors are as compact as every other command's.
 */
abstract class GroupCommand implements Runnable {
    @Spec
    CommandSpec spec;

    private final String subcommands;

    /** {@code subcommands}: how the usage error names them, e.g. {@code "list, show or replay"}. */
    GroupCommand(String subcommands) {
        this.subcommands = subcommands;
    }

    @Spec
    void installCompactUsageErrors(CommandSpec spec) {
        Leadctl.compactUsageErrors(spec);
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand (" + subcommands + ")");
    }
}
