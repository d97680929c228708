package dev.leadpipe.sink.dynamics;

import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import com.microsoft.aad.msal4j.MsalServiceException;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.sink.dynamics.DynamicsErrorClassifier.Stage;
import dev.leadpipe.sink.dynamics.DynamicsErrorClassifier.Upstream;
import dev.leadpipe.sink.runtime.DeliveryFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The classifier as a pure function over what Azure AD and Dataverse answer. */
class DynamicsErrorClassifierTest {
    static final Set<String> SECRETS = Set.of("CANARY-secret-123");

    @ParameterizedTest
    @CsvSource({
        "90002, invalid_request, AAD_TENANT_NOT_FOUND",
        "900023, invalid_request, AAD_TENANT_ID_INVALID_FORMAT",
        "700016, unauthorized_client, AAD_APP_NOT_FOUND",
        "7000215, invalid_client, AAD_INVALID_CLIENT_SECRET",
        "7000222, invalid_client, AAD_INVALID_CLIENT_SECRET",
        "50126, invalid_grant, DYNAMICS_LOGIN_FAILED",
        "50034, invalid_grant, DYNAMICS_LOGIN_FAILED",
    })
    void signInErrorsByAadstsNumber(String code, String error, ErrorClass expected) {
        var e = new MsalServiceException("AADSTS" + code + ": something for CANARY-secret-123 and a@b.example", error);
        DeliveryFailure f =
                DynamicsErrorClassifier.classify(Upstream.error(Stage.SIGN_IN, new ExecutionException(e)), SECRETS);
        assertThat(f.errorClass()).isEqualTo(expected);
        assertThat(f.isTransient()).isFalse();
        assertThat(f.detail()).contains("AADSTS" + code).doesNotContain("CANARY", "a@b.example");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "403|{\"error\":{\"code\":\"0x80040220\",\"message\":\"SecLib::RetrievePrivilegeForUser failed - no roles are assigned to user.\"}}|DYNAMICS_NO_ROLES_ASSIGNED",
                "403|{\"error\":{\"code\":\"0x80040220\",\"message\":\"Principal user (Id=1, type=8) is missing prvCreateLead privilege on leadsourcecode\"}}|DYNAMICS_MISSING_LEAD_WRITER_ROLE",
                "403|{\"error\":{\"code\":\"0x80040220\",\"message\":\"some other privilege\"}}|DYNAMICS_MISSING_LEAD_WRITER_ROLE",
                "403|{\"error\":{\"code\":\"0x80042f09\",\"message\":\"They need a role with the prvCreateLead privilege.\"}}|DYNAMICS_NO_ROLES_ASSIGNED",
                "403|{\"error\":{\"code\":\"0x80040216\",\"message\":\"some other failure\"}}|DESTINATION_HTTP_ERROR",
                "404|<html>404 - Not Found</html>|DYNAMICS_INVALID_INSTANCE_URL",
                "401||DYNAMICS_LOGIN_FAILED",
                "429|{\"error\":{\"code\":\"0x80072322\",\"message\":\"Number of requests exceeded the limit of 6000 over time window of 300 seconds.\"}}|DYNAMICS_THROTTLED",
                "500|{\"error\":{\"code\":\"0x80040216\",\"message\":\"An unexpected error occurred.\"}}|DESTINATION_HTTP_ERROR",
                "400|{\"error\":{\"code\":\"0x80048d19\",\"message\":\"Error identified in Payload\"}}|DESTINATION_HTTP_ERROR",
            })
    void dataverseAnswers(int status, String body, ErrorClass expected) {
        DeliveryFailure f = DynamicsErrorClassifier.classify(Upstream.http(status, "7", body), SECRETS);
        assertThat(f.errorClass()).isEqualTo(expected);
        assertThat(f.httpStatus()).isEqualTo(status);
        if (status == 429) {
            assertThat(f.retryAfter()).isEqualTo(Duration.ofSeconds(7));
            assertThat(f.isTransient()).isTrue();
        }
        if (status == 500) {
            assertThat(f.isTransient()).isTrue();
        }
        if (status == 400) {
            assertThat(f.isTransient()).isFalse();
        }
    }

    @Test
    void exceptions() {
        assertThat(DynamicsErrorClassifier.classify(
                                Upstream.error(Stage.DATAVERSE, new HttpTimeoutException("request timed out")), SECRETS)
                        .errorClass())
                .isEqualTo(ErrorClass.DYNAMICS_TIMEOUT);
        assertThat(DynamicsErrorClassifier.classify(
                                Upstream.error(Stage.SIGN_IN, new java.util.concurrent.TimeoutException()), SECRETS)
                        .errorClass())
                .isEqualTo(ErrorClass.DYNAMICS_TIMEOUT);
        ConnectException unresolved = new ConnectException();
        unresolved.initCause(new UnresolvedAddressException());
        assertThat(DynamicsErrorClassifier.classify(Upstream.error(Stage.DATAVERSE, unresolved), SECRETS)
                        .errorClass())
                .isEqualTo(ErrorClass.DYNAMICS_INVALID_INSTANCE_URL);
        DeliveryFailure refused = DynamicsErrorClassifier.classify(
                Upstream.error(Stage.DATAVERSE, new ConnectException("Connection refused")), SECRETS);
        assertThat(refused.errorClass()).isEqualTo(ErrorClass.UNKNOWN);
        assertThat(refused.isTransient()).isTrue();
    }
}
