package dev.leadpipe.notifier;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.leadpipe.core.destination.NotificationMode;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.testing.Scrape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.leadpipe.notifier.NotifierLeads.PERSONAL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A daily-digest offer gets no per-lead mail; when the interval has passed on the (hand-moved) clock it gets one
 * digest with the right counts and lead ids and no personal data; {@link Notifier#flushDigests()} sends the next.
 */
class DailyDigestTest {
    /** The notification e-mail counter as an operator queries it. */
    private static final String EMAILS = "leadpipe_notifier_emails_total";

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static final String OFFER = "quokka.consulting";

    @RegisterExtension
    static final GreenMailExtension MAIL = NotifierLeads.smtp();

    @Test
    void oneDigestPerIntervalWithCountsAndNoPersonalData() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        NotifierLeads.publishDestinations(
                bootstrap,
                List.of(NotifierLeads.destination(
                        OFFER, List.of("partner@consult.example"), NotificationMode.DAILY_DIGEST, 1)));
        NotifierLeads.publishLeads(
                bootstrap,
                List.of(
                        NotifierLeads.lead("lead-dg-1", OFFER, "DNC"),
                        NotifierLeads.lead("lead-dg-2", OFFER, "DNC"),
                        NotifierLeads.lead("lead-dg-3", OFFER, "PLT"),
                        NotifierLeads.eduLead("lead-dg-4", OFFER, "DNC")),
                0);
        NotifierLeads.MutableClock clock = new NotifierLeads.MutableClock(Instant.parse("2026-11-24T09:00:00Z"));

        try (Ops ops = Ops.forService("notifier");
                Notifier notifier =
                        Notifier.start(NotifierLeads.config(bootstrap, MAIL, "notifier-digest"), clock, ops)) {
            assertThat(notifier.awaitLeadsHandled(4, Duration.ofSeconds(30))).isTrue();
            assertThat(MAIL.waitForIncomingEmail(1_000, 1))
                    .as("no per-lead mail")
                    .isFalse();
            assertThat(notifier.pendingDigests()).isEqualTo(1);

            clock.advance(Duration.ofHours(24).plusSeconds(1));
            assertThat(MAIL.waitForIncomingEmail(10_000, 1)).isTrue();
            String digest = NotifierLeads.text(MAIL.getReceivedMessages()[0]);
            assertThat(digest)
                    .contains("Lead digest for " + OFFER + ": 4 new leads")
                    .contains("3 x the customer was cross-listed on the offer's page")
                    .contains("1 x the customer asked to be contacted (\"Contact me\"")
                    .contains("1 lead comes from a customer whose e-mail domain is .edu")
                    .contains("lead-dg-1", "lead-dg-2", "lead-dg-3", "lead-dg-4")
                    .contains("2026-11-24 08:15:30 UTC");
            PERSONAL.forEach(p -> assertThat(digest).doesNotContainIgnoringCase(p));
            assertThat(notifier.pendingDigests()).isZero();

            NotifierLeads.publishLeads(
                    bootstrap,
                    List.of(
                            NotifierLeads.lead("lead-dg-5", OFFER, "INS"),
                            NotifierLeads.lead("lead-dg-6", OFFER, "INS")),
                    0);
            assertThat(notifier.awaitLeadsHandled(6, Duration.ofSeconds(30))).isTrue();
            assertThat(notifier.flushDigests()).isEqualTo(1);
            assertThat(MAIL.waitForIncomingEmail(10_000, 2)).isTrue();
            // flushDigests waits for any digest being sent, so both are counted by now
            Scrape scrape = Scrape.parse(ops.scrape());
            assertThat(scrape.value(EMAILS, "kind=digest", "result=sent", "service=notifier"))
                    .isEqualTo(2);
            assertThat(scrape.value(EMAILS, "kind=lead", "result=sent", "service=notifier"))
                    .isZero();
        }
        assertThat(MAIL.getReceivedMessages()).hasSize(2);
        String second = NotifierLeads.text(MAIL.getReceivedMessages()[1]);
        assertThat(second)
                .contains(": 2 new leads")
                .contains("2 x the customer installed the offer")
                .contains("lead-dg-5", "lead-dg-6")
                .doesNotContain("lead-dg-1")
                .doesNotContain(".edu");
        PERSONAL.forEach(p -> assertThat(second).doesNotContainIgnoringCase(p));
    }
}
