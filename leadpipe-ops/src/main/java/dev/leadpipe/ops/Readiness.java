package dev.leadpipe.ops;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.leadpipe.core.error.SafeErrors;

/**
 * A service's readiness: named checks, each answering null when ready or a short reason when not. The service is
 * ready when every check is. Checks run on each call, so each must be cheap or cache its answer; a check that throws
 * counts as not ready with the exception's safe description. Reasons must not contain secrets or customer data.
 */
public final class Readiness {
    /** One readiness condition. */
    @FunctionalInterface
    public interface Check {
        /** Null when ready, else why not (one short line). */
        String problem();
    }

    /** The checks' answers, in the order they were added: {@code "UP"} or the reason. */
    public record Report(boolean ready, Map<String, String> checks) {}

    private record Named(String name, Check check) {}

    private final CopyOnWriteArrayList<Named> checks = new CopyOnWriteArrayList<>();

    /** Adds a check; returns this. */
    public Readiness add(String name, Check check) {
        checks.add(new Named(name, check));
        return this;
    }

    /** Runs every check. */
    public Report report() {
        Map<String, String> answers = new LinkedHashMap<>();
        boolean ready = true;
        for (Named n : checks) {
            String problem;
            try {
                problem = n.check().problem();
            } catch (RuntimeException e) {
                problem = "the check failed: " + SafeErrors.describe(e);
            }
            answers.put(n.name(), problem == null ? "UP" : problem);
            ready &= problem == null;
        }
        return new Report(ready, answers);
    }

    /** True when every check passes. */
    public boolean ready() {
        return report().ready();
    }
}
