package dev.leadpipe.core.error;

/** Describes a failure for a log line without the exception messages, which could carry request data. */
public final class SafeErrors {
    private SafeErrors() {}

    /** The class names of the cause chain, each with the frame it was thrown from. */
    public static String describe(Throwable t) {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        for (Throwable c = t; c != null && depth < 8; c = c.getCause(), depth++) {
            if (depth > 0) {
                out.append(" <- caused by ");
            }
            out.append(c.getClass().getName());
            StackTraceElement[] trace = c.getStackTrace();
            if (trace.length > 0) {
                out.append(" at ").append(trace[0]);
            }
        }
        return out.toString();
    }
}
