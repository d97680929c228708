package dev.leadpipe.core.error;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SafeErrorsTest {
    private static final String PERSONAL = "ann.lee@contoso.example";

    @Test
    void namesEachCauseAndWhereItWasThrownButNoMessage() {
        IOException root = new IOException("upload of " + PERSONAL + " failed");
        UncheckedIOException top = new UncheckedIOException("wrapped " + PERSONAL, root);
        String described = SafeErrors.describe(top);
        assertThat(described).doesNotContain(PERSONAL).doesNotContain("upload");
        assertThat(described)
                .isEqualTo("java.io.UncheckedIOException at " + top.getStackTrace()[0]
                        + " <- caused by java.io.IOException at " + root.getStackTrace()[0]);
        assertThat(described).contains(SafeErrorsTest.class.getName());
    }

    @Test
    void aThrowableWithoutStackTraceIsNamedAlone() {
        IllegalStateException bare = new IllegalStateException(PERSONAL);
        bare.setStackTrace(new StackTraceElement[0]);
        assertThat(SafeErrors.describe(bare)).isEqualTo("java.lang.IllegalStateException");
    }

    @Test
    void aLongChainIsCutAfterEightCauses() {
        Throwable t = new IllegalArgumentException("root");
        for (int i = 0; i < 11; i++) {
            t = new RuntimeException("level " + i, t);
        }
        String described = SafeErrors.describe(t);
        assertThat(described.split(" <- caused by ")).hasSize(8);
        assertThat(described).doesNotContain("IllegalArgumentException").doesNotContain("level");
        assertThat(SafeErrors.describe(null)).isEmpty();
    }
}
