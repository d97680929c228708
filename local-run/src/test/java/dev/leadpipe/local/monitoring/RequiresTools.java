package dev.leadpipe.local.monitoring;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * A test (class or method) that runs external tools, e.g. {@code @RequiresTools({"promtool", "prometheus"})}. When one
 * of them is not on the PATH the test is skipped, with a message naming the tool and {@code bin/ensure-test-tools};
 * with the environment variable {@code LEADPIPE_REQUIRE_TOOLS=1} (bin/test sets it once the tools are installed, and
 * always on CI) it fails with that message instead. Without a value: every tool of the monitoring tests.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(RequiresTools.Extension.class)
public @interface RequiresTools {
    /** Executable names looked up on the PATH. */
    String[] value() default {"promtool", "prometheus", "chromium", "chromedriver"};

    /** The environment variable that turns a skip into a failure. */
    String REQUIRE_ENV = "LEADPIPE_REQUIRE_TOOLS";

    /** Skips (condition) or fails (callbacks, when {@link TestTools#required()}) a test whose tools are missing. */
    final class Extension implements ExecutionCondition, BeforeAllCallback, BeforeEachCallback {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            List<String> missing = missingFor(context);
            if (missing.isEmpty()) {
                return ConditionEvaluationResult.enabled("tools present");
            }
            if (TestTools.required()) {
                // enabled, so that the callbacks below fail it rather than it being silently skipped
                return ConditionEvaluationResult.enabled(REQUIRE_ENV + "=1: fails");
            }
            return ConditionEvaluationResult.disabled(TestTools.missingMessage(missing));
        }

        @Override
        public void beforeAll(ExtensionContext context) {
            failIfMissing(context);
        }

        @Override
        public void beforeEach(ExtensionContext context) {
            failIfMissing(context);
        }

        private static void failIfMissing(ExtensionContext context) {
            List<String> missing = missingFor(context);
            if (!missing.isEmpty()) {
                throw new AssertionError(TestTools.missingMessage(missing) + " (" + REQUIRE_ENV
                        + "=1, so this fails instead of skipping)");
            }
        }

        private static List<String> missingFor(ExtensionContext context) {
            List<String> tools = new ArrayList<>();
            context.getTestClass()
                    .flatMap(c -> AnnotationSupport.findAnnotation(c, RequiresTools.class))
                    .ifPresent(a -> tools.addAll(List.of(a.value())));
            context.getTestMethod()
                    .flatMap(m -> AnnotationSupport.findAnnotation(m, RequiresTools.class))
                    .ifPresent(a -> tools.addAll(List.of(a.value())));
            return TestTools.missing(tools.stream().distinct().toArray(String[]::new));
        }
    }
}
