package dev.leadpipe.core.destination;

import java.net.InetAddress;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which addresses a destination may not be reached at, and how the allow-list is read. */
class RefusedAddressesTest {

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1, a loopback address",
        "127.8.9.10, a loopback address",
        "::1, a loopback address",
        "10.0.0.5, a private address",
        "172.16.0.1, a private address",
        "172.31.255.255, a private address",
        "192.168.1.1, a private address",
        "fc00::1, a private address",
        "fd12:3456::1, a private address",
        "169.254.169.254, a link-local address (the cloud metadata address)",
        "169.254.1.1, a link-local address",
        "fe80::1, a link-local address",
        "fd00:ec2::254, a link-local address (the cloud metadata address)",
        "100.64.0.1, a carrier-grade NAT address",
        "100.127.255.254, a carrier-grade NAT address",
        "224.0.0.1, a multicast address",
        "ff02::1, a multicast address",
        "0.0.0.0, an unspecified address",
        "::, an unspecified address",
        "::ffff:169.254.169.254, a link-local address (the cloud metadata address)",
        "::10.0.0.5, a private address embedded in an IPv6 address",
        "64:ff9b::7f00:1, a loopback address embedded in an IPv6 address",
        "2002:a00:5::1, a private address embedded in an IPv6 address"
    })
    void refusesEveryNonPublicAddress(String address, String kind) throws Exception {
        assertThat(RefusedAddresses.kind(InetAddress.getByName(address))).contains(kind);
    }

    @ParameterizedTest
    @ValueSource(strings = {"203.0.113.10", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2001:db8::1", "2606:4700::1111"})
    void acceptsPublicAddresses(String address) throws Exception {
        assertThat(RefusedAddresses.kind(InetAddress.getByName(address))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "'10.0.0.0/8', 10.200.3.4, true",
        "'10.0.0.0/8', 11.0.0.1, false",
        "'127.0.0.1', 127.0.0.1, true",
        "'127.0.0.1', 127.0.0.2, false",
        "'fd00::/8', fd00::5, true",
        "'[::1]', ::1, true",
        "'0.0.0.0/0', 10.0.0.5, true"
    })
    void anAllowListedRangeMatchesItsAddresses(String list, String address, boolean allowed) throws Exception {
        assertThat(AllowedHosts.parse(list).allowsAddress(InetAddress.getByName(address)))
                .isEqualTo(allowed);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "http://x", "a b", "10.0.0.0/x", "*.example.com"})
    void aBadAllowListEntryIsRefusedByName(String entry) {
        assertThatThrownBy(() -> AllowedHosts.parse("localhost," + entry))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(entry);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "LOCALHOST", "127.0.0.1", "[::1]"})
    void aHostIsAllowListedByNameOrAddressWithoutAnyLookup(String host) {
        assertThat(AllowedHosts.parse("localhost, 127.0.0.1, ::1").allowsHost(host))
                .isTrue();
        assertThat(AllowedHosts.parse("localhost, 127.0.0.1").allowsHost("localhost.attacker.example"))
                .isFalse();
    }
}
