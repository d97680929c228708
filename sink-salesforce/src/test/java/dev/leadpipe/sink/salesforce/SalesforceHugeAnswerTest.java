package dev.leadpipe.sink.salesforce;

import java.time.Duration;

import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.fakes.FakeSalesforce;
import dev.leadpipe.sink.runtime.CappedBody;
import dev.leadpipe.sink.runtime.DeliveryException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.leadpipe.sink.runtime.testing.MarketplaceLeads.lead;
import static dev.leadpipe.sink.salesforce.SalesforceLeads.CANARY_SECRET;
import static dev.leadpipe.sink.salesforce.SalesforceLeads.clientCredentials;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * An answer larger than {@link CappedBody#MAX_BYTES}, from the login host or the REST API, is not read: it is
 * {@code DESTINATION_HTTP_ERROR} with the answer's status (permanent for a 200, retried for a 503), never an
 * OutOfMemoryError or a success.
 */
class SalesforceHugeAnswerTest {
    private static final String CC = "3MVG9-huge-cc";
    private static final long HUGE = 4L * CappedBody.MAX_BYTES;

    private FakeSalesforce salesforce;
    private SalesforceDestinationClient client;

    @BeforeEach
    void start() {
        salesforce = FakeSalesforce.start().addClientCredentialsApp(CC, CANARY_SECRET);
        client = new SalesforceDestinationClient(null, Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        client.close();
        salesforce.close();
    }

    @Test
    void aHugeTokenAnswerIsAPermanentDestinationError() {
        salesforce.answerHugeBodies(FakeSalesforce.TOKEN_PATH, 200, HUGE);

        DeliveryException e = catchThrowableOfType(
                DeliveryException.class,
                () -> client.deliver(
                        lead("lead-huge-token", "contoso.huge"),
                        clientCredentials("contoso.huge", salesforce.url(), CC, CANARY_SECRET)));

        assertThat(e.failure().errorClass()).isEqualTo(ErrorClass.DESTINATION_HTTP_ERROR);
        assertThat(e.failure().httpStatus()).isEqualTo(200);
        assertThat(e.failure().isTransient()).isFalse();
        assertThat(e.failure().detail()).contains("larger than " + CappedBody.MAX_BYTES + " bytes");
    }

    @Test
    void aHugeErrorPageFromTheRestApiIsRetried() {
        salesforce.answerHugeBodies("/services/data/", 503, HUGE);

        DeliveryException e = catchThrowableOfType(
                DeliveryException.class,
                () -> client.deliver(
                        lead("lead-huge-upsert", "contoso.huge"),
                        clientCredentials("contoso.huge", salesforce.url(), CC, CANARY_SECRET)));

        assertThat(e.failure().errorClass()).isEqualTo(ErrorClass.DESTINATION_HTTP_ERROR);
        assertThat(e.failure().httpStatus()).isEqualTo(503);
        assertThat(e.failure().isTransient()).isTrue();
        assertThat(salesforce.tokenRequests(CC)).isEqualTo(1);
    }
}
