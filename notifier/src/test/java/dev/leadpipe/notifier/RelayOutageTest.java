package dev.leadpipe.notifier;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.leadpipe.core.destination.NotificationMode;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.testing.Scrape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SMTP relay is down when a lead arrives: operations see the e-mail counted as failed, and the lead is not
 * lost: once the relay answers, the notifier re-reads it and the contact gets the e-mail.
 */
class RelayOutageTest {
    private static final String EMAILS = "leadpipe_notifier_emails_total";
    private static final String OFFER = "quokka.relay-outage";

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void aRefusedSendIsCountedAsFailedAndTheLeadIsMailedOnceTheRelayIsBack() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        int relayPort;
        try (ServerSocket free = new ServerSocket(0)) {
            relayPort = free.getLocalPort();
        }
        NotifierLeads.publishDestinations(
                bootstrap,
                List.of(NotifierLeads.destination(
                        OFFER, List.of("sales@quokka-pub.example"), NotificationMode.PER_LEAD, 1)));
        NotifierLeads.publishLeads(bootstrap, List.of(NotifierLeads.lead("lead-outage-1", OFFER, "INS")), 0);

        NotifierConfig config = NotifierConfig.of(bootstrap)
                .withSmtp("127.0.0.1", relayPort)
                .with(NotifierConfig.GROUP_ID, "notifier-relay-outage");
        try (Ops ops = Ops.forService("notifier");
                Notifier notifier = Notifier.start(config, ops)) {
            Scrape refused = awaitScrape(ops, s -> s.value(EMAILS, "kind=lead", "result=failed") >= 1);
            assertThat(refused.value(EMAILS, "kind=lead", "result=failed"))
                    .as("every attempt refused: one failed e-mail")
                    .isEqualTo(1);
            assertThat(refused.value(EMAILS, "kind=lead", "result=sent")).isZero();
            assertThat(refused.text()).doesNotContain("quokka").doesNotContain("lead-outage-1");

            GreenMail relay = new GreenMail(new ServerSetup(relayPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            relay.start();
            try {
                // the lead's partition is re-read Notifier.RETRY_LATER after the failure
                Duration wait = Notifier.RETRY_LATER.plusSeconds(30);
                assertThat(relay.waitForIncomingEmail(wait.toMillis(), 1))
                        .as("the lead mailed once the relay is back")
                        .isTrue();
                assertThat(NotifierLeads.text(relay.getReceivedMessages()[0])).contains("lead-outage-1");
                Scrape sent = awaitScrape(ops, s -> s.value(EMAILS, "kind=lead", "result=sent") >= 1);
                assertThat(sent.value(EMAILS, "kind=lead", "result=sent")).isEqualTo(1);
                assertThat(sent.value(EMAILS, "kind=lead", "result=failed"))
                        .as("still the one failure")
                        .isEqualTo(1);
            } finally {
                relay.stop();
            }
        }
    }

    private static Scrape awaitScrape(Ops ops, Predicate<Scrape> done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Scrape s = Scrape.parse(ops.scrape());
        while (!done.test(s) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            s = Scrape.parse(ops.scrape());
        }
        return s;
    }
}
