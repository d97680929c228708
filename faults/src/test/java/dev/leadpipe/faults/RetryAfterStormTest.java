package dev.leadpipe.faults;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Long suite only: a 429 storm. As fairness-503, but B's endpoint answers 429 with {@code Retry-After} (seconds,
 * {@link FaultSettings#RETRY_AFTER_SECONDS}) for the whole fault phase. Invariants: no lead lost; H's p99 at most
 * 1.1× the no-fault phase's.
 */
@EnabledIfSystemProperty(named = "faults.suite", matches = "long")
class RetryAfterStormTest {
    @RegisterExtension
    static final FaultPipeline PIPELINE = new FaultPipeline();

    @Test
    void aThrottlingDestinationDoesNotSlowAHealthyOfferOnTheSameSink() throws Exception {
        try (Scenario s = new Scenario(PIPELINE, FaultSettings.RETRY_AFTER_STORM.name())) {
            FairnessRun run = new FairnessRun(
                    s,
                    FaultSettings.RETRY_AFTER_STORM,
                    FairnessRun.Fault.retryAfter(429, FaultSettings.RETRY_AFTER_SECONDS),
                    false);
            FairnessTest.assertFair(run.run(FaultSettings.sinkEnv()));
        }
    }
}
