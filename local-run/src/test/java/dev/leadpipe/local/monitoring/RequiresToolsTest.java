package dev.leadpipe.local.monitoring;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/** A missing tool skips the test, or fails it when tools are required (LEADPIPE_REQUIRE_TOOLS=1). */
class RequiresToolsTest {

    @AfterEach
    void restore() {
        System.clearProperty("leadpipe.require-tools");
    }

    @Test
    void missingToolSkipsNamingTheToolAndTheInstaller() {
        System.setProperty("leadpipe.require-tools", "0");
        Events all = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(NeedsAMissingTool.class))
                .execute()
                .allEvents();
        assertThat(all.skipped().count()).as("the class is skipped").isEqualTo(1);
        assertThat(all.skipped().list().get(0).getPayload(String.class))
                .get()
                .asString()
                .contains("leadpipe-no-such-tool")
                .contains("bin/ensure-test-tools");
        assertThat(run(NeedsAMissingTool.class).started().count())
                .as("its tests never start")
                .isZero();
    }

    @Test
    void missingToolFailsWhenRequired() {
        System.setProperty("leadpipe.require-tools", "1");
        Events all = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(NeedsAMissingTool.class))
                .execute()
                .allEvents();
        assertThat(all.failed().count()).isGreaterThanOrEqualTo(1);
        assertThat(all.failed()
                        .list()
                        .get(0)
                        .getPayload(org.junit.platform.engine.TestExecutionResult.class)
                        .get()
                        .getThrowable()
                        .get())
                .hasMessageContaining("leadpipe-no-such-tool")
                .hasMessageContaining("bin/ensure-test-tools");
    }

    @Test
    void presentToolRuns() {
        System.setProperty("leadpipe.require-tools", "1");
        Events tests = run(NeedsSh.class);
        assertThat(tests.succeeded().count()).isEqualTo(1);
    }

    private static Events run(Class<?> c) {
        return EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(c))
                .execute()
                .testEvents();
    }

    @RequiresTools({"sh", "leadpipe-no-such-tool"})
    static class NeedsAMissingTool {
        @Test
        void runs() {}
    }

    @RequiresTools({"sh"})
    static class NeedsSh {
        @Test
        void runs() {}
    }
}
