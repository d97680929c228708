package dev.leadpipe.bench.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The hand-written part of a stage's section in docs/benchmarks.md: where its target stands, what a profile showed
 * and what was tried, with before/after figures from the component benchmarks. Kept beside the code as the resource
 * {@code /findings/<stage>.md}, so a bench run rewrites the figures without losing the analysis.
 */
public final class Findings {
    private Findings() {}

    /** The findings of the stage named {@code stage} (its {@code --stages} name), if any were written. */
    public static Optional<String> of(String stage) {
        try (InputStream in = Findings.class.getResourceAsStream("/findings/" + stage + ".md")) {
            return in == null
                    ? Optional.empty()
                    : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
