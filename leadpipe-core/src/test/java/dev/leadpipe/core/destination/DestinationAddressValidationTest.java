package dev.leadpipe.core.destination;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

import dev.leadpipe.core.lead.FieldError;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The address rule as a publisher saving a configuration meets it: a destination naming a loopback, private or
 * link-local (cloud metadata) address, directly or through a host name, is refused with a field error naming the
 * setting and the address, unless the operator allow-listed it; never with a secret in the message.
 */
class DestinationAddressValidationTest {
    private static final String GUID = "00000000-0000-0000-0000-000000000000";
    private static final String KEY = "a2V5LWJ5dGVzLWZvci10aGUtdGVzdA==";

    /** Answers from a table, as DNS would; any other name does not resolve. */
    private static DestinationAddresses.HostResolver dns(Map<String, String> answers) {
        return host -> {
            String address = answers.get(host);
            if (address == null) {
                throw new UnknownHostException(host);
            }
            return new InetAddress[] {InetAddress.getByName(address)};
        };
    }

    private static final DestinationAddresses.HostResolver DNS = dns(Map.of(
            "leads.publisher.example", "203.0.113.10",
            "metadata.attacker.example", "169.254.169.254",
            "intranet.attacker.example", "10.0.0.5",
            "contoso.crm.dynamics.com", "20.50.2.1",
            "login.salesforce.com", "13.108.0.1",
            "acct.table.core.windows.net", "20.60.0.1",
            "acct.table.internal.example", "192.168.1.20"));

    private static final DestinationAddresses STRICT =
            DestinationAddresses.allowing("").resolvingWith(DNS);

    private static List<FieldError> validate(
            DestinationType type, Map<String, String> settings, DestinationAddresses addresses) {
        return DestinationValidator.validate(type, settings, addresses);
    }

    private static List<FieldError> https(String url, DestinationAddresses addresses) {
        return validate(DestinationType.HTTPS, Map.of("url", url), addresses);
    }

    @Test
    void aPublicHttpsHostIsAccepted() {
        assertThat(https("https://leads.publisher.example/hook?sig=abc", STRICT))
                .isEmpty();
    }

    @Test
    void loopbackPrivateAndMetadataAddressesAreRefusedNamingTheSettingAndTheAddress() {
        assertThat(https("https://127.0.0.1/hook", STRICT)).singleElement().satisfies(e -> {
            assertThat(e.pointer()).isEqualTo("/settings/url");
            assertThat(e.detail())
                    .isEqualTo("is a loopback address (127.0.0.1); allow-list it with"
                            + " DESTINATION_ALLOWED_HOSTS if intended");
        });
        assertThat(https("https://10.0.0.5/hook", STRICT))
                .singleElement()
                .satisfies(e -> assertThat(e.detail()).startsWith("is a private address (10.0.0.5);"));
        assertThat(https("https://169.254.169.254/latest/meta-data", STRICT))
                .singleElement()
                .satisfies(e -> assertThat(e.detail())
                        .startsWith("is a link-local address (the cloud metadata address) (169.254.169.254);"));
        assertThat(https("https://[::ffff:10.0.0.5]/hook", STRICT))
                .singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("a private address"));
    }

    @Test
    void aHostNameResolvingToAPrivateOrMetadataAddressIsRefused() {
        assertThat(https("https://intranet.attacker.example/x?sig=s3cr3t-signature", STRICT))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.pointer()).isEqualTo("/settings/url");
                    assertThat(e.detail())
                            .isEqualTo("resolves to a private address (10.0.0.5); allow-list it with"
                                    + " DESTINATION_ALLOWED_HOSTS if intended")
                            .doesNotContain("s3cr3t-signature")
                            .doesNotContain("intranet.attacker.example");
                });
        assertThat(https("https://metadata.attacker.example/", STRICT))
                .singleElement()
                .satisfies(e -> assertThat(e.detail()).startsWith("resolves to a link-local address"));
    }

    @Test
    void anAllowListedHostAddressOrRangeIsAccepted() {
        assertThat(https("https://127.0.0.1/hook", DestinationAddresses.allowing("127.0.0.1")))
                .isEmpty();
        assertThat(https("https://intranet.attacker.example/x", STRICT.resolvingWith(DNS)))
                .isNotEmpty();
        assertThat(https(
                        "https://intranet.attacker.example/x",
                        DestinationAddresses.allowing("10.0.0.0/8").resolvingWith(DNS)))
                .isEmpty();
        assertThat(https(
                        "https://intranet.attacker.example/x",
                        DestinationAddresses.allowing("INTRANET.attacker.example")
                                .resolvingWith(DNS)))
                .isEmpty();
        assertThat(https(
                        "https://intranet.attacker.example/x",
                        DestinationAddresses.allowing("10.0.0.6/32, other.example")
                                .resolvingWith(DNS)))
                .isNotEmpty();
    }

    @Test
    void plainHttpIsRefusedUnlessTheHostIsAllowListed() {
        assertThat(https("http://localhost:8080/hook", STRICT))
                .singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("plain http").contains("DESTINATION_ALLOWED_HOSTS"));
        assertThat(https("http://localhost:8080/hook", DestinationAddresses.LOCAL_STAND_INS))
                .isEmpty();
        assertThat(https("http://127.0.0.1:8080/hook", DestinationAddresses.LOCAL_STAND_INS))
                .isEmpty();
    }

    @Test
    void anUnresolvableHostIsAcceptedAtSaveAndLeftToTheDelivery() {
        assertThat(https("https://not-yet-live.publisher.example/hook", STRICT)).isEmpty();
    }

    @Test
    void everyRoutingUrlOfEveryTypeIsChecked() {
        assertThat(validate(
                        DestinationType.DYNAMICS,
                        Map.of(
                                "instanceUrl", "https://169.254.169.254",
                                "tenantId", "contoso.onmicrosoft.com",
                                "applicationId", GUID,
                                "clientSecret", "s3cret"),
                        STRICT))
                .extracting(FieldError::pointer)
                .containsExactly("/settings/instanceUrl");
        assertThat(validate(
                        DestinationType.SALESFORCE,
                        Map.of(
                                "clientId", "app",
                                "clientSecret", "s3cret",
                                "loginUrl", "https://intranet.attacker.example"),
                        STRICT))
                .extracting(FieldError::pointer)
                .containsExactly("/settings/loginUrl");
        assertThat(validate(
                        DestinationType.SALESFORCE,
                        Map.of("organizationId", "00D000000000001", "webToLeadUrl", "https://10.0.0.5/servlet"),
                        STRICT))
                .extracting(FieldError::pointer)
                .containsExactly("/settings/webToLeadUrl");
    }

    @Test
    void aTableConnectionStringsEndpointIsChecked() {
        String publicAccount = "AccountName=acct;AccountKey=" + KEY + ";EndpointSuffix=core.windows.net";
        assertThat(validate(DestinationType.TABLE, Map.of("connectionString", publicAccount), STRICT))
                .isEmpty();

        String privateSuffix = "AccountName=acct;AccountKey=" + KEY + ";EndpointSuffix=internal.example";
        assertThat(validate(DestinationType.TABLE, Map.of("connectionString", privateSuffix), STRICT))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.pointer()).isEqualTo("/settings/connectionString");
                    assertThat(e.detail())
                            .startsWith("names a host that resolves to a private address (192.168.1.20)")
                            .doesNotContain(KEY);
                });

        String endpoint = "AccountName=acct;AccountKey=" + KEY + ";TableEndpoint=https://10.0.0.5/";
        assertThat(validate(DestinationType.TABLE, Map.of("connectionString", endpoint), STRICT))
                .singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("is a private address (10.0.0.5)"));
    }

    @Test
    void aTablesPlainHttpProtocolIsRefusedForAHostNotAllowListed() {
        String http =
                "DefaultEndpointsProtocol=http;AccountName=acct;AccountKey=" + KEY + ";EndpointSuffix=core.windows.net";
        assertThat(validate(DestinationType.TABLE, Map.of("connectionString", http), STRICT))
                .singleElement()
                .satisfies(e -> assertThat(e.detail())
                        .isEqualTo("names a host that uses plain http, which is allowed only for a host allow-listed"
                                + " with DESTINATION_ALLOWED_HOSTS: use https")
                        .doesNotContain(KEY));
        assertThat(validate(
                        DestinationType.TABLE,
                        Map.of("connectionString", http),
                        DestinationAddresses.allowing("acct.table.core.windows.net")
                                .resolvingWith(DNS)))
                .isEmpty();
        assertThat(validate(DestinationType.TABLE, Map.of("connectionString", "UseDevelopmentStorage=true"), STRICT))
                .singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("a loopback address (127.0.0.1)"));
        assertThat(validate(
                        DestinationType.TABLE,
                        Map.of("connectionString", "UseDevelopmentStorage=true"),
                        DestinationAddresses.LOCAL_STAND_INS))
                .isEmpty();
    }

    @Test
    void aValueWithAFormProblemIsReportedOnceForItsForm() {
        assertThat(https("ftp://10.0.0.5/x", STRICT))
                .singleElement()
                .satisfies(e -> assertThat(e.detail()).startsWith("is not https"));
    }
}
