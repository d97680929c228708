package dev.leadpipe.sink.dynamics;

import java.net.http.HttpClient;
import java.time.Duration;

import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.fakes.FakeAzureAd;
import dev.leadpipe.fakes.FakeDataverse;
import dev.leadpipe.sink.runtime.CappedBody;
import dev.leadpipe.sink.runtime.DeliveryException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.leadpipe.sink.dynamics.DynamicsLeads.CANARY_SECRET;
import static dev.leadpipe.sink.dynamics.DynamicsLeads.TENANT;
import static dev.leadpipe.sink.dynamics.DynamicsLeads.aad;
import static dev.leadpipe.sink.runtime.testing.MarketplaceLeads.lead;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Answers larger than {@link CappedBody#MAX_BYTES}, from Dataverse or from Azure AD's token endpoint, are not read:
 * {@code DESTINATION_HTTP_ERROR} with their status (retried for a 5xx, permanent for a 200), never an
 * OutOfMemoryError. Sign-in goes through the production {@link MsalHttp}, sent to the Azure AD stand-in.
 */
class DynamicsHugeAnswerTest {
    private static final String APP = "4a2d3b0c-6e7f-4d80-9b0c-1d2e3f4a5b6c";
    private static final long HUGE = 4L * CappedBody.MAX_BYTES;

    private FakeAzureAd aadFake;
    private FakeDataverse dataverse;
    private DynamicsDestinationClient client;

    @BeforeEach
    void start() {
        aadFake = FakeAzureAd.start().addApp(TENANT, APP, CANARY_SECRET);
        dataverse = FakeDataverse.start(aadFake);
        client = new DynamicsDestinationClient(
                aadFake.authorityHost(),
                MsalHttp.via(aadFake.baseUrl(), HttpClient.newHttpClient(), Duration.ofSeconds(10)),
                null,
                Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        client.close();
        dataverse.close();
        aadFake.close();
    }

    private DeliveryException deliveryFailure() {
        return catchThrowableOfType(
                DeliveryException.class,
                () -> client.deliver(
                        lead("lead-huge-1", "contoso.huge"),
                        aad("contoso.huge", dataverse.url(), TENANT, APP, CANARY_SECRET)));
    }

    @Test
    void anOrdinaryAnswerIsReadThroughTheCap() throws Exception {
        String id = client.deliver(
                lead("lead-normal-1", "contoso.huge"),
                aad("contoso.huge", dataverse.url(), TENANT, APP, CANARY_SECRET));

        assertThat(dataverse.record("lead-normal-1").id()).isEqualTo(id);
    }

    @Test
    void aHugeDataverseAnswerIsARetriedDestinationError() {
        dataverse.answerHugeBodies(500, HUGE);

        DeliveryException e = deliveryFailure();

        assertThat(e.failure().errorClass()).isEqualTo(ErrorClass.DESTINATION_HTTP_ERROR);
        assertThat(e.failure().httpStatus()).isEqualTo(500);
        assertThat(e.failure().isTransient()).isTrue();
        assertThat(e.failure().detail()).contains("larger than " + CappedBody.MAX_BYTES + " bytes");
    }

    @Test
    void aHugeTokenAnswerIsAPermanentDestinationError() {
        aadFake.answerHugeTokenBodies(200, HUGE);

        DeliveryException e = deliveryFailure();

        assertThat(e.failure().errorClass()).isEqualTo(ErrorClass.DESTINATION_HTTP_ERROR);
        assertThat(e.failure().httpStatus()).isEqualTo(200);
        assertThat(e.failure().isTransient()).isFalse();
        assertThat(e.failure().detail()).contains("larger than " + CappedBody.MAX_BYTES + " bytes");
        assertThat(dataverse.recordCount()).isZero();
    }
}
