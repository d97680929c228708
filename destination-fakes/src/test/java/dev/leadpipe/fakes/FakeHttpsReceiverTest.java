package dev.leadpipe.fakes;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** FakeHttpsReceiver's own contract: signature and URL-sig checks, programmed answers, kept deliveries. */
class FakeHttpsReceiverTest {
    static final String SECRET = "receiver-secret";
    static final String BODY = "{\"UserDetails\":{\"FirstName\":\"Mei\"}}";
    final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final FakeHttpsReceiver receiver = FakeHttpsReceiver.start(SECRET);

    @AfterEach
    void close() {
        receiver.close();
        http.close();
    }

    static String sign(String secret, long t, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "t=" + t + ",v1="
                + HexFormat.of().formatHex(mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8)));
    }

    HttpResponse<String> post(String url, String signature, String leadId) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", leadId)
                .POST(BodyPublishers.ofString(BODY));
        if (signature != null) {
            b.header("X-Leadpipe-Signature", signature);
        }
        return http.send(b.build(), BodyHandlers.ofString());
    }

    @Test
    void acceptsSignedRequestsAndRejectsTheRest() throws Exception {
        long now = Instant.now().getEpochSecond();
        assertThat(post(receiver.url("/in"), sign(SECRET, now, BODY), "l1").statusCode())
                .isEqualTo(202);
        assertThat(post(receiver.url("/in"), sign(SECRET, now, BODY), "l1").statusCode())
                .isEqualTo(202);
        assertThat(post(receiver.url("/in"), null, "l2").statusCode()).isEqualTo(401);
        assertThat(post(receiver.url("/in"), "t=" + now + ",v1=zz", "l2").statusCode())
                .isEqualTo(401);
        assertThat(post(receiver.url("/in"), sign("other", now, BODY), "l2").statusCode())
                .isEqualTo(401);
        assertThat(post(receiver.url("/in"), sign(SECRET, now - 301, BODY), "l2")
                        .statusCode())
                .isEqualTo(401);
        assertThat(post(receiver.baseUrl() + "/in?sig=nope", sign(SECRET, now, BODY), "l2")
                        .statusCode())
                .isEqualTo(401);
        assertThat(receiver.rejectedSignatures()).isEqualTo(4);
        assertThat(receiver.rejectedUrlSignatures()).isEqualTo(1);
        assertThat(receiver.deliveredCount()).isEqualTo(1);
        assertThat(receiver.delivery("l1").count()).isEqualTo(2);
        assertThat(receiver.delivery("l1").signatureVerified()).isTrue();
        assertThat(receiver.delivery("l1")
                        .body()
                        .path("UserDetails")
                        .path("FirstName")
                        .asText())
                .isEqualTo("Mei");
        assertThat(receiver.verifiedRequests()).isEqualTo(2);
    }

    @Test
    void programmedAnswers() throws Exception {
        receiver.answer("/flaky", 503, 2)
                .answer("/moved", 302)
                .answerWithLocation("/created", 201)
                .answerFirst("/twice", 2, 500);
        long now = Instant.now().getEpochSecond();
        String sig = sign(SECRET, now, BODY);
        HttpResponse<String> flaky = post(receiver.url("/flaky"), sig, "a");
        assertThat(flaky.statusCode()).isEqualTo(503);
        assertThat(flaky.headers().firstValue("Retry-After")).contains("2");
        assertThat(post(receiver.url("/moved"), sig, "a").headers().firstValue("Location"))
                .isPresent();
        assertThat(post(receiver.url("/created"), sig, "a").headers().firstValue("Location"))
                .contains(receiver.baseUrl() + "/records/" + FakeHttpsReceiver.recordId("a"));
        assertThat(post(receiver.url("/twice"), sig, "b").statusCode()).isEqualTo(500);
        assertThat(post(receiver.url("/twice"), sig, "b").statusCode()).isEqualTo(500);
        assertThat(post(receiver.url("/twice"), sig, "b").statusCode()).isEqualTo(202);
        assertThat(receiver.arrivals("/twice")).hasSize(3);
    }
}
