package dev.leadpipe.core.error;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorClassTest {
    @Test
    void everyClassHasItsNameAsCodeAndARemediation() {
        for (ErrorClass c : ErrorClass.values()) {
            assertThat(c.code()).isEqualTo(c.name());
            assertThat(c.remediation()).as(c.code()).isNotBlank().endsWith(".");
            assertThat(c.kind()).as(c.code()).isNotNull();
        }
        assertThat(Arrays.stream(ErrorClass.values())
                        .map(ErrorClass::remediation)
                        .distinct())
                .hasSize(ErrorClass.values().length);
    }

    @Test
    void transientClassesAreRetriedWhateverTheStatusAndPermanentOnesNever() {
        for (int status : new int[] {0, 400, 408, 429, 500, 503}) {
            assertThat(ErrorClass.DYNAMICS_TIMEOUT.isTransient(status)).isTrue();
            assertThat(ErrorClass.UNKNOWN.isTransient(status)).isTrue();
            assertThat(ErrorClass.AAD_INVALID_CLIENT_SECRET.isTransient(status)).isFalse();
            assertThat(ErrorClass.SECRET_UNREADABLE.isTransient(status)).isFalse();
            assertThat(ErrorClass.EDU_PRIVACY_SUPPRESSED.isTransient(status))
                    .as("not an error")
                    .isFalse();
        }
        assertThat(ErrorClass.DYNAMICS_TIMEOUT.kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(ErrorClass.SECRET_UNREADABLE.kind()).isEqualTo(ErrorKind.PERMANENT);
        assertThat(ErrorClass.EDU_PRIVACY_SUPPRESSED.kind()).isEqualTo(ErrorKind.NOT_AN_ERROR);
    }

    @Test
    void theCatalogueStatesHowManyClassesThereAre() throws IOException {
        assertThat(Files.readString(Path.of("..", "docs", "error-catalogue.md")))
                .contains("(leadpipe-core), " + ErrorClass.values().length + " classes, each listed once below.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"error-catalogue.md", "publisher-guide.md"})
    void theCatalogueAndThePublisherGuideHaveOneRowPerClassWithItsKind(String doc) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("..", "docs", doc));
        for (ErrorClass c : ErrorClass.values()) {
            List<String> rows = lines.stream()
                    .filter(l -> l.startsWith("| `" + c.code() + "` |"))
                    .toList();
            assertThat(rows).as(doc + " rows of " + c.code()).hasSize(1);
            assertThat(rows.get(0).split("\\|")[2].strip())
                    .as(doc + ": the kind of " + c.code())
                    .isEqualTo(c.kind().label().replace('-', ' '));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 429, 500, 502, 503, 599})
    void anHttpErrorIsRetriedOnTimeoutThrottlingAndServerErrors(int status) {
        assertThat(ErrorClass.DESTINATION_HTTP_ERROR.kind()).isEqualTo(ErrorKind.BY_STATUS);
        assertThat(ErrorClass.DESTINATION_HTTP_ERROR.isTransient(status)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 400, 401, 403, 404, 407, 409, 428, 430, 499})
    void anHttpErrorIsPermanentOnOtherStatuses(int status) {
        assertThat(ErrorClass.DESTINATION_HTTP_ERROR.isTransient(status)).isFalse();
    }

    @Test
    void kindsHaveLowerCaseHyphenatedLabels() {
        assertThat(ErrorKind.TRANSIENT.label()).isEqualTo("transient");
        assertThat(ErrorKind.PERMANENT.label()).isEqualTo("permanent");
        assertThat(ErrorKind.BY_STATUS.label()).isEqualTo("by-status");
        assertThat(ErrorKind.NOT_AN_ERROR.label()).isEqualTo("not-an-error");
    }
}
