package dev.leadpipe.sink.https;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.destination.types.HttpsSpec;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.sink.runtime.DeliveryException;
import dev.leadpipe.sink.runtime.DeliveryFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The classification function, URL checks, endpoint and secret handling, without a broker. */
class HttpsDestinationClientTest {
    static final String FLOW_URL = "https://prod-12.westeurope.logic.azure.com:443/workflows/0123abcd/triggers/manual"
            + "/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=SiGvAlUe-0123456789";

    static LeadDestination dest(String url, String secret) {
        return HttpsLeads.destination("contoso.x", url, secret);
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 202, 204, 299})
    void twoHundredsAreDelivered(int status) {
        assertThat(HttpsErrorClassifier.classify(status, null, "{}", Set.of())).isNull();
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 429, 500, 502, 503, 504})
    void transientStatuses(int status) {
        DeliveryFailure f = HttpsErrorClassifier.classify(status, "7", "busy", Set.of());
        assertThat(f.errorClass()).isEqualTo(ErrorClass.DESTINATION_HTTP_ERROR);
        assertThat(f.isTransient()).isTrue();
        assertThat(f.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(f.detail()).isEqualTo("HTTP " + status + ": busy");
    }

    @ParameterizedTest
    @ValueSource(ints = {100, 301, 302, 303, 307, 308, 400, 401, 403, 404, 409, 410, 413, 422})
    void permanentStatuses(int status) {
        DeliveryFailure f = HttpsErrorClassifier.classify(status, "7", null, Set.of());
        assertThat(f.errorClass()).isEqualTo(ErrorClass.DESTINATION_HTTP_ERROR);
        assertThat(f.httpStatus()).isEqualTo(status);
        assertThat(f.isTransient()).isFalse();
        assertThat(f.retryAfter()).isNull();
    }

    @Test
    void exceptionsAreUnknownAndTransient() {
        for (Throwable t : new Throwable[] {
            new HttpTimeoutException("request timed out"),
            new HttpConnectTimeoutException("HTTP connect timed out"),
            new ConnectException(FLOW_URL),
            new java.io.IOException("wrapped", new UnknownHostException("prod-12.westeurope.logic.azure.com")),
            new InterruptedException()
        }) {
            DeliveryFailure f = HttpsErrorClassifier.classifyError(t, Duration.ofSeconds(30));
            assertThat(f.errorClass()).isEqualTo(ErrorClass.UNKNOWN);
            assertThat(f.isTransient()).isTrue();
            assertThat(f.httpStatus()).isZero();
            assertThat(f.detail()).doesNotContain("logic.azure.com", "sig", "workflows");
        }
        assertThat(HttpsErrorClassifier.classifyError(new ConnectException(), Duration.ofSeconds(1))
                        .detail())
                .contains("refused");
        assertThat(HttpsErrorClassifier.classifyError(new HttpTimeoutException("x"), Duration.ofSeconds(1))
                        .detail())
                .contains("no answer within PT1S");
    }

    @Test
    void theDetailIsShortAndHoldsNoSecretPathQueryOrEmail() {
        Set<String> secrets = HttpsDestinationClient.secretValues(
                dest(FLOW_URL, "my-signing-secret").settings());
        String body = "{\"error\":{\"message\":\"bad value for mei.lin@contoso.example posted to " + FLOW_URL
                + " (path /workflows/0123abcd/triggers/manual/paths/invoke, sig SiGvAlUe-0123456789, secret "
                + "my-signing-secret)\"}}" + "x".repeat(1000);
        DeliveryFailure f = HttpsErrorClassifier.classify(400, null, body, secrets);
        assertThat(f.detail())
                .startsWith("HTTP 400: ")
                .doesNotContain("@", "0123abcd", "SiGvAlUe", "my-signing-secret", "/workflows/", "api-version");
        assertThat(f.detail().length()).isLessThanOrEqualTo(HttpsErrorClassifier.MAX_EXCERPT + 20);
        DeliveryException e = new DeliveryException(f);
        assertThat(e.getMessage()).doesNotContain("SiGvAlUe", "0123abcd");
    }

    @Test
    void theEndpointIsTheUrlWithoutItsQueryAndWithItsPathHashed() {
        HttpsDestinationClient client = new HttpsDestinationClient();
        try {
            assertThat(client.type()).isEqualTo(DestinationType.HTTPS);
            String flow = client.endpoint(dest(FLOW_URL, null));
            assertThat(flow)
                    .startsWith("https://prod-12.westeurope.logic.azure.com:443#path-")
                    .doesNotContain("/workflows/", "SiGvAlUe", "api-version");
            assertThat(client.endpoint(dest(FLOW_URL.replace("SiGvAlUe", "AnOtHeRsIg"), null)))
                    .as("the same flow with another signature: the same endpoint")
                    .isEqualTo(flow);
            assertThat(client.endpoint(dest(FLOW_URL.replace("/workflows/0123abcd", "/workflows/4567ef01"), null)))
                    .as("another flow on the same host: another endpoint (its own cap and circuit)")
                    .isNotEqualTo(flow)
                    .startsWith("https://prod-12.westeurope.logic.azure.com:443#path-");
            assertThat(client.endpoint(dest("https://Hooks.Contoso.example/in?k=v", null)))
                    .isEqualTo(client.endpoint(dest("https://hooks.contoso.example/in", null)))
                    .startsWith("https://hooks.contoso.example#path-");
            assertThat(client.endpoint(dest("not a url ^", null))).isEqualTo("invalid-url");
        } finally {
            client.close();
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "not a url ^",
                "/relative/path?sig=abc",
                "http://hooks.contoso.example/in?sig=abc",
                "ftp://hooks.contoso.example/in",
                "https://user:pass@hooks.contoso.example/in"
            })
    void unusableUrlsArePermanentStatusZeroWithoutTheUrl(String url) {
        assertThatThrownBy(() -> HttpsDestinationClient.targetUri(url))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.failure().errorClass()).isEqualTo(ErrorClass.DESTINATION_HTTP_ERROR);
                    assertThat(e.failure().httpStatus()).isZero();
                    assertThat(e.failure().isTransient()).isFalse();
                    assertThat(e.getMessage()).doesNotContain("hooks.contoso", "sig=", "/in", "user:pass");
                });
    }

    @Test
    void loopbackMayBePlainHttp() throws Exception {
        assertThat(HttpsDestinationClient.targetUri("http://127.0.0.1:8080/x").getPort())
                .isEqualTo(8080);
        assertThat(HttpsDestinationClient.targetUri("http://localhost/x").getHost())
                .isEqualTo("localhost");
        assertThat(HttpsDestinationClient.targetUri("http://[::1]:9/x").getPort())
                .isEqualTo(9);
        assertThat(dev.leadpipe.core.Hosts.isLoopback("127.attacker.example")).isFalse();
    }

    @Test
    void theUrlAndTheSigningSecretAreMaskedSettings() {
        Map<String, String> masked = dest(FLOW_URL, "my-signing-secret").maskedSettings();
        assertThat(masked.get(HttpsSpec.URL)).isEqualTo(LeadDestination.MASK);
        assertThat(masked.get(HttpsSpec.SIGNING_SECRET)).isEqualTo(LeadDestination.MASK);
    }
}
