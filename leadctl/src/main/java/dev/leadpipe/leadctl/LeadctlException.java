package dev.leadpipe.leadctl;

/**
 * A failure a command reports as one line on stderr with its own exit code ({@link ExitCodes}). The message must be
 * fit to print: no stack trace, no secret, no customer e-mail address.
 */
public final class LeadctlException extends RuntimeException {
    private final int exitCode;

    public LeadctlException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
