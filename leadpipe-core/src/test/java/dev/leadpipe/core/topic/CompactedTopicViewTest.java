package dev.leadpipe.core.topic;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.destination.DestinationCatalog;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a view does when no broker answers; following a real topic is tested against an embedded broker in the
 * modules that use it (embedded-kafka depends on core, so core cannot start one).
 */
class CompactedTopicViewTest {

    /** A loopback port nothing listens on: a broker that is down. */
    private static String noBroker() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + socket.getLocalPort();
        }
    }

    private static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    @Test
    void aViewThatCannotCatchUpInTimeFailsNamingTheTopicAndStopsItsConsumer() throws Exception {
        String bootstrap = noBroker();
        assertThatThrownBy(() -> CompactedTopicView.start(
                        KafkaConnection.plaintext(bootstrap),
                        Topics.LEAD_WAITING,
                        "waiting leads view",
                        Duration.ofMillis(300)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the waiting leads view did not catch up with lead-waiting within PT0.3S");
        assertThat(threadAlive("waiting-leads-view"))
                .as("its consumer thread has stopped")
                .isFalse();
    }

    @Test
    void theDestinationCatalogFailsTheSameWay() throws Exception {
        String bootstrap = noBroker();
        assertThatThrownBy(() -> DestinationCatalog.start(KafkaConnection.plaintext(bootstrap), Duration.ofMillis(300)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("destination catalog")
                .hasMessageContaining("lead-destinations");
        assertThat(threadAlive("destination-catalog")).isFalse();
    }
}
