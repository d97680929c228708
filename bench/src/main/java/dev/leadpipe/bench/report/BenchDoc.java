package dev.leadpipe.bench.report;

import java.util.List;
import java.util.Locale;

import dev.leadpipe.bench.Figure;

/**
 * Writes docs/benchmarks.md from a run's results: what the run is and its one command, the machine, then a table per
 * stage (what, figure, unit, baseline, ratio, target, met, note), the stage's method paragraph, a failed stage's
 * error in place of its table, and the stage's hand-written {@link Findings}.
 */
public final class BenchDoc {
    /** The command that rewrites the doc. */
    public static final String COMMAND = "bin/bench";

    private BenchDoc() {}

    /**
     * The document's Markdown.
     *
     * @param args      the arguments the run was given (shown beside the command), may be empty
     * @param withChart whether docs/benchmarks-latency.png was written by this run
     */
    public static String render(
            Machine machine, List<StageResult> results, String args, double scale, double minutes, boolean withChart) {
        StringBuilder b = new StringBuilder();
        String command = args.isBlank() ? COMMAND : COMMAND + " " + args;
        b.append("# Benchmarks\n\n");
        b.append("Written by `")
                .append(COMMAND)
                .append("` (module `bench`); do not edit by hand. One run on one machine "
                        + "measures every stage of the pipeline against a baseline measured in the same run, on the same "
                        + "broker: a real single-node KRaft broker in a JVM of its own, each leadpipe service in a JVM of its "
                        + "own from its runnable jar (`java -jar <module>/target/<module>-0.1.0-SNAPSHOT.jar`), as a "
                        + "deployment runs them. The baselines make the ratios comparable between machines; the absolute "
                        + "figures are this machine's. Targets are issue 19's.\n\n");
        b.append("Run it again with:\n\n```\n")
                .append(COMMAND)
                .append(
                        "                      # every stage, under 20 minutes on 2 cores (this run: see its duration)\n")
                .append(COMMAND)
                .append(" --quick              # a smoke run: every volume and duration × 0.05\n")
                .append(COMMAND)
                .append(" --stages ceiling,ingest   # some stages only\n```\n\n");
        b.append("## This run\n\n");
        b.append("| | |\n|---|---|\n");
        b.append("| command | `")
                .append(command)
                .append("` (scale ")
                .append(num(scale))
                .append(")|\n");
        b.append("| date | ").append(machine.date()).append(" |\n");
        b.append("| commit | ").append(machine.commit()).append(" |\n");
        b.append("| cores | ").append(machine.cores()).append(" |\n");
        b.append("| memory | ").append(machine.memoryMiB()).append(" MiB |\n");
        b.append("| JDK | ").append(machine.jdk()).append(" |\n");
        b.append("| OS | ").append(machine.os()).append(" |\n");
        b.append("| load average (1 min) | ")
                .append(load(machine.loadBefore()))
                .append(" before, ")
                .append(load(machine.loadAfter()))
                .append(" after |\n");
        b.append("| duration | ").append(num(minutes)).append(" min |\n\n");
        if (scale != 1.0) {
            b.append("**A reduced run (scale ")
                    .append(num(scale))
                    .append("): its figures are a smoke test, not " + "measurements.**\n\n");
        }
        b.append(summary(results)).append('\n');
        for (StageResult r : results) {
            b.append("## ").append(r.title()).append("\n\n");
            b.append(r.method()).append("\n\n");
            if (r.failed()) {
                b.append("**Failed** after ")
                        .append(num(r.seconds()))
                        .append(" s: ")
                        .append(oneLine(r.error()))
                        .append("\n\n");
            }
            if (!r.figures().isEmpty()) {
                b.append(table(r.figures()));
            }
            Findings.of(r.name())
                    .ifPresent(text -> b.append("\n### What the profile showed and what was tried\n\n")
                            .append(text)
                            .append('\n'));
            if (r.name().equals("end-to-end") && withChart) {
                b.append("\n![ingest→DELIVERED latency against offered rate](benchmarks-latency.png)\n");
            }
            b.append("\nCommand: `")
                    .append(COMMAND)
                    .append(" --stages ")
                    .append(r.name())
                    .append("`\n\n");
        }
        b.append("## Other benchmarks\n\nThe sink runtime's drain benchmark (`SinkThroughputBenchmark`, in its test "
                + "JVM, on demand) and its figures: [testing.md](testing.md#benchmarks).\n");
        return b.toString();
    }

    /** The count of targets met, missed and failed stages, as one line. */
    static String summary(List<StageResult> results) {
        long met = 0;
        long missed = 0;
        for (StageResult r : results) {
            for (Figure f : r.figures()) {
                if (Boolean.TRUE.equals(f.met())) {
                    met++;
                } else if (Boolean.FALSE.equals(f.met())) {
                    missed++;
                }
            }
        }
        long failed = results.stream().filter(StageResult::failed).count();
        return "Targets: " + met + " met, " + missed + " missed; stages: " + results.size() + " run, " + failed
                + " failed.\n";
    }

    /** One stage's table. */
    static String table(List<Figure> figures) {
        StringBuilder b = new StringBuilder();
        b.append("| what | figure | unit | baseline | ratio | target | met | note |\n");
        b.append("|---|---:|---|---|---:|---|---|---|\n");
        for (Figure f : figures) {
            b.append("| ")
                    .append(cell(f.what()))
                    .append(" | ")
                    .append(num(f.value()))
                    .append(" | ")
                    .append(cell(f.unit()))
                    .append(" | ")
                    .append(f.baselineWhat() == null ? "" : cell(f.baselineWhat()) + ": " + num(f.baseline()))
                    .append(" | ")
                    .append(Double.isNaN(f.ratio()) ? "" : ratio(f.ratio()))
                    .append(" | ")
                    .append(f.target() == null ? "" : cell(f.target()))
                    .append(" | ")
                    .append(f.met() == null ? "" : f.met() ? "yes" : "**no**")
                    .append(" | ")
                    .append(f.note() == null ? "" : cell(f.note()))
                    .append(" |\n");
        }
        return b.toString();
    }

    /** A figure for people: thousands separated, 3 significant digits below 100, "–" for NaN. */
    static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "–";
        }
        double a = Math.abs(v);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1 || a == 0) {
            return String.format(Locale.ROOT, "%.2f", v).replaceAll("\\.00$", "");
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String load(double l) {
        return Double.isNaN(l) || l < 0 ? "–" : String.format(Locale.ROOT, "%.2f", l);
    }

    /** A ratio with two decimals, three below 0.1 (so 0.0066× does not read 0.01×). */
    static String ratio(double r) {
        return String.format(Locale.ROOT, r < 0.1 ? "%.3f×" : "%.2f×", r);
    }

    private static String cell(String s) {
        return oneLine(s).replace("|", "\\|");
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
