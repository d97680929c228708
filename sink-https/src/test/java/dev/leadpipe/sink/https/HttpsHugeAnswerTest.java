package dev.leadpipe.sink.https;

import java.time.Duration;

import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.fakes.FakeHttpsReceiver;
import dev.leadpipe.sink.runtime.CappedBody;
import dev.leadpipe.sink.runtime.DeliveryException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.leadpipe.sink.https.HttpsLeads.CANARY_SIGNING_SECRET;
import static dev.leadpipe.sink.runtime.testing.MarketplaceLeads.lead;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * An endpoint answering far more than {@link CappedBody#MAX_BYTES}: only the first
 * {@value HttpsDestinationClient#MAX_BODY_READ} bytes are read (the answer's body only ever becomes an error's
 * detail), so a huge error page is a classified {@code DESTINATION_HTTP_ERROR} with a short detail, and a huge 2xx
 * answer is still a delivery.
 */
class HttpsHugeAnswerTest {
    private static final String HUGE = "x".repeat(4 * CappedBody.MAX_BYTES);

    private static FakeHttpsReceiver receiver;
    private static HttpsDestinationClient client;

    @BeforeAll
    static void start() {
        receiver = FakeHttpsReceiver.start(CANARY_SIGNING_SECRET)
                .answerBody("/huge-error", 500, HUGE)
                .answerBody("/huge-ok", 200, HUGE);
        client = new HttpsDestinationClient(null, Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        client.close();
        receiver.close();
    }

    @Test
    void aHugeErrorPageIsARetriedDestinationErrorWithAShortDetail() {
        DeliveryException e = catchThrowableOfType(
                DeliveryException.class,
                () -> client.deliver(
                        lead("lead-huge-error", "contoso.huge"),
                        HttpsLeads.destination("contoso.huge", receiver.url("/huge-error"), CANARY_SIGNING_SECRET)));

        assertThat(e.failure().errorClass()).isEqualTo(ErrorClass.DESTINATION_HTTP_ERROR);
        assertThat(e.failure().httpStatus()).isEqualTo(500);
        assertThat(e.failure().isTransient()).isTrue();
        assertThat(e.failure().detail().length()).isLessThanOrEqualTo(HttpsDestinationClient.MAX_BODY_READ + 100);
    }

    @Test
    void aHugeSuccessfulAnswerIsStillADelivery() throws Exception {
        String id = client.deliver(
                lead("lead-huge-ok", "contoso.huge"),
                HttpsLeads.destination("contoso.huge", receiver.url("/huge-ok"), CANARY_SIGNING_SECRET));

        assertThat(id).isEqualTo("HTTP 200");
    }
}
