package dev.leadpipe.ingest;

/**
 * Ends a request with a {@link Problem}: thrown by a handler (or by a stage of its future), answered by the
 * exception handler {@link HttpErrors} registers. Carries no stack trace; it is control flow, not a failure.
 */
final class ProblemException extends RuntimeException {
    private final transient Problem problem;

    ProblemException(Problem problem) {
        super(problem.slug(), null, false, false);
        this.problem = problem;
    }

    Problem problem() {
        return problem;
    }
}
