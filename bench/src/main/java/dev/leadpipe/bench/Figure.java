package dev.leadpipe.bench;

/**
 * One measured figure and its baseline from the same run: a row of a stage's table in docs/benchmarks.md.
 *
 * @param what     what was measured, e.g. "single-lead requests, 64 connections"
 * @param value    the figure, e.g. 9,100
 * @param unit     its unit, e.g. "leads/s"
 * @param baselineWhat what it is compared with, e.g. "ProducerPerformance, acks=all"; null when there is none
 * @param baseline the baseline's figure in the same unit (NaN when there is none)
 * @param target   the target as written in the issue, e.g. "≥ 0.6×" or "p99 ≤ 50 ms"; null when none
 * @param met      whether the target was met; null when there is no target
 * @param note     anything a reader needs beside the numbers (p50/p99, heap, CPU), may be empty
 */
public record Figure(
        String what,
        double value,
        String unit,
        String baselineWhat,
        double baseline,
        String target,
        Boolean met,
        String note) {

    /** A figure without a baseline or target. */
    public static Figure plain(String what, double value, String unit, String note) {
        return new Figure(what, value, unit, null, Double.NaN, null, null, note);
    }

    /** value / baseline, NaN without a baseline. */
    public double ratio() {
        return baselineWhat == null || baseline == 0 ? Double.NaN : value / baseline;
    }
}
