package dev.leadpipe.core;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class HostsTest {
    @ParameterizedTest
    @ValueSource(strings = {"localhost", "LocalHost", "127.0.0.1", "127.8.9.10", "::1", "[::1]", "0:0:0:0:0:0:0:1"})
    void loopbackHostsAreLoopback(String host) {
        assertThat(Hosts.isLoopback(host)).as(host).isTrue();
    }

    // Only literals and names that are never resolved: the check must not look a name up.
    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "127.evil.example",
                "localhost.example",
                "contoso.crm.dynamics.com",
                "10.0.0.1",
                "::2",
                "[::2]",
                "8.8.8.8",
                "127.0.0.1.example",
                "localhost:8080",
                "[::1",
                "[1:2:3]"
            })
    void otherHostsAreNot(String host) {
        assertThat(Hosts.isLoopback(host)).as(String.valueOf(host)).isFalse();
    }
}
