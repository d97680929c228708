package dev.leadpipe.sink.table;

import java.time.Duration;

import com.azure.data.tables.TableClientBuilder;
import dev.leadpipe.azurite.testing.AzuriteExtension;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.sink.runtime.DeliveryException;
import dev.leadpipe.sink.runtime.DeliveryFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.leadpipe.sink.table.TableLeads.OFFER_ID;
import static dev.leadpipe.sink.table.TableLeads.destination;
import static dev.leadpipe.sink.table.TableLeads.lead;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The Table service goes away mid-run (Azurite stopped) and comes back (restarted, data kept). */
class TableOutageTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = AzuriteExtension.persistent();

    @Test
    void aStoppedServiceIsTransientlyUnavailableAndDeliveryResumesAfterRestart() throws Exception {
        try (TableDestinationClient client = new TableDestinationClient(Duration.ofSeconds(5))) {
            var destination = destination(AZURITE.connectionString());
            client.deliver(lead("lead-outage-1", "Contoso"), destination);

            AZURITE.server().stop();
            DeliveryException e = catchThrowableOfType(
                    DeliveryException.class, () -> client.deliver(lead("lead-outage-2", "Contoso"), destination));
            assertThat(e).isNotNull();
            DeliveryFailure f = e.failure();
            System.out.println("stopped -> " + f);
            assertThat(f.errorClass()).isEqualTo(ErrorClass.TABLE_UNAVAILABLE);
            assertThat(f.isTransient()).isTrue();

            AZURITE.server().restart();
            assertThat(client.deliver(lead("lead-outage-2", "Contoso"), destination))
                    .isEqualTo("MarketplaceLeads/" + OFFER_ID + "/lead-outage-2");

            var table = new TableClientBuilder()
                    .connectionString(AZURITE.connectionString())
                    .tableName(TableDestinationClient.TABLE_NAME)
                    .buildClient();
            assertThat(table.getEntity(OFFER_ID, "lead-outage-1").getProperty("Company"))
                    .isEqualTo("Contoso");
            assertThat(table.getEntity(OFFER_ID, "lead-outage-2").getProperty("Company"))
                    .isEqualTo("Contoso");
        }
    }
}
