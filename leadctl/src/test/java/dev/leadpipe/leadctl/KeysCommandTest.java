package dev.leadpipe.leadctl;

import java.util.List;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.auth.StoredApiKey;
import dev.leadpipe.core.topic.TopicAdmin;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code leadctl keys create|list|revoke} against a real broker: the key shown once, never stored or listed. */
class KeysCommandTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @BeforeAll
    static void topics() {
        TopicAdmin.ensureTopics(KafkaConnection.plaintext(KAFKA.bootstrapServers()), (short) 1);
    }

    @Test
    void aKeyIsPrintedOnceListedWithoutItsSecretAndRevoked() throws Exception {
        Cli.Run created = Cli.on(
                KAFKA.bootstrapServers(),
                "keys",
                "create",
                "--role",
                "destinations:admin",
                "--role",
                "status:read",
                "--publisher",
                "contoso",
                "--description",
                "contoso portal");
        assertThat(created.exit()).as(created.toString()).isZero();
        assertThat(created.outLines()).hasSize(1);
        String key = created.outLines().get(0);
        assertThat(key).matches("lpk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}");
        String keyId = key.split("_")[1];
        String secret = key.substring(("lpk_" + keyId + "_").length());

        // the topic holds the hash, not the key
        List<StoredApiKey> stored = TopicReader.readAll(KAFKA.bootstrapServers(), Topics.API_KEYS).stream()
                .map(r -> r.value())
                .filter(k -> k.keyId().equals(keyId))
                .toList();
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).secretHash()).matches("[0-9a-f]{64}").doesNotContain(secret);
        assertThat(stored.get(0).publishers()).containsExactly("contoso");

        Cli.Run listed = Cli.on(KAFKA.bootstrapServers(), "keys", "list");
        assertThat(listed.exit()).as(listed.toString()).isZero();
        assertThat(listed.outLines().get(0)).startsWith("KEY ID");
        assertThat(listed.out())
                .contains(keyId, "destinations:admin,status:read", "contoso", "contoso portal")
                .doesNotContain(secret);

        Cli.Run revoked = Cli.on(KAFKA.bootstrapServers(), "keys", "revoke", keyId);
        assertThat(revoked.exit()).as(revoked.toString()).isZero();
        assertThat(Cli.on(KAFKA.bootstrapServers(), "keys", "list").out()).doesNotContain(keyId);
        Cli.Run again = Cli.on(KAFKA.bootstrapServers(), "keys", "revoke", keyId);
        assertThat(again.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(again.errLines()).containsExactly("leadctl: no active API key has the id " + keyId);
    }

    @Test
    void anUnknownRoleIsAUsageErrorNamingTheRoles() {
        Cli.Run run = Cli.on(KAFKA.bootstrapServers(), "keys", "create", "--role", "admin");
        assertThat(run.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines())
                .containsExactly("leadctl: unknown role 'admin': use one of leads:write, destinations:admin,"
                        + " status:read, metrics:read, operator");
        assertThat(run.out()).isEmpty();
    }
}
