package dev.leadpipe.notifier;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.testing.Scrape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SMTP relay is down when a destination breaks: the notices are counted as failed, and they are not forgotten,
 * neither while the notifier runs (tried again once {@link DestinationNoticeBook#RETRY_LATER} has passed on its clock)
 * nor across a restart: each contact gets its one failure notice once the relay is back.
 */
class DestinationNoticeRelayOutageTest {
    private static final String NOTICES = "leadpipe_notifier_destination_notices_total";

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void aNoticeTheRelayDidNotTakeIsSentOnceItIsBackEvenAfterARestart() throws Exception {
        DestinationNoticeFixture f = new DestinationNoticeFixture(KAFKA.bootstrapServers());
        f.publishDestination();
        int relayPort;
        try (ServerSocket free = new ServerSocket(0)) {
            relayPort = free.getLocalPort();
        }
        NotifierConfig config = NotifierConfig.of(KAFKA.bootstrapServers())
                .withSmtp("127.0.0.1", relayPort)
                .with(NotifierConfig.GROUP_ID, f.group);
        Instant t0 = Instant.parse("2026-12-01T09:00:00Z");
        NotifierLeads.MutableClock clock = new NotifierLeads.MutableClock(t0);

        try (Ops ops = Ops.forService("notifier");
                DestinationNotifier notifier = DestinationNotifier.start(config, clock, ops)) {
            f.deadLetter(10, ErrorClass.SALESFORCE_AUTH_FAILED, t0);
            f.awaitCaughtUp(Duration.ofSeconds(60));
            Scrape s = Scrape.parse(ops.scrape());
            assertThat(s.value(NOTICES, "kind=failure", "result=failed"))
                    .as("both contacts' messages refused by a relay that is down")
                    .isEqualTo(2);
            clock.advance(DestinationNoticeBook.RETRY_LATER.plusSeconds(1));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (Scrape.parse(ops.scrape()).value(NOTICES, "kind=failure", "result=failed") < 4
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(Scrape.parse(ops.scrape()).value(NOTICES, "kind=failure", "result=failed"))
                    .as("tried again after RETRY_LATER")
                    .isEqualTo(4);
            assertThat(Scrape.parse(ops.scrape()).value(NOTICES, "kind=failure", "result=sent"))
                    .isZero();
        }

        GreenMail relay = new GreenMail(new ServerSetup(relayPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        relay.start();
        clock.advance(Duration.ofMinutes(5));
        try (Ops ops = Ops.forService("notifier");
                DestinationNotifier notifier = DestinationNotifier.start(config, clock, ops)) {
            assertThat(relay.waitForIncomingEmail(30_000, 2))
                    .as("the owed notice, after a restart")
                    .isTrue();
            assertThat(f.mail(relay)).hasSize(2);
            assertThat(NotifierLeads.text(f.mail(relay).get(0)))
                    .contains("SALESFORCE_AUTH_FAILED")
                    .contains(ErrorClass.SALESFORCE_AUTH_FAILED.remediation());
            f.deadLetter(10, ErrorClass.SALESFORCE_AUTH_FAILED, clock.instant());
            f.awaitCaughtUp(Duration.ofSeconds(60));
            assertThat(f.mail(relay)).as("sent once, not again").hasSize(2);
        } finally {
            relay.stop();
        }
    }
}
