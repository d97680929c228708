package dev.leadpipe.faults;

import java.util.Map;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * same-host-paths: two https offers on one receiver (same host and port), different paths, one answering 503 for the
 * whole fault phase. Invariants: the other offer's leads are neither delayed (p99 against the no-fault phase, 1.1×)
 * nor dead-lettered; no lead lost.
 */
class SameHostPathsTest {
    @RegisterExtension
    static final FaultPipeline PIPELINE = new FaultPipeline();

    @Test
    void aFailingPathDoesNotDelayOrDeadLetterAnotherPathOfTheSameHost() throws Exception {
        try (Scenario s = new Scenario(PIPELINE, FaultSettings.SAME_HOST_PATHS.name())) {
            FairnessRun run = new FairnessRun(s, FaultSettings.SAME_HOST_PATHS, FairnessRun.Fault.status(503), true);
            Reconciliation.Report r = run.run(FaultSettings.sinkEnv());
            Map<String, Integer> healthy = r.perOffer().get(run.healthyOffer());
            SoftAssertions soft = new SoftAssertions();
            soft.assertThat(r.lost())
                    .as("lost leads; report: %s", Reconciliation.markdown(r))
                    .isZero();
            soft.assertThat(healthy.getOrDefault("DEAD_LETTERED", 0))
                    .as("the healthy path's dead letters; report: %s", Reconciliation.markdown(r))
                    .isZero();
            soft.assertThat(FairnessRun.ratio(r))
                    .as(
                            "the healthy path's p99, fault phase over no-fault phase; report: %s",
                            Reconciliation.markdown(r))
                    .isLessThanOrEqualTo(1.1);
            soft.assertAll();
        }
    }
}
