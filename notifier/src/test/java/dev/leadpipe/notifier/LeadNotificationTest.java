package dev.leadpipe.notifier;

import java.time.Duration;
import java.util.List;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import dev.leadpipe.core.destination.NotificationMode;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.Readiness;
import dev.leadpipe.ops.testing.Scrape;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.leadpipe.notifier.NotifierLeads.PERSONAL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A per-lead offer with two contacts: each contact gets its own message per lead, addressed to that contact only (no
 * message shows the other contact's address, in its headers or body), holding the lead id, offer and action but no
 * customer personal data; the .edu lead says its data was withheld; the test lead says so; a replayed record and a
 * lead of an offer without destination send nothing.
 */
class LeadNotificationTest {
    /** The notification e-mail counter as an operator queries it. */
    private static final String EMAILS = "leadpipe_notifier_emails_total";

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static final String OFFER = "quokka.widget-saas";
    static final List<String> CONTACTS = List.of("sales@quokka-pub.example", "ops@quokka-pub.example");

    @RegisterExtension
    static final GreenMailExtension MAIL = NotifierLeads.smtp();

    @Test
    void oneMailPerLeadAndContactWithoutPersonalData() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        NotifierLeads.publishDestinations(
                bootstrap, List.of(NotifierLeads.destination(OFFER, CONTACTS, NotificationMode.PER_LEAD, 1)));
        NotifierLeads.publishLeads(
                bootstrap,
                List.of(
                        NotifierLeads.lead("lead-normal-1", OFFER, "INS"),
                        NotifierLeads.eduLead("lead-edu-1", OFFER, "DNC"),
                        NotifierLeads.testLead("lead-test-1", OFFER),
                        NotifierLeads.lead("lead-nodest-1", "quokka.no-destination", "PLT")),
                0);
        NotifierLeads.publishLeads(bootstrap, List.of(NotifierLeads.lead("lead-normal-1", OFFER, "INS")), 1);

        try (Ops ops = Ops.forService("notifier")) {
            try (Notifier notifier = Notifier.start(NotifierLeads.config(bootstrap, MAIL, "notifier-per-lead"), ops)) {
                assertThat(notifier.awaitLeadsHandled(5, Duration.ofSeconds(30)))
                        .isTrue();
                assertThat(MAIL.waitForIncomingEmail(10_000, 6)).isTrue();
                assertThat(MAIL.waitForIncomingEmail(1_500, 7))
                        .as("no mail beyond one per lead and contact")
                        .isFalse();

                // one message per contact for each notified lead: the normal, the .edu and the test lead
                Scrape scrape = Scrape.parse(ops.scrape());
                assertThat(scrape.value(EMAILS, "kind=lead", "result=sent", "service=notifier"))
                        .isEqualTo(6);
                assertThat(scrape.value(EMAILS, "kind=lead", "result=refused", "service=notifier"))
                        .isZero();
                assertThat(scrape.value(EMAILS, "kind=lead", "result=failed", "service=notifier"))
                        .isZero();
                assertThat(scrape.value(EMAILS, "kind=digest", "result=sent", "service=notifier"))
                        .isZero();
                assertThat(scrape.text()).doesNotContain("quokka").doesNotContain("lead-normal-1");
                Readiness.Report ready = ops.readiness().report();
                assertThat(ready.ready()).as(ready.checks().toString()).isTrue();
                assertThat(ready.checks()).containsEntry("kafka", "UP").containsEntry("consumer", "UP");
            }
            Readiness.Report closed = ops.readiness().report();
            assertThat(closed.ready()).isFalse();
            assertThat(closed.checks()).containsEntry("consumer", "the consumer is stopped");
        }
        MimeMessage[] received = MAIL.getReceivedMessages();
        assertThat(received).hasSize(6);
        List<String> recipients = new java.util.ArrayList<>();
        for (MimeMessage m : received) {
            assertThat(m.getAllRecipients()).hasSize(1);
            assertThat(m.getRecipients(Message.RecipientType.CC)).isNull();
            assertThat(m.getRecipients(Message.RecipientType.BCC)).isNull();
            String to = m.getRecipients(Message.RecipientType.TO)[0].toString();
            recipients.add(to);
            String other = CONTACTS.get(0).equals(to) ? CONTACTS.get(1) : CONTACTS.get(0);
            String whole = GreenMailUtil.getWholeMessage(m);
            assertThat(whole).contains(to).doesNotContainIgnoringCase(other);
            assertThat(m.getContentType()).containsIgnoringCase("text/plain").containsIgnoringCase("utf-8");
        }
        // each contact got its own three messages
        assertThat(recipients)
                .containsExactlyInAnyOrder(
                        CONTACTS.get(0),
                        CONTACTS.get(0),
                        CONTACTS.get(0),
                        CONTACTS.get(1),
                        CONTACTS.get(1),
                        CONTACTS.get(1));
        List<String> texts = NotifierLeads.texts(received);
        for (String t : texts) {
            assertThat(t).contains(OFFER);
            for (String personal : PERSONAL) {
                assertThat(t).doesNotContainIgnoringCase(personal);
            }
        }
        assertThat(texts.stream().filter(t -> t.contains("lead-normal-1")))
                .hasSize(2)
                .allSatisfy(t -> assertThat(t)
                        .contains("New lead for " + OFFER + " (Get it now)")
                        .contains("installed the offer")
                        .contains("2026-11-24 08:15:30 UTC")
                        .contains("Leads in Dynamics 365")
                        .doesNotContain(".edu"));
        assertThat(texts.stream().filter(t -> t.contains("lead-edu-1")))
                .hasSize(2)
                .allSatisfy(t -> assertThat(t)
                        .contains("(Do not contact)")
                        .contains("did not ask to be contacted and must not be contacted")
                        .doesNotContain("asked to be contacted (")
                        .contains("e-mail domain is .edu, so, for privacy, no personal data")
                        .contains("not delivered")
                        .doesNotContain("Leads in Dynamics 365")
                        .doesNotContain("cs.mit.edu"));
        assertThat(texts.stream().filter(t -> t.contains("lead-test-1")))
                .hasSize(2)
                .allSatisfy(t -> assertThat(t).contains("New test lead for " + OFFER));
        assertThat(texts).noneMatch(t -> t.contains("lead-nodest-1"));
    }
}
