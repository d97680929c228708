package dev.leadpipe.bench.stages;

import java.util.List;

import dev.leadpipe.bench.Bench;
import dev.leadpipe.bench.Figure;
import dev.leadpipe.bench.Stage;

/** Stage 6, end to end (unfinished). */
public final class EndToEndStage implements Stage {
    @Override
    public String title() {
        return "6. End to end: ingest → router → sink-https, each in its own JVM";
    }

    @Override
    public String method() {
        return "Not implemented yet.";
    }

    @Override
    public List<Figure> run(Bench bench) {
        throw new UnsupportedOperationException("the end-to-end stage is not implemented yet");
    }
}
