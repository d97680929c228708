package dev.leadpipe.sink.https;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.fakes.FakeHttpsReceiver;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicReader;
import dev.leadpipe.sink.runtime.SinkConfig;
import dev.leadpipe.sink.runtime.SinkRuntime;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.leadpipe.sink.https.HttpsLeads.CANARY_SIGNING_SECRET;
import static dev.leadpipe.sink.https.HttpsLeads.destination;
import static dev.leadpipe.sink.runtime.testing.MarketplaceLeads.lead;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signed deliveries end to end: {@value #LEADS} leads to a receiver that verifies every signature with its own code
 * (each verified, none rejected, each carrying its Idempotency-Key and the marketplace JSON shape), and a destination
 * configured with the wrong secret, dead-lettered as DESTINATION_HTTP_ERROR 401 permanent after one attempt. Plus the
 * HmacSignature unit checks: a body changed after signing, a stale timestamp, a wrong secret, malformed headers.
 */
class HttpsSignatureTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static final int LEADS = 200;
    static final int WRONG = 3;
    static final String PATH = "/workflows/abc/triggers/manual/paths/invoke";
    static FakeHttpsReceiver receiver;
    static FakeHttpsReceiver strictReceiver;
    static List<ConsumerRecord<String, Outcome>> outcomes;
    static List<ConsumerRecord<String, byte[]>> dlq;

    @BeforeAll
    static void runTheSink() throws Exception {
        receiver = FakeHttpsReceiver.start(CANARY_SIGNING_SECRET);
        strictReceiver = FakeHttpsReceiver.start(CANARY_SIGNING_SECRET);
        HttpsLeads.publishDestinations(
                KAFKA.bootstrapServers(),
                List.of(
                        destination("contoso.signed", receiver.url(PATH), CANARY_SIGNING_SECRET),
                        destination(
                                "contoso.wrong-secret", strictReceiver.url(PATH), "CANARY-not-the-receivers-secret")));
        SinkConfig config = SinkConfig.of(KAFKA.bootstrapServers())
                .withAllowedHosts(DestinationAddresses.LOCAL_STAND_INS)
                .withGroupId("sink-https-signature")
                .withBackoff(Duration.ofMillis(100), Duration.ofMillis(300), 0.1)
                .withRetryBudget(3, Duration.ofSeconds(30));
        List<Lead> leads = new ArrayList<>();
        IntStream.range(0, LEADS).forEach(i -> leads.add(lead("lead-signed-" + i, "contoso.signed")));
        IntStream.range(0, WRONG).forEach(i -> leads.add(lead("lead-wrong-" + i, "contoso.wrong-secret")));
        try (SinkRuntime sink = SinkRuntime.start(config, new HttpsDestinationClient(null, Duration.ofSeconds(5)))) {
            HttpsLeads.publishLeads(KAFKA.bootstrapServers(), leads);
            outcomes = TopicReader.readUntil(
                    KAFKA.bootstrapServers(),
                    Topics.LEAD_OUTCOMES,
                    rs -> rs.size() >= LEADS + WRONG,
                    Duration.ofSeconds(60),
                    Duration.ZERO);
            dlq = TopicReader.readUntil(
                    KAFKA.bootstrapServers(),
                    Topics.LEADS_DLQ,
                    rs -> rs.size() >= WRONG,
                    Duration.ofSeconds(30),
                    Duration.ofMillis(200));
        }
    }

    @AfterAll
    static void stop() {
        if (receiver != null) {
            receiver.close();
        }
        if (strictReceiver != null) {
            strictReceiver.close();
        }
    }

    @Test
    void everyDeliveryIsSignedAndVerified() {
        Map<String, Outcome> byLead =
                outcomes.stream().collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value, (a, b) -> b));
        IntStream.range(0, LEADS)
                .forEach(i ->
                        assertThat(byLead.get("lead-signed-" + i).outcome()).isEqualTo(OutcomeType.DELIVERED));
        assertThat(receiver.deliveredCount()).isEqualTo(LEADS);
        assertThat(receiver.verifiedRequests()).isEqualTo(receiver.acceptedRequests());
        assertThat(receiver.rejectedSignatures()).isZero();
        assertThat(receiver.deliveries().values())
                .allSatisfy(d -> assertThat(d.signatureVerified()).isTrue());
    }

    @Test
    void theRequestCarriesTheIdempotencyKeyAndTheMarketplaceShape() {
        FakeHttpsReceiver.Delivery d = receiver.delivery("lead-signed-7");
        assertThat(d.headers())
                .containsEntry("Idempotency-Key", "lead-signed-7")
                .containsEntry("X-Leadpipe-Lead-Id", "lead-signed-7")
                .containsEntry("Content-Type", "application/json");
        assertThat(d.headers().get("X-Leadpipe-Signature")).matches("t=\\d+,v1=[0-9a-f]{64}");
        assertThat(d.body().path("UserDetails").path("Email").asText()).isEqualTo("mei.lin@contoso.example");
        assertThat(d.body().path("LeadSource").asText()).isEqualTo("AzureMarketplace-INS|contoso.widget-saas");
        assertThat(d.body().has("leadId")).isFalse();
    }

    @Test
    void aWrongSecretDeadLettersAs401Permanent() {
        assertThat(dlq).hasSize(WRONG);
        assertThat(dlq).allSatisfy(r -> {
            var h = r.headers();
            assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.ERROR_CLASS))
                    .isEqualTo(ErrorClass.DESTINATION_HTTP_ERROR.code());
            assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.ERROR_KIND)).isEqualTo("permanent");
            assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.ATTEMPTS)).isEqualTo("1");
            assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.UPSTREAM_DETAIL))
                    .startsWith("HTTP 401")
                    .doesNotContain("CANARY");
        });
        assertThat(strictReceiver.rejectedSignatures()).isEqualTo(WRONG);
        assertThat(strictReceiver.deliveredCount()).isZero();
    }

    // ------------------------------------------------------------------------------------------ HmacSignature units

    static final byte[] BODY = "{\"UserDetails\":{\"FirstName\":\"Mei\"}}".getBytes(StandardCharsets.UTF_8);

    @Test
    void aBodyChangedAfterSigningFailsVerification() {
        Instant now = Instant.now();
        String header = HmacSignature.sign("s3cret", now.getEpochSecond(), BODY);
        assertThat(HmacSignature.verify("s3cret", header, BODY, now, HmacSignature.DEFAULT_TOLERANCE))
                .isTrue();
        byte[] changed = "{\"UserDetails\":{\"FirstName\":\"Meg\"}}".getBytes(StandardCharsets.UTF_8);
        assertThat(HmacSignature.verify("s3cret", header, changed, now, HmacSignature.DEFAULT_TOLERANCE))
                .isFalse();
    }

    @Test
    void aWrongSecretStaleTimestampOrMalformedHeaderFails() {
        Instant now = Instant.now();
        long t = now.getEpochSecond();
        String header = HmacSignature.sign("s3cret", t, BODY);
        Duration tol = HmacSignature.DEFAULT_TOLERANCE;
        assertThat(HmacSignature.verify("other", header, BODY, now, tol)).isFalse();
        assertThat(HmacSignature.verify("s3cret", header, BODY, now.plus(Duration.ofMinutes(6)), tol))
                .isFalse();
        assertThat(HmacSignature.verify("s3cret", header, BODY, now.minus(Duration.ofMinutes(6)), tol))
                .isFalse();
        assertThat(HmacSignature.verify("s3cret", header, BODY, now.plus(Duration.ofMinutes(4)), tol))
                .isTrue();
        assertThat(HmacSignature.verify("s3cret", null, BODY, now, tol)).isFalse();
        assertThat(HmacSignature.verify("s3cret", "garbage", BODY, now, tol)).isFalse();
        assertThat(HmacSignature.verify("s3cret", "t=abc,v1=00", BODY, now, tol))
                .isFalse();
        assertThat(HmacSignature.verify("s3cret", "t=" + t, BODY, now, tol)).isFalse();
        // another scheme beside v1 is ignored; any matching v1 verifies (secret rotation)
        String rotated = "t=" + t + ",v1=" + HmacSignature.hmacHex("old", t, BODY) + ",v1="
                + HmacSignature.hmacHex("s3cret", t, BODY) + ",v0=xyz";
        assertThat(HmacSignature.verify("s3cret", rotated, BODY, now, tol)).isTrue();
    }

    @Test
    void theSignatureIsHmacSha256OfTimestampDotBody() {
        // computed independently (Python hmac): HMAC-SHA256("key", "1700000000.{}")
        String expected = "9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae";
        assertThat(HmacSignature.hmacHex("key", 1_700_000_000L, "{}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(expected);
        assertThat(HmacSignature.sign("key", 1_700_000_000L, "{}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("t=1700000000,v1=" + expected);
    }
}
