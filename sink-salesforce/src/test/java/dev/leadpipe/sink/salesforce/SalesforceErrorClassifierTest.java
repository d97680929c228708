package dev.leadpipe.sink.salesforce;

import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.sink.runtime.DeliveryFailure;
import dev.leadpipe.sink.salesforce.SalesforceErrorClassifier.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The classification table, row by row, without Kafka or HTTP. */
class SalesforceErrorClassifierTest {
    static final Set<String> SECRETS = Set.of("CANARY-secret-1234");

    @ParameterizedTest(name = "{0} {1} -> {3}")
    @CsvSource(
            delimiter = '|',
            value = {
                "UPSERT|400|[{\"message\":\"Required fields are missing: [Industry__c]\",\"errorCode\":\"REQUIRED_FIELD_MISSING\",\"fields\":[\"Industry__c\"]}]|SALESFORCE_REQUIRED_PICKLIST|false|Industry__c",
                "UPSERT|400|[{\"message\":\"Industry: bad value for restricted picklist field: X\",\"errorCode\":\"INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST\",\"fields\":[\"Industry__c\"]}]|SALESFORCE_REQUIRED_PICKLIST|false|Industry__c",
                "UPSERT|400|[{\"message\":\"Required fields are missing: [LastName]\",\"errorCode\":\"REQUIRED_FIELD_MISSING\",\"fields\":[\"LastName\"]}]|DESTINATION_HTTP_ERROR|false|LastName",
                "SIGN_IN|400|{\"error\":\"invalid_client\",\"error_description\":\"invalid client credentials\"}|SALESFORCE_AUTH_FAILED|false|invalid_client",
                "SIGN_IN|400|{\"error\":\"invalid_grant\",\"error_description\":\"invalid assertion\"}|SALESFORCE_AUTH_FAILED|false|invalid assertion",
                "SIGN_IN|400|{\"error\":\"unsupported_grant_type\",\"error_description\":\"grant type not supported\"}|SALESFORCE_AUTH_FAILED|false|unsupported_grant_type",
                "UPSERT|401|[{\"message\":\"Session expired or invalid\",\"errorCode\":\"INVALID_SESSION_ID\"}]|SALESFORCE_AUTH_FAILED|false|INVALID_SESSION_ID",
                "UPSERT|403|[{\"message\":\"TotalRequests Limit exceeded.\",\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]|SALESFORCE_LIMIT_EXCEEDED|true|REQUEST_LIMIT_EXCEEDED",
                "UPSERT|503|<html><body>Service Unavailable</body></html>|SALESFORCE_LIMIT_EXCEEDED|true|Service Unavailable",
                "WEB_TO_LEAD|503|<html>down</html>|SALESFORCE_LIMIT_EXCEEDED|true|503",
                "WEB_TO_LEAD|404|<html>nope</html>|DESTINATION_HTTP_ERROR|false|404",
                "UPSERT|300|[\"/services/data/v62.0/sobjects/Lead/00Q1\",\"/services/data/v62.0/sobjects/Lead/00Q2\"]|DESTINATION_HTTP_ERROR|false|matches 2 Lead records",
                "UPSERT|500|[{\"message\":\"An unexpected error occurred.\",\"errorCode\":\"UNKNOWN_EXCEPTION\"}]|DESTINATION_HTTP_ERROR|true|UNKNOWN_EXCEPTION",
                "UPSERT|429|(none)|DESTINATION_HTTP_ERROR|true|429",
                "UPSERT|404|[{\"errorCode\":\"NOT_FOUND\",\"message\":\"Provided external ID field does not exist or is not accessible: LeadpipeLeadId__c\"}]|DESTINATION_HTTP_ERROR|false|LeadpipeLeadId__c"
            })
    void classifiesEachRow(
            Stage stage, int status, String body, ErrorClass expected, boolean transientKind, String inDetail) {
        DeliveryFailure f = SalesforceErrorClassifier.classify(stage, status, body, null, SECRETS);
        assertThat(f.errorClass()).isEqualTo(expected);
        assertThat(f.httpStatus()).isEqualTo(status);
        assertThat(f.isTransient()).isEqualTo(transientKind);
        assertThat(f.detail()).contains(inDetail);
    }

    @Test
    void retryAfterIsHonoured() {
        DeliveryFailure f = SalesforceErrorClassifier.classify(
                Stage.UPSERT, 503, "", SalesforceErrorClassifier.headers(Map.of("Retry-After", List.of("7"))), SECRETS);
        assertThat(f.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(f.errorClass()).isEqualTo(ErrorClass.SALESFORCE_LIMIT_EXCEEDED);
    }

    @Test
    void exceptionsAreUnknownAndTransientWithASafeDetail() {
        DeliveryFailure timeout = SalesforceErrorClassifier.classify(
                Stage.UPSERT, new HttpTimeoutException("request timed out"), SECRETS);
        assertThat(timeout.errorClass()).isEqualTo(ErrorClass.UNKNOWN);
        assertThat(timeout.isTransient()).isTrue();
        assertThat(timeout.detail()).contains("timeout");
        DeliveryFailure refused = SalesforceErrorClassifier.classify(
                Stage.SIGN_IN, new java.io.IOException("wrapped", new ConnectException("Connection refused")), SECRETS);
        assertThat(refused.errorClass()).isEqualTo(ErrorClass.UNKNOWN);
        assertThat(refused.detail()).contains("could not connect");
    }

    @Test
    void detailsAreRedacted() {
        DeliveryFailure f = SalesforceErrorClassifier.classify(
                Stage.SIGN_IN,
                400,
                "{\"error\":\"invalid_client\",\"error_description\":\"bad CANARY-secret-1234 for someone@contoso.example"
                        + " assertion=eyJabc.def.ghi\"}",
                null,
                SECRETS);
        assertThat(f.detail()).doesNotContain("CANARY", "@", "eyJabc");
    }
}
