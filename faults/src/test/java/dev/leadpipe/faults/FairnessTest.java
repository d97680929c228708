package dev.leadpipe.faults;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * fairness-503 and fairness-slow: one sink-https, a healthy offer H with a steady stream and an offer B with a burst
 * of leads, first with B's endpoint healthy, then with it answering 503 (or taking {@link FaultSettings#SLOW_CALL}
 * per call) for the whole phase. Invariants: no lead lost; H's p99 ingest→DELIVERED in the fault phase at most 1.1×
 * that of the no-fault phase.
 */
class FairnessTest {
    @RegisterExtension
    static final FaultPipeline PIPELINE = new FaultPipeline();

    @Test
    void aDestinationAnswering503DoesNotSlowAHealthyOfferOnTheSameSink() throws Exception {
        try (Scenario s = new Scenario(PIPELINE, FaultSettings.FAIRNESS_503.name())) {
            FairnessRun run = new FairnessRun(s, FaultSettings.FAIRNESS_503, FairnessRun.Fault.status(503), false);
            assertFair(run.run(FaultSettings.sinkEnv()));
        }
    }

    @Test
    void aDestinationTakingLongPerCallDoesNotSlowAHealthyOfferOnTheSameSink() throws Exception {
        try (Scenario s = new Scenario(PIPELINE, FaultSettings.FAIRNESS_SLOW.name())) {
            FairnessRun run = new FairnessRun(
                    s, FaultSettings.FAIRNESS_SLOW, FairnessRun.Fault.slow(FaultSettings.SLOW_CALL), false);
            assertFair(run.run(FaultSettings.sinkEnv()));
        }
    }

    static void assertFair(Reconciliation.Report r) {
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(r.lost())
                .as("acknowledged leads without an outcome; report: %s", Reconciliation.markdown(r))
                .isZero();
        soft.assertThat(FairnessRun.ratio(r))
                .as("H's p99 ingest→DELIVERED, fault phase over no-fault phase; report: %s", Reconciliation.markdown(r))
                .isLessThanOrEqualTo(1.1);
        soft.assertAll();
        assertThat(r.acknowledged()).isPositive();
    }
}
