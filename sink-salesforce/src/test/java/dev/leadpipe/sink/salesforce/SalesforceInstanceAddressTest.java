package dev.leadpipe.sink.salesforce;

import java.time.Duration;

import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.fakes.FakeSalesforce;
import dev.leadpipe.sink.runtime.DeliveryException;
import org.junit.jupiter.api.Test;

import static dev.leadpipe.sink.runtime.testing.MarketplaceLeads.lead;
import static dev.leadpipe.sink.salesforce.SalesforceLeads.CANARY_SECRET;
import static dev.leadpipe.sink.salesforce.SalesforceLeads.clientCredentials;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The instance URL Salesforce's sign-in answers is where every later request goes, so it is held to the sink's address
 * rule too: the fake signs in at {@code localhost} (allow-listed by name) and answers its instance as
 * {@code http://127.0.0.1:PORT}, which that list does not allow; the upsert is refused DESTINATION_ADDRESS_REFUSED
 * and never sent. With {@code 127.0.0.1} listed as well, the same lead is delivered.
 */
class SalesforceInstanceAddressTest {
    static final String CC = "3MVG9-instance-address";

    @Test
    void anInstanceUrlTheRuleRefusesIsNeverRequested() {
        try (FakeSalesforce salesforce = FakeSalesforce.start().addClientCredentialsApp(CC, CANARY_SECRET);
                SalesforceDestinationClient client = new SalesforceDestinationClient(null, Duration.ofSeconds(5))) {
            client.checkLearnedHostsWith(DestinationAddresses.allowing("localhost"));
            String loginUrl = salesforce.url().replace("http://127.0.0.1:", "http://localhost:");
            var destination = clientCredentials("contoso.instance", loginUrl, CC, CANARY_SECRET);

            DeliveryException refused = catchThrowableOfType(
                    DeliveryException.class,
                    () -> client.deliver(lead("lead-instance-refused", "contoso.instance"), destination));

            assertThat(refused.failure().errorClass()).isEqualTo(ErrorClass.DESTINATION_ADDRESS_REFUSED);
            assertThat(refused.failure().isTransient()).isFalse();
            assertThat(refused.failure().detail())
                    .contains("instance_url")
                    .contains("is a loopback address (127.0.0.1)")
                    .contains("nothing was sent")
                    .doesNotContain(CANARY_SECRET);
            assertThat(salesforce.tokenRequests(CC))
                    .as("signed in at the allowed login host")
                    .isEqualTo(1);
            assertThat(salesforce.record("lead-instance-refused"))
                    .as("no upsert")
                    .isNull();

            client.checkLearnedHostsWith(DestinationAddresses.LOCAL_STAND_INS);
            assertThat(catchThrowableOfType(
                            DeliveryException.class,
                            () -> client.deliver(lead("lead-instance-allowed", "contoso.instance"), destination)))
                    .isNull();
            assertThat(salesforce.record("lead-instance-allowed")).isNotNull();
        }
    }
}
