package dev.leadpipe.bench;

import java.util.List;

/**
 * One stage of the benchmark run (docs/benchmarks.md has a table per stage): it measures the stage and its baseline
 * in the same run, on the same broker, and answers its figures. A stage cleans up what it started (service JVMs,
 * stand-ins) before it returns, also when it fails.
 */
public interface Stage {

    /** The stage's heading in docs/benchmarks.md, e.g. "Ingest". */
    String title();

    /** One paragraph for the doc: what is measured against what, and how (volumes, partitions, guarantee). */
    String method();

    /** Runs the stage; volumes are scaled by {@link Bench#scale()}. */
    List<Figure> run(Bench bench) throws Exception;
}
