package dev.leadpipe.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.leadpipe.bench.report.BenchDoc;
import dev.leadpipe.bench.report.LatencyChart;
import dev.leadpipe.bench.report.Machine;
import dev.leadpipe.bench.report.StageResult;
import dev.leadpipe.bench.run.BenchRun;
import dev.leadpipe.bench.stages.CeilingStage;
import dev.leadpipe.bench.stages.EndToEndStage;
import dev.leadpipe.bench.stages.IngestStage;
import dev.leadpipe.bench.stages.NotifierStage;
import dev.leadpipe.bench.stages.RouterStage;
import dev.leadpipe.bench.stages.ScalingStage;
import dev.leadpipe.bench.stages.SinkStage;
import dev.leadpipe.bench.stages.TableStage;

/**
 * The benchmark run ({@code bin/bench [--quick] [--scale X] [--stages a,b,…] [--root DIR] [--out DIR]}): starts the
 * broker, runs the chosen stages in the order of {@link #STAGES} (a stage that fails is reported as failed and the
 * run goes on), then rewrites {@code benchmarks.md} and, when end to end ran, {@code benchmarks-latency.png} in
 * {@code --out} ({@code docs/} under the repository root by default; the root is the working folder unless
 * {@code --root}). Exit code 0 when every stage ran (targets missed or
 * not), 1 when a stage failed, 2 on bad arguments.
 */
public final class BenchMain {
    /** Every stage by its {@code --stages} name, in the order a run takes them (the ceiling first: others use it). */
    static final Map<String, Supplier<Stage>> STAGES = new LinkedHashMap<>();

    static {
        STAGES.put("ceiling", CeilingStage::new);
        STAGES.put("ingest", IngestStage::new);
        STAGES.put("router", RouterStage::new);
        STAGES.put("sink", SinkStage::new);
        STAGES.put("table", TableStage::new);
        STAGES.put("notifier", NotifierStage::new);
        STAGES.put("end-to-end", EndToEndStage::new);
        STAGES.put("scaling", ScalingStage::new);
    }

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        double scale = 1.0;
        List<String> chosen = new ArrayList<>(STAGES.keySet());
        Path root = Path.of("").toAbsolutePath();
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> scale = 0.05;
                case "--scale" -> scale = Double.parseDouble(value(args, ++i));
                case "--stages" -> chosen = List.of(value(args, ++i).split(","));
                case "--root" -> root = Path.of(value(args, ++i)).toAbsolutePath();
                case "--out" -> out = Path.of(value(args, ++i)).toAbsolutePath();
                default -> usage("unknown argument " + args[i]);
            }
        }
        for (String s : chosen) {
            if (!STAGES.containsKey(s)) {
                usage("unknown stage '" + s + "'; the stages are " + String.join(",", STAGES.keySet()));
            }
        }
        List<String> order = STAGES.keySet().stream().filter(chosen::contains).toList();
        int exit = run(root, out == null ? root.resolve("docs") : out, scale, order, String.join(" ", args));
        System.exit(exit);
    }

    private static int run(Path root, Path out, double scale, List<String> stages, String args) throws Exception {
        Files.createDirectories(out);
        Machine machine = Machine.now(root);
        long start = System.nanoTime();
        List<StageResult> results = new ArrayList<>();
        boolean chart = false;
        try (BenchRun run = BenchRun.start(root, scale)) {
            for (String name : stages) {
                results.add(runStage(run, name));
            }
            LatencyPoints points = run.shared(Bench.Shared.END_TO_END_LATENCY, LatencyPoints.class)
                    .orElse(null);
            if (points != null && !points.points().isEmpty()) {
                LatencyChart.write(
                        points,
                        machine.cores() + " cores, " + machine.jdk() + ", commit " + machine.commit() + ", "
                                + machine.date(),
                        out.resolve("benchmarks-latency.png"));
                chart = true;
            }
        }
        double minutes = (System.nanoTime() - start) / 60e9;
        String doc = BenchDoc.render(machine.withLoadAfter(), results, args, scale, minutes, chart);
        Files.writeString(out.resolve("benchmarks.md"), doc);
        System.err.printf(
                "[bench] wrote %s%s in %.1f min%n",
                out.resolve("benchmarks.md"), chart ? " and benchmarks-latency.png" : "", minutes);
        return results.stream().anyMatch(StageResult::failed) ? 1 : 0;
    }

    private static StageResult runStage(BenchRun run, String name) {
        Stage stage = STAGES.get(name).get();
        long t0 = System.nanoTime();
        run.progress("stage " + name + ": " + stage.title());
        try {
            List<Figure> figures = stage.run(run);
            double seconds = (System.nanoTime() - t0) / 1e9;
            run.progress(String.format("stage %s done in %.0f s", name, seconds));
            for (Figure f : figures) {
                run.progress("  " + f);
            }
            return new StageResult(name, stage.title(), stage.method(), figures, null, seconds);
        } catch (Throwable e) {
            double seconds = (System.nanoTime() - t0) / 1e9;
            run.progress("stage " + name + " FAILED: " + e);
            e.printStackTrace();
            return new StageResult(name, stage.title(), stage.method(), List.of(), String.valueOf(e), seconds);
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            usage(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static void usage(String problem) {
        System.err.println("bench: " + problem + "\nusage: bin/bench [--quick] [--scale X] [--stages "
                + String.join(",", STAGES.keySet()) + "] [--root DIR] [--out DIR]");
        System.exit(2);
    }
}
