package dev.leadpipe.bench.report;

import java.time.Instant;
import java.util.List;

import dev.leadpipe.bench.Figure;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BenchDocTest {
    private static final Machine MACHINE = new Machine(
            2,
            24_105,
            "Eclipse Adoptium 25.0.3+9-LTS",
            "86d4d27",
            Instant.parse("2026-12-03T06:20:02Z"),
            0.5,
            1.25,
            "Linux amd64");

    private static final StageResult INGEST = new StageResult(
            "ingest",
            "2. Ingest",
            "Single leads and batches.",
            List.of(
                    new Figure(
                            "NDJSON batches of 1,000 leads, 4 connections",
                            43_000,
                            "leads/s",
                            "ProducerPerformance records/s",
                            56_722.7,
                            "≥ 0.6×",
                            true,
                            "p50 79.6 ms | p99 267 ms"),
                    new Figure(
                            "single-lead requests, 64 connections",
                            2_836,
                            "leads/s",
                            "ProducerPerformance records/s",
                            56_722.7,
                            "≥ 0.15×, p99 ≤ 50 ms",
                            false,
                            ""),
                    Figure.plain("ingest JVM", 106.5, "MiB heap (peak)", "13 CPU s")),
            null,
            11.2);

    private static final StageResult FAILED = new StageResult(
            "end-to-end",
            "6. End to end",
            "Three JVMs.",
            List.of(),
            "java.lang.IllegalStateException: no lead\nwas delivered",
            20);

    @Test
    void aStageTableHasTheFigureItsBaselineTheRatioAndWhetherTheTargetWasMet() {
        String doc = BenchDoc.render(MACHINE, List.of(INGEST), "", 1.0, 12.5, false);

        assertThat(doc)
                .contains("| what | figure | unit | baseline | ratio | target | met | note |")
                .contains("| NDJSON batches of 1,000 leads, 4 connections | 43,000 | leads/s | "
                        + "ProducerPerformance records/s: 56,723 | 0.76× | ≥ 0.6× | yes | p50 79.6 ms \\| p99 267 ms |")
                .contains("| single-lead requests, 64 connections | 2,836 | leads/s | ProducerPerformance records/s: "
                        + "56,723 | 0.05× | ≥ 0.15×, p99 ≤ 50 ms | **no** |  |")
                .contains("| ingest JVM | 107 | MiB heap (peak) |  |  |  |  | 13 CPU s |")
                .contains("## 2. Ingest\n\nSingle leads and batches.")
                .contains("Command: `bin/bench --stages ingest`")
                .contains("Targets: 1 met, 1 missed; stages: 1 run, 0 failed.");
    }

    @Test
    void theIntroNamesTheCommandAndTheMachine() {
        String doc = BenchDoc.render(MACHINE, List.of(INGEST), "--stages ingest", 1.0, 12.5, false);

        assertThat(doc)
                .contains("| command | `bin/bench --stages ingest` (scale 1)|")
                .contains("| cores | 2 |")
                .contains("| memory | 24105 MiB |")
                .contains("| JDK | Eclipse Adoptium 25.0.3+9-LTS |")
                .contains("| commit | 86d4d27 |")
                .contains("| date | 2026-12-03T06:20:02Z |")
                .contains("| load average (1 min) | 0.50 before, 1.25 after |")
                .doesNotContain("A reduced run");
    }

    @Test
    void aFailedStageIsReportedWithItsErrorOnOneLineAndTheOthersStillAppear() {
        String doc = BenchDoc.render(MACHINE, List.of(INGEST, FAILED), "", 1.0, 12.5, false);

        assertThat(doc)
                .contains("## 6. End to end\n\nThree JVMs.\n\n**Failed** after 20.0 s: "
                        + "java.lang.IllegalStateException: no lead was delivered")
                .contains("## 2. Ingest")
                .contains("stages: 2 run, 1 failed.");
    }

    @Test
    void theChartIsEmbeddedUnderEndToEndOnlyWhenThisRunWroteIt() {
        StageResult e2e = new StageResult(
                "end-to-end", "6. End to end", "Three JVMs.", List.of(Figure.plain("p99", 120, "ms", "")), null, 200);

        assertThat(BenchDoc.render(MACHINE, List.of(e2e), "", 1.0, 4, true)).contains("](benchmarks-latency.png)");
        assertThat(BenchDoc.render(MACHINE, List.of(e2e), "", 1.0, 4, false)).doesNotContain("benchmarks-latency.png");
    }

    @Test
    void aQuickRunSaysItsFiguresAreASmokeTest() {
        assertThat(BenchDoc.render(MACHINE, List.of(INGEST), "--quick", 0.05, 1, false))
                .contains("**A reduced run (scale 0.050): its figures are a smoke test, not measurements.**");
    }

    @Test
    void numbersAreWrittenForPeople() {
        assertThat(BenchDoc.num(62_345.6)).isEqualTo("62,346");
        assertThat(BenchDoc.num(57.04)).isEqualTo("57.0");
        assertThat(BenchDoc.num(3)).isEqualTo("3");
        assertThat(BenchDoc.num(1.5)).isEqualTo("1.50");
        assertThat(BenchDoc.num(0.054)).isEqualTo("0.054");
        assertThat(BenchDoc.num(Double.NaN)).isEqualTo("–");
    }
}
