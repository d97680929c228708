package dev.leadpipe.notifier;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.testing.Scrape;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A publisher whose destination breaks hears of it, on a real broker and SMTP server: each contact gets one failure
 * notice with the fix however many leads fail, one recovery notice once leads are delivered again, nothing repeated by
 * a restart, and one more failure notice when it breaks again the next day; leads failing transiently for longer than
 * {@code NOTIFIER_BROKEN_AFTER} do the same, and shorter waits send nothing.
 */
class DestinationNoticeTest {
    private static final String NOTICES = "leadpipe_notifier_destination_notices_total";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final GreenMailExtension MAIL = NotifierLeads.smtp();

    @Test
    void aWrongClientSecretSendsOneFailureNoticeAndOneRecoveryNoticePerContact() throws Exception {
        DestinationNoticeFixture f = new DestinationNoticeFixture(KAFKA.bootstrapServers());
        f.publishDestination();
        Instant t0 = Instant.parse("2026-12-01T09:00:00Z");
        NotifierLeads.MutableClock clock = new NotifierLeads.MutableClock(t0);
        NotifierConfig config = f.config(MAIL);

        try (Ops ops = Ops.forService("notifier");
                DestinationNotifier notifier = DestinationNotifier.start(config, clock, ops)) {
            f.deadLetter(200, ErrorClass.AAD_INVALID_CLIENT_SECRET, t0.minusSeconds(30));
            f.awaitCaughtUp(WAIT);
            List<MimeMessage> mail = f.mail(MAIL);
            assertThat(mail)
                    .as("200 dead letters: one failure notice per contact")
                    .hasSize(2);
            assertOnePerContact(f, mail);
            for (MimeMessage m : mail) {
                assertThat(NotifierLeads.text(m))
                        .contains("Action needed: the lead destination of " + f.offerId + " is failing")
                        .contains("AAD_INVALID_CLIENT_SECRET")
                        .contains(ErrorClass.AAD_INVALID_CLIENT_SECRET.remediation())
                        .contains("No lead is lost")
                        .contains("when they are replayed")
                        .contains("Failing since: 2026-12-01 08:59:30 UTC")
                        .doesNotContain(f.offerId + "-lead-")
                        .doesNotContain("invalid_client");
            }
            Scrape scrape = Scrape.parse(ops.scrape());
            assertThat(scrape.value(NOTICES, "kind=failure", "result=sent")).isEqualTo(2);
            assertThat(scrape.value(NOTICES, "kind=recovery", "result=sent")).isZero();
            assertThat(scrape.text()).doesNotContain(f.offerId).doesNotContain("contoso-pub");
        }

        clock.advance(Duration.ofMinutes(10));
        try (Ops ops = Ops.forService("notifier");
                DestinationNotifier notifier = DestinationNotifier.start(config, clock, ops)) {
            f.deadLetter(50, ErrorClass.AAD_INVALID_CLIENT_SECRET, clock.instant());
            f.awaitCaughtUp(WAIT);
            assertThat(f.mail(MAIL))
                    .as("after a restart, more failures the same day: nothing more")
                    .hasSize(2);

            clock.advance(Duration.ofMinutes(10));
            f.deliver(20, clock.instant());
            f.awaitCaughtUp(WAIT);
            List<MimeMessage> mail = f.mail(MAIL);
            assertThat(mail)
                    .as("delivered again: one recovery notice per contact")
                    .hasSize(4);
            List<MimeMessage> recovery = subject(mail, "Resolved: ");
            assertOnePerContact(f, recovery);
            for (MimeMessage m : recovery) {
                assertThat(NotifierLeads.text(m))
                        .contains("Resolved: the lead destination of " + f.offerId + " works again")
                        .contains("took a lead again at 2026-12-01 09:20:00 UTC")
                        .contains("failing since 2026-12-01 08:59:30 UTC (last error class AAD_INVALID_CLIENT_SECRET)");
            }
            assertThat(Scrape.parse(ops.scrape()).value(NOTICES, "kind=recovery", "result=sent"))
                    .isEqualTo(2);
        }

        clock.advance(Duration.ofMinutes(10));
        try (Ops ops = Ops.forService("notifier");
                DestinationNotifier notifier = DestinationNotifier.start(config, clock, ops)) {
            f.deliver(5, clock.instant());
            f.awaitCaughtUp(WAIT);
            assertThat(f.mail(MAIL))
                    .as("a restart after the recovery: nothing repeated")
                    .hasSize(4);

            clock.advance(Duration.ofHours(25));
            f.deadLetter(30, ErrorClass.AAD_INVALID_CLIENT_SECRET, clock.instant());
            f.awaitCaughtUp(WAIT);
            List<MimeMessage> mail = f.mail(MAIL);
            assertThat(mail)
                    .as("broken again the next day: one more failure notice each")
                    .hasSize(6);
            List<MimeMessage> failures = subject(mail, "Action needed: ");
            assertThat(failures).hasSize(4);
            List<MimeMessage> secondDay = failures.stream()
                    .filter(m -> NotifierLeads.text(m).contains("Failing since: 2026-12-02 10:30:00 UTC"))
                    .toList();
            assertOnePerContact(f, secondDay);
        }
    }

    @Test
    void leadsWaitingLongerThanTheThresholdSendOneNoticeAndShorterWaitsNone() throws Exception {
        DestinationNoticeFixture f = new DestinationNoticeFixture(KAFKA.bootstrapServers());
        f.publishDestination();
        Instant t0 = Instant.parse("2026-12-01T12:00:00Z");
        NotifierLeads.MutableClock clock = new NotifierLeads.MutableClock(t0);

        try (Ops ops = Ops.forService("notifier");
                DestinationNotifier notifier = DestinationNotifier.start(f.config(MAIL), clock, ops)) {
            f.waiting(40, ErrorClass.DYNAMICS_TIMEOUT, t0.minus(Duration.ofMinutes(59)), t0);
            f.awaitCaughtUp(WAIT);
            assertThat(f.mail(MAIL))
                    .as("waiting for less than NOTIFIER_BROKEN_AFTER (1h)")
                    .isEmpty();

            f.waiting(40, ErrorClass.DYNAMICS_TIMEOUT, t0.minus(Duration.ofMinutes(75)), t0);
            f.awaitCaughtUp(WAIT);
            List<MimeMessage> mail = f.mail(MAIL);
            assertThat(mail)
                    .as("waiting for 75 minutes: one notice per contact")
                    .hasSize(2);
            assertOnePerContact(f, mail);
            assertThat(NotifierLeads.text(mail.get(0)))
                    .contains("DYNAMICS_TIMEOUT")
                    .contains(ErrorClass.DYNAMICS_TIMEOUT.remediation())
                    .contains("held and retried automatically for up to 24 hours after its first failure")
                    .contains("Failing since: 2026-12-01 12:00:00 UTC");

            clock.advance(Duration.ofMinutes(5));
            f.deliver(1, clock.instant());
            f.awaitCaughtUp(WAIT);
            assertThat(f.mail(MAIL)).as("one recovery notice each").hasSize(4);
            assertOnePerContact(f, subject(f.mail(MAIL), "Resolved: "));
        }
    }

    /** The messages whose subject starts with {@code prefix} (the relay keeps them by mailbox, not in order). */
    private static List<MimeMessage> subject(List<MimeMessage> mail, String prefix) throws Exception {
        List<MimeMessage> out = new java.util.ArrayList<>();
        for (MimeMessage m : mail) {
            if (m.getSubject().startsWith(prefix)) {
                out.add(m);
            }
        }
        return out;
    }

    /** The messages go one to each contact, each addressed to that contact alone. */
    private static void assertOnePerContact(DestinationNoticeFixture f, List<MimeMessage> messages) throws Exception {
        assertThat(messages).hasSize(2);
        List<List<String>> to = new java.util.ArrayList<>();
        for (MimeMessage m : messages) {
            to.add(DestinationNoticeFixture.recipients(m));
        }
        assertThat(to).containsExactlyInAnyOrder(List.of(f.alice), List.of(f.bob));
    }
}
