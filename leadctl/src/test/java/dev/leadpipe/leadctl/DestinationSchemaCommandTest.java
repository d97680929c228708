package dev.leadpipe.leadctl;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.destination.types.DynamicsSpec;
import dev.leadpipe.core.secret.SecretKeyring;
import dev.leadpipe.core.topic.TopicAdmin;
import dev.leadpipe.fakes.FakeAzureAd;
import dev.leadpipe.fakes.FakeDataverse;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicWriter;
import dev.leadpipe.sink.dynamics.DynamicsDestinationClient;
import dev.leadpipe.sink.dynamics.MsalHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code leadctl destinations check|setup} in-process against a real broker and the Azure AD and Dataverse
 * stand-ins: the destination is read from {@code lead-destinations} with its secret encrypted, decrypted with
 * {@code LEADPIPE_SECRET_KEYS}; the check names what is missing, the setup creates it and waits for the key, and a
 * user without the customization privilege is told what to grant. The secret never appears in the output.
 */
class DestinationSchemaCommandTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static final String TENANT = "8d5c1a4e-0b7f-4f7e-9a57-3c2f5f0e1d11";
    static final String APP = "0c0c0c0c-3333-4333-8333-00000000abcd";
    static final String SECRET = "CANARY-setup-secret-5e1f";
    static final String KEY = "k1=" + SecretKeyring.newKey();

    static FakeAzureAd aad;
    static FakeDataverse bare;
    static FakeDataverse locked;

    @TempDir
    static Path workDir;

    @BeforeAll
    static void start() throws Exception {
        TopicAdmin.ensureTopics(KafkaConnection.plaintext(KAFKA.bootstrapServers()), (short) 1);
        aad = FakeAzureAd.start().addApp(TENANT, APP, SECRET);
        bare = FakeDataverse.start(aad).withoutLeadpipeSchema().keyActivatesAfterPolls(1);
        locked = FakeDataverse.start(aad).withoutLeadpipeSchema().denyCustomization(true);
        SecretKeyring keyring = SecretKeyring.of(List.of(KEY), "test");
        TopicWriter.writeDestinations(
                KAFKA.bootstrapServers(),
                List.of(
                        keyring.encryptSecrets(dynamics("contoso.setup-offer", bare.url())),
                        keyring.encryptSecrets(dynamics("litware.locked-offer", locked.url()))));
    }

    @AfterAll
    static void stop() {
        bare.close();
        locked.close();
        aad.close();
    }

    static LeadDestination dynamics(String offer, String url) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put(DynamicsSpec.INSTANCE_URL, url);
        s.put(DynamicsSpec.TENANT_ID, TENANT);
        s.put(DynamicsSpec.APPLICATION_ID, APP);
        s.put(DynamicsSpec.CLIENT_SECRET, SECRET);
        return new LeadDestination(
                offer,
                DestinationType.DYNAMICS,
                s,
                List.of("crm@contoso.example"),
                1,
                Instant.parse("2026-12-02T10:00:00Z"));
    }

    static Cli.Run leadctl(Map<String, String> env, String... args) {
        Leadctl leadctl = new Leadctl(env, workDir)
                .withDynamicsClient(() -> new DynamicsDestinationClient(
                        aad.authorityHost(),
                        MsalHttp.via(aad.baseUrl(), HttpClient.newHttpClient(), Duration.ofSeconds(30)),
                        null,
                        Duration.ofSeconds(5)));
        String[] all = new String[args.length + 2];
        all[0] = "--bootstrap-servers";
        all[1] = KAFKA.bootstrapServers();
        System.arraycopy(args, 0, all, 2, args.length);
        return Cli.run(leadctl, all);
    }

    static Cli.Run leadctl(String... args) {
        return leadctl(Map.of(SecretKeyring.KEYS_ENV, KEY), args);
    }

    @Test
    void checkNamesWhatIsMissingSetupCreatesItAndTheCheckThenPasses() {
        Cli.Run before = leadctl("destinations", "check", "contoso.setup-offer");
        assertThat(before.exit()).as(before.toString()).isEqualTo(ExitCodes.FAILURE);
        assertThat(before.outLines())
                .hasSize(3)
                .anySatisfy(l -> assertThat(l).contains("the column leadpipe_leadid is missing"))
                .anySatisfy(l -> assertThat(l).contains("the column leadpipe_leadsource is missing"))
                .anySatisfy(l -> assertThat(l).contains("the alternate key on leadpipe_leadid is missing"))
                .allSatisfy(l -> assertThat(l).contains("leadctl destinations setup contoso.setup-offer"));

        Cli.Run setup =
                leadctl("destinations", "setup", "contoso.setup-offer", "--poll-interval", "1s", "--timeout", "60s");
        assertThat(setup.exit()).as(setup.toString()).isZero();
        assertThat(setup.out())
                .contains("set up: created column leadpipe_leadid, column leadpipe_leadsource, alternate key")
                .contains("an active alternate key on leadpipe_leadid");
        assertThat(setup.errLines())
                .anySatisfy(l -> assertThat(l).contains("creating the alternate key on leadpipe_leadid"))
                .anySatisfy(l -> assertThat(l).contains("EntityKeyIndexStatus Pending"));
        assertThat(bare.keyStatus("leadpipe_leadid")).isEqualTo("Active");

        Cli.Run after = leadctl("destinations", "check", "contoso.setup-offer");
        assertThat(after.exit()).as(after.toString()).isZero();
        assertThat(after.out()).startsWith("ok: contoso.setup-offer");
        for (Cli.Run r : List.of(before, setup, after)) {
            assertThat(r.out() + r.err()).doesNotContain(SECRET).doesNotContain(KEY.substring(3));
        }
    }

    @Test
    void withoutTheCustomizationPrivilegeSetupSaysWhatToGrantInOneLine() {
        Cli.Run r = leadctl("destinations", "setup", "litware.locked-offer");

        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.FAILURE);
        assertThat(r.errLines())
                .last()
                .satisfies(l -> assertThat(l)
                        .startsWith("leadctl: creating the column leadpipe_leadid was refused")
                        .contains("prvCreateAttribute")
                        .contains("System Customizer")
                        .contains("by hand"));
        assertThat(locked.schemaCreations()).isZero();
        assertThat(r.out() + r.err()).doesNotContain(SECRET);
    }

    @Test
    void anUnknownOfferMissingKeysAndABadDurationAreOneLineEach() {
        Cli.Run unknown = leadctl("destinations", "check", "nobody.no-offer");
        assertThat(unknown.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(unknown.errLines()).containsExactly("leadctl: offer nobody.no-offer has no lead destination");

        Cli.Run noKeys = leadctl(Map.of(), "destinations", "check", "contoso.setup-offer");
        assertThat(noKeys.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(noKeys.errLines()).singleElement().asString().contains("LEADPIPE_SECRET_KEYS");

        Cli.Run wrongKey = leadctl(
                Map.of(SecretKeyring.KEYS_ENV, "k1=" + SecretKeyring.newKey()),
                "destinations",
                "check",
                "contoso.setup-offer");
        assertThat(wrongKey.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(wrongKey.errLines()).singleElement().asString().contains("cannot decrypt the stored secret");

        Cli.Run badDuration = leadctl("destinations", "setup", "contoso.setup-offer", "--timeout", "soon");
        assertThat(badDuration.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(badDuration.errLines()).singleElement().asString().contains("--timeout");
    }
}
