package dev.leadpipe.bench.report;

import java.util.List;

import dev.leadpipe.bench.Figure;

/**
 * What one stage of a run gave: its figures, or the error it failed with (then {@code figures} holds what it measured
 * before failing, often nothing).
 *
 * @param name    its name on the command line ({@code --stages}), e.g. "ingest"
 * @param title   its heading
 * @param method  its method paragraph
 * @param error   null when it succeeded; else a one-line description of the failure
 * @param seconds how long it ran
 */
public record StageResult(
        String name, String title, String method, List<Figure> figures, String error, double seconds) {

    public StageResult {
        figures = List.copyOf(figures);
    }

    public boolean failed() {
        return error != null;
    }
}
