package dev.leadpipe.kafka.testing;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.kafka.SaslSslBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SASL_SSL broker: SCRAM users sign in over TLS, a wrong password and a PLAINTEXT client do not get in. */
class SaslSslBrokerTest {
    private static final Map<String, Object> QUICK = Map.of(
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
    private static SaslSslBroker broker;

    @BeforeAll
    static void start() {
        broker = SaslSslBroker.start();
        broker.createUser("alice", "alice-pw");
        KafkaBrokerExtension.recordRealBroker(SaslSslBrokerTest.class, SaslSslBroker.DESCRIPTION);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void aScramUserSignsInAndIsToldOnlyOfTheSaslSslListener() throws Exception {
        try (Admin admin = Admin.create(broker.connection("alice", "alice-pw").clientProperties(QUICK))) {
            Collection<Node> nodes = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
            String port = broker.bootstrapServers()
                    .substring(broker.bootstrapServers().lastIndexOf(':') + 1);
            assertThat(nodes).singleElement().extracting(Node::port).isEqualTo(Integer.parseInt(port));
        }
    }

    @Test
    void aWrongPasswordFailsAuthentication() {
        try (Admin admin = Admin.create(broker.connection("alice", "not-her-pw").clientProperties(QUICK))) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void aPlaintextClientGetsNothingFromTheClientListener() {
        KafkaConnection plaintext = KafkaConnection.plaintext(broker.bootstrapServers());
        try (Admin admin = Admin.create(plaintext.clientProperties(QUICK))) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
        }
    }
}
