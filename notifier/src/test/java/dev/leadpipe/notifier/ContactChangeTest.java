package dev.leadpipe.notifier;

import java.time.Duration;
import java.util.List;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.leadpipe.core.destination.NotificationMode;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** Changing an offer's contact e-mails on the destinations topic redirects the next lead's e-mail, and only it. */
class ContactChangeTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static final String OFFER = "quokka.contacts";

    @RegisterExtension
    static final GreenMailExtension MAIL = NotifierLeads.smtp();

    @Test
    void theNextLeadGoesToTheNewContactsOnly() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        NotifierLeads.publishDestinations(
                bootstrap,
                List.of(NotifierLeads.destination(OFFER, List.of("old@before.example"), NotificationMode.PER_LEAD, 1)));
        try (Notifier notifier = Notifier.start(NotifierLeads.config(bootstrap, MAIL, "notifier-contacts"))) {
            NotifierLeads.publishLeads(bootstrap, List.of(NotifierLeads.lead("lead-before-1", OFFER, "PLT")), 0);
            assertThat(MAIL.waitForIncomingEmail(20_000, 1)).isTrue();

            NotifierLeads.publishDestinations(
                    bootstrap,
                    List.of(NotifierLeads.destination(
                            OFFER, List.of("new@after.example"), NotificationMode.PER_LEAD, 2)));
            assertThat(notifier.awaitDestination(OFFER, d -> d.version() == 2, Duration.ofSeconds(10)))
                    .isTrue();
            NotifierLeads.publishLeads(bootstrap, List.of(NotifierLeads.lead("lead-after-1", OFFER, "PLT")), 0);
            assertThat(MAIL.waitForIncomingEmail(20_000, 2)).isTrue();
            assertThat(notifier.awaitLeadsHandled(2, Duration.ofSeconds(10))).isTrue();
            assertThat(MAIL.waitForIncomingEmail(1_000, 3)).isFalse();
        }
        assertThat(NotifierLeads.texts(MAIL.getReceivedMessagesForDomain("before.example")))
                .singleElement()
                .satisfies(
                        t -> assertThat(t).contains("lead-before-1").contains("asked to be contacted (\"Contact me\""));
        assertThat(NotifierLeads.texts(MAIL.getReceivedMessagesForDomain("after.example")))
                .singleElement()
                .satisfies(t -> assertThat(t).contains("lead-after-1"));
    }
}
