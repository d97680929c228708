package dev.leadpipe.ingest;

/** Describes a failure for a log line without the exception messages, which could carry request data. */
final class Safe {
    private Safe() {
    }

    /** The class names of the cause chain, each with the frame it was thrown from. */
    static String describe(Throwable t) {
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
