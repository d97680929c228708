package dev.leadpipe.sink.https;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.DestinationValidator;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.fakes.FakeHttpsReceiver;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicReader;
import dev.leadpipe.sink.runtime.SinkConfig;
import dev.leadpipe.sink.runtime.SinkRuntime;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.leadpipe.sink.https.HttpsLeads.destination;
import static dev.leadpipe.sink.runtime.testing.MarketplaceLeads.lead;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A destination host whose address changes to a private one after the configuration was saved (DNS rebinding) is
 * refused at delivery: the lead is dead-lettered {@code DESTINATION_ADDRESS_REFUSED}, permanent, after one attempt,
 * and the stand-in behind the host receives nothing. The sink's resolver is a seam (tests cannot control real DNS):
 * it answers {@code localhost} with 127.0.0.1 (allow-listed by address), then with 10.0.0.5, while the HTTP client
 * itself still reaches the stand-in on 127.0.0.1, so only the check can stop the request.
 */
class HttpsAddressRefusalTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static final String PATH = "/workflows/rebound/triggers/manual/paths/invoke";

    @Test
    void aHostRebindingToAPrivateAddressIsRefusedAtDeliveryAndNothingIsSent() throws Exception {
        AtomicReference<String> answer = new AtomicReference<>("127.0.0.1");
        DestinationAddresses addresses = DestinationAddresses.allowing("127.0.0.1")
                .resolvingWith(host -> new InetAddress[] {InetAddress.getByName(answer.get())});
        try (FakeHttpsReceiver receiver = FakeHttpsReceiver.start(null)) {
            String url = receiver.url(PATH).replace("http://127.0.0.1:", "http://localhost:");
            LeadDestination rebound = destination("contoso.rebound", url, null);
            assertThat(DestinationValidator.validate(DestinationType.HTTPS, rebound.settings(), addresses))
                    .as("accepted when saved: localhost answers 127.0.0.1, which is allow-listed")
                    .isEmpty();
            HttpsLeads.publishDestinations(KAFKA.bootstrapServers(), List.of(rebound));
            SinkConfig config = SinkConfig.of(KAFKA.bootstrapServers())
                    .withAllowedHosts(addresses)
                    .withGroupId("sink-https-address-refusal")
                    .withBackoff(Duration.ofMillis(100), Duration.ofMillis(300), 0.1)
                    .withRetryBudget(5, Duration.ofSeconds(30));
            try (SinkRuntime sink =
                    SinkRuntime.start(config, new HttpsDestinationClient(null, Duration.ofSeconds(5)))) {
                HttpsLeads.publishLeads(KAFKA.bootstrapServers(), List.of(lead("lead-before", "contoso.rebound")));
                List<ConsumerRecord<String, Outcome>> first = TopicReader.readUntil(
                        KAFKA.bootstrapServers(),
                        Topics.LEAD_OUTCOMES,
                        rs -> !rs.isEmpty(),
                        Duration.ofSeconds(60),
                        Duration.ZERO);
                assertThat(first.get(0).value().outcome()).isEqualTo(OutcomeType.DELIVERED);
                assertThat(receiver.delivery("lead-before"))
                        .as("reached through localhost")
                        .isNotNull();

                answer.set("10.0.0.5");
                HttpsLeads.publishLeads(KAFKA.bootstrapServers(), List.of(lead("lead-after", "contoso.rebound")));
                List<ConsumerRecord<String, byte[]>> dlq = TopicReader.readUntil(
                        KAFKA.bootstrapServers(),
                        Topics.LEADS_DLQ,
                        rs -> !rs.isEmpty(),
                        Duration.ofSeconds(60),
                        Duration.ZERO);

                assertThat(dlq).singleElement().satisfies(r -> {
                    var h = r.headers();
                    assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.ERROR_CLASS))
                            .isEqualTo(ErrorClass.DESTINATION_ADDRESS_REFUSED.code());
                    assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.ERROR_KIND))
                            .isEqualTo("permanent");
                    assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.ATTEMPTS))
                            .isEqualTo("1");
                    assertThat(DeadLetterHeaders.get(h, DeadLetterHeaders.UPSTREAM_DETAIL))
                            .contains("url setting resolves to a private address (10.0.0.5)")
                            .contains("nothing was sent")
                            .doesNotContain(receiver.urlSignature())
                            .doesNotContain(PATH);
                });
                assertThat(receiver.delivery("lead-after")).as("nothing sent").isNull();
                assertThat(receiver.deliveredCount()).isEqualTo(1);
            }
        }
    }
}
