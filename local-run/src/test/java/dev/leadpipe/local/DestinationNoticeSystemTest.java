package dev.leadpipe.local;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.topic.TopicSpec;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.fakes.FakeAzureAd;
import dev.leadpipe.fakes.FakeDataverse;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.notifier.DestinationNotifier;
import dev.leadpipe.notifier.NotifierConfig;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.sink.dynamics.DynamicsDestinationClient;
import dev.leadpipe.sink.dynamics.MsalHttp;
import dev.leadpipe.sink.runtime.SinkConfig;
import dev.leadpipe.sink.runtime.SinkRuntime;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole way a publisher learns that their destination broke, with nothing stood in but Azure AD and Dataverse:
 * 200 leads through ingest, the router and sink-dynamics against the Azure AD stand-in with a wrong client secret are
 * dead-lettered {@code AAD_INVALID_CLIENT_SECRET}, and each of the offer's two contacts gets one failure notice with
 * the fix; the publisher saves the right secret, the operator replays the 200, and each contact gets one recovery
 * notice.
 */
class DestinationNoticeSystemTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final String TENANT = "8d5c1a4e-0b7f-4f7e-9a57-3c2f5f0e1d11";
    private static final String APP = "0c0c0c0c-3333-4333-8333-000000000002";
    private static final String SECRET = "CANARY-right-secret-x81";
    private static final String WRONG = "CANARY-expired-secret-q20";
    private static final String OFFER = "litware.broken-secret";
    private static final String ALICE = "alice@litware-pub.example";
    private static final String BOB = "bob@litware-pub.example";
    private static final String GROUP = "leadpipe-notifier-system";
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void aWrongClientSecretSendsEachContactOneFailureNoticeAndTheFixOneRecoveryNotice() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        GreenMail smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
        try (RunningPipeline pipeline = RunningPipeline.start(bootstrap);
                FakeAzureAd aad = FakeAzureAd.start().addApp(TENANT, APP, SECRET);
                FakeDataverse dataverse = FakeDataverse.start(aad);
                SinkRuntime sink = SinkRuntime.start(
                        SinkConfig.of(bootstrap)
                                .withAllowedHosts(DestinationAddresses.LOCAL_STAND_INS)
                                .withRetryBudget(3, Duration.ofSeconds(10)),
                        new DynamicsDestinationClient(
                                aad.authorityHost(),
                                MsalHttp.via(aad.baseUrl(), HttpClient.newHttpClient(), Duration.ofSeconds(30)),
                                null,
                                Duration.ofSeconds(10)));
                Ops ops = Ops.forService("notifier");
                DestinationNotifier notifier = DestinationNotifier.start(
                        NotifierConfig.of(bootstrap)
                                .withSmtp("127.0.0.1", smtp.getSmtp().getPort())
                                .with(NotifierConfig.GROUP_ID, GROUP),
                        ops)) {
            pipeline.putDestination(OFFER, dynamics(dataverse, WRONG));
            pipeline.postLeads(SystemTestSupport.leads(OFFER, 200));
            List<Outcome> failed =
                    SystemTestSupport.outcomes(bootstrap, OFFER, os -> os.size() >= 200, WAIT, Duration.ZERO);
            assertThat(failed).hasSize(200).allSatisfy(o -> {
                assertThat(o.outcome()).isEqualTo(OutcomeType.DEAD_LETTERED);
                assertThat(o.errorClass()).isEqualTo(ErrorClass.AAD_INVALID_CLIENT_SECRET);
            });
            awaitNotifierCaughtUp(bootstrap);
            List<MimeMessage> mail = List.of(smtp.getReceivedMessages());
            assertThat(mail)
                    .as("200 leads failed: one failure notice per contact")
                    .hasSize(2);
            assertThat(to(mail)).containsExactlyInAnyOrder(List.of(ALICE), List.of(BOB));
            for (MimeMessage m : mail) {
                String text = m.getSubject() + "\n" + m.getContent();
                assertThat(text)
                        .contains("Action needed: the lead destination of " + OFFER + " is failing")
                        .contains("AAD_INVALID_CLIENT_SECRET")
                        .contains(ErrorClass.AAD_INVALID_CLIENT_SECRET.remediation())
                        .contains("when they are replayed")
                        .doesNotContain(WRONG)
                        .doesNotContain(SECRET)
                        .doesNotContain("fabrikam")
                        .doesNotContain("Cust1");
            }

            pipeline.putDestination(OFFER, dynamics(dataverse, SECRET));
            SystemTestSupport.CliResult replay =
                    SystemTestSupport.leadctl(bootstrap, "dlq", "replay", "--offer", OFFER, "--yes");
            assertThat(replay.exitCode()).as(replay.err()).isZero();
            List<Outcome> all = SystemTestSupport.outcomes(
                    bootstrap,
                    OFFER,
                    os -> os.stream()
                                    .filter(o -> o.outcome() == OutcomeType.DELIVERED)
                                    .count()
                            >= 200,
                    WAIT,
                    Duration.ZERO);
            assertThat(all.stream().filter(o -> o.outcome() == OutcomeType.DELIVERED))
                    .hasSize(200);
            awaitNotifierCaughtUp(bootstrap);
            List<MimeMessage> after = List.of(smtp.getReceivedMessages());
            assertThat(after)
                    .as("fixed and replayed: one recovery notice per contact")
                    .hasSize(4);
            List<MimeMessage> recovery = after.stream()
                    .filter(m -> subject(m).startsWith("Resolved: the lead destination of " + OFFER))
                    .toList();
            assertThat(to(recovery)).containsExactlyInAnyOrder(List.of(ALICE), List.of(BOB));
        } finally {
            smtp.stop();
        }
    }

    private static String dynamics(FakeDataverse dataverse, String secret) {
        return """
                {"type": "dynamics", "settings": {"instanceUrl": "%s", "tenantId": "%s", "applicationId": "%s",
                 "clientSecret": "%s"}, "contactEmails": ["%s", "%s"]}
                """.formatted(dataverse.url(), TENANT, APP, secret, ALICE, BOB);
    }

    private static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Each message's recipients (To and Cc). */
    private static List<List<String>> to(List<MimeMessage> messages) throws Exception {
        List<List<String>> out = new ArrayList<>();
        for (MimeMessage m : messages) {
            List<String> rcpt = new ArrayList<>();
            for (Message.RecipientType type : List.of(Message.RecipientType.TO, Message.RecipientType.CC)) {
                if (m.getRecipients(type) != null) {
                    for (var a : m.getRecipients(type)) {
                        rcpt.add(((InternetAddress) a).getAddress());
                    }
                }
            }
            out.add(rcpt);
        }
        return out;
    }

    /** Waits until the notifier committed everything on lead-outcomes and lead-waiting: its notices are sent by then. */
    private static void awaitNotifierCaughtUp(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (TopicSpec<?, ?> t : List.of(Topics.LEAD_OUTCOMES, Topics.LEAD_WAITING)) {
                for (int p = 0; p < t.partitions(); p++) {
                    latest.put(new TopicPartition(t.name(), p), OffsetSpec.latest());
                }
            }
            Map<TopicPartition, Long> end = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> end.put(tp, info.offset()));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                                GROUP + DestinationNotifier.GROUP_SUFFIX)
                        .partitionsToOffsetAndMetadata()
                        .get();
                if (end.entrySet().stream().allMatch(e -> {
                    OffsetAndMetadata c = committed.get(e.getKey());
                    return (c == null ? 0 : c.offset()) >= e.getValue();
                })) {
                    return;
                }
                Thread.sleep(100);
            }
            throw new AssertionError("the notifier did not catch up with lead-outcomes and lead-waiting");
        }
    }
}
