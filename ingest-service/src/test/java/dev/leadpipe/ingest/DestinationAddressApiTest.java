package dev.leadpipe.ingest;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.ops.testing.TestKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Saving a destination whose URL names a loopback, private or cloud-metadata address, directly or through a host
 * name, is refused with a 422 naming the setting and the address, and nothing is stored; an allow-listed range is
 * accepted. Host names are answered by a resolver seam (tests cannot control real DNS).
 */
class DestinationAddressApiTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final String CANARY = "CANARY-sig-0123456789abcdef";
    private static final Map<String, String> DNS = Map.of(
            "intranet.attacker.example", "10.0.0.5",
            "metadata.attacker.example", "169.254.169.254",
            "crm.intranet.example", "10.9.0.7");

    private static IngestService service;
    private static Http http;

    @BeforeAll
    static void start() {
        DestinationAddresses.HostResolver resolver = host -> {
            String address = DNS.get(host);
            if (address == null) {
                throw new UnknownHostException(host);
            }
            return new InetAddress[] {InetAddress.getByName(address)};
        };
        String key = TestKeys.operator(KAFKA.bootstrapServers());
        service = IngestService.start(IngestConfig.defaults(KAFKA.bootstrapServers())
                .with(
                        DestinationAddresses.ALLOWED_HOSTS,
                        DestinationAddresses.allowing("10.9.0.0/16").resolvingWith(resolver))
                .with(IngestConfig.PORT, 0));
        http = new Http(service.port(), key);
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.stop();
        }
    }

    private static Http.Answer putHttps(String offerId, String url) {
        return http.put(
                "/v1/offers/" + offerId + "/lead-destination",
                "{\"type\": \"https\", \"settings\": {\"url\": \"" + url + "\"}}");
    }

    @ParameterizedTest
    @CsvSource({
        "contoso.loopback, https://127.0.0.1/hook, is a loopback address (127.0.0.1)",
        "contoso.private, https://10.0.0.5/hook, is a private address (10.0.0.5)",
        "contoso.metadata, https://169.254.169.254/latest/meta-data, (169.254.169.254)",
        "contoso.rebound, https://intranet.attacker.example/hook, resolves to a private address (10.0.0.5)",
        "contoso.named-metadata, https://metadata.attacker.example/, resolves to a link-local address"
    })
    void aUrlNamingANonPublicAddressIsRefusedAndNothingIsStored(String offerId, String url, String says) {
        long before = TopicCounts.count(KAFKA.bootstrapServers(), Topics.LEAD_DESTINATIONS);

        Http.Answer answer = putHttps(offerId, url + "?sig=" + CANARY);

        assertThat(answer.status()).as(answer.body()).isEqualTo(422);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.json().path("type").asText()).isEqualTo("https://leadpipe.dev/problems/invalid-destination");
        JsonNode error = answer.json().path("errors").path(0);
        assertThat(answer.json().path("errors").size()).isEqualTo(1);
        assertThat(error.path("pointer").asText()).isEqualTo("/settings/url");
        assertThat(error.path("detail").asText())
                .contains(says)
                .contains("allow-list it with DESTINATION_ALLOWED_HOSTS if intended");
        assertThat(answer.body()).doesNotContain(CANARY);
        assertThat(http.get("/v1/offers/" + offerId + "/lead-destination").status())
                .isEqualTo(404);
        assertThat(TopicCounts.count(KAFKA.bootstrapServers(), Topics.LEAD_DESTINATIONS))
                .isEqualTo(before);
    }

    @Test
    void anAllowListedPrivateRangeIsAccepted() {
        Http.Answer answer = putHttps("contoso.intranet-crm", "https://crm.intranet.example/hook");
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
    }
}
