package dev.leadpipe.sink.dynamics;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.sink.dynamics.DynamicsErrorClassifier.Upstream;
import dev.leadpipe.sink.runtime.DeliveryFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every real Dataverse privilege answer in {@code dataverse-privilege-answers.json} (with its public source) lands in
 * its class, by code and by wording alone (the same message without a code).
 */
class DataversePrivilegeAnswersTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Answer(String source, int status, String code, String message, ErrorClass expected) {
        String body() {
            ObjectNode error = JSON.createObjectNode();
            ObjectNode e = error.putObject("error");
            if (code != null) {
                e.put("code", code);
            }
            e.put("message", message);
            return error.toString();
        }

        @Override
        public String toString() {
            return expected + " <- " + (code == null ? "(no code) " : code + " ") + message;
        }
    }

    static List<Answer> answers() throws Exception {
        try (InputStream in =
                DataversePrivilegeAnswersTest.class.getResourceAsStream("/dataverse-privilege-answers.json")) {
            List<Answer> out = new ArrayList<>();
            for (JsonNode a : JSON.readTree(in).path("answers")) {
                out.add(new Answer(
                        a.path("source").asText(),
                        a.path("status").asInt(),
                        a.path("code").isNull() ? null : a.path("code").asText(),
                        a.path("message").asText(),
                        ErrorClass.valueOf(a.path("expected").asText())));
            }
            return out;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void eachRealAnswerLandsInItsClass(Answer a) {
        DeliveryFailure f = DynamicsErrorClassifier.classify(Upstream.http(a.status(), null, a.body()), Set.of());
        assertThat(f.errorClass()).as(a.source()).isEqualTo(a.expected());
        assertThat(f.isTransient()).isFalse();
        assertThat(f.detail()).contains(a.message().substring(0, 20));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void theWordingAloneIsEnoughWhenTheCodeIsLost(Answer a) {
        if (a.expected() == ErrorClass.DESTINATION_HTTP_ERROR) {
            return;
        }
        Answer noCode = new Answer(a.source(), a.status(), null, a.message(), a.expected());
        assertThat(DynamicsErrorClassifier.classify(Upstream.http(403, null, noCode.body()), Set.of())
                        .errorClass())
                .as(a.source())
                .isEqualTo(a.expected());
    }

    @Test
    void theCollectionHasEveryKindOfAnswer() throws Exception {
        List<Answer> all = answers();
        assertThat(all)
                .extracting(Answer::expected)
                .contains(
                        ErrorClass.DYNAMICS_NO_ROLES_ASSIGNED,
                        ErrorClass.DYNAMICS_MISSING_LEAD_WRITER_ROLE,
                        ErrorClass.DESTINATION_HTTP_ERROR);
        assertThat(all).allSatisfy(a -> assertThat(a.source()).isNotBlank());
    }

    @Test
    void codesAreReadInEveryNotation() {
        assertThat(DataversePrivilegeErrors.parseCode("0x80040220")).isEqualTo(0x80040220);
        assertThat(DataversePrivilegeErrors.parseCode("-2147220960")).isEqualTo(0x80040220);
        assertThat(DataversePrivilegeErrors.parseCode("80042F09")).isEqualTo(0x80042f09);
        assertThat(DataversePrivilegeErrors.parseCode("-2147209463")).isEqualTo(0x80042f09);
        assertThat(DataversePrivilegeErrors.parseCode("not a code")).isNull();
    }
}
