package dev.leadpipe.notifier;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.leadpipe.core.destination.NotificationMode;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.testing.Scrape;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay refuses one offer's contact for good (550 to RCPT). That contact is counted {@code refused}, logged with
 * the lead and offer and its address masked, and skipped; the same offer's other contact still gets the e-mail, and
 * another offer's lead right behind it on the same partition is mailed at once, not after a retry pause.
 */
class RefusedRecipientTest {
    private static final String EMAILS = "leadpipe_notifier_emails_total";
    private static final String REFUSED_OFFER = "quokka.refused";
    private static final String OTHER_OFFER = "quokka.other";
    private static final String REFUSED = "gone.away@quokka-pub.example";
    private static final String KEPT = "sales@quokka-pub.example";
    private static final String OTHER = "ops@other-pub.example";

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void aRefusedContactIsCountedAndSkippedWithoutDelayingTheNextOffer() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        String refusedLead = "lead-refused-1";
        String otherLead = samePartitionAs(refusedLead);
        NotifierLeads.publishDestinations(
                bootstrap,
                List.of(
                        NotifierLeads.destination(REFUSED_OFFER, List.of(REFUSED, KEPT), NotificationMode.PER_LEAD, 1),
                        NotifierLeads.destination(OTHER_OFFER, List.of(OTHER), NotificationMode.PER_LEAD, 1)));
        // the refused offer's lead first, the other offer's lead behind it on the same partition
        NotifierLeads.publishLeads(
                bootstrap,
                List.of(
                        NotifierLeads.lead(refusedLead, REFUSED_OFFER, "INS"),
                        NotifierLeads.lead(otherLead, OTHER_OFFER, "PLT")),
                0);

        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger mailerLog = (Logger) LoggerFactory.getLogger(ContactMailer.class);
        mailerLog.addAppender(logs);
        try (RefusingRelay relay = new RefusingRelay(Set.of(REFUSED));
                Ops ops = Ops.forService("notifier")) {
            NotifierConfig config = NotifierConfig.of(bootstrap)
                    .withSmtp("127.0.0.1", relay.port())
                    .with(NotifierConfig.GROUP_ID, "notifier-refused");
            long started = System.nanoTime();
            try (Notifier notifier = Notifier.start(config, ops)) {
                assertThat(notifier.awaitLeadsHandled(2, Duration.ofSeconds(30)))
                        .isTrue();
                long handledAfter = System.nanoTime() - started;

                List<RefusingRelay.Received> mails = relay.received();
                assertThat(mails)
                        .extracting(RefusingRelay.Received::recipients)
                        .containsExactlyInAnyOrder(List.of(KEPT), List.of(OTHER));
                assertThat(mails.stream().filter(m -> m.recipients().equals(List.of(OTHER))))
                        .singleElement()
                        .satisfies(m -> assertThat(m.data()).contains(otherLead));
                // promptly: well before the pause a failed send would cost its partition
                assertThat(Duration.ofNanos(handledAfter)).isLessThan(Notifier.RETRY_LATER);

                Scrape scrape = Scrape.parse(ops.scrape());
                assertThat(scrape.value(EMAILS, "kind=lead", "result=refused")).isEqualTo(1);
                assertThat(scrape.value(EMAILS, "kind=lead", "result=sent")).isEqualTo(2);
                assertThat(scrape.value(EMAILS, "kind=lead", "result=failed")).isZero();
                assertThat(scrape.text()).doesNotContain("gone.away").doesNotContain("quokka-pub");
            }
        } finally {
            mailerLog.detachAppender(logs);
        }
        assertThat(logs.list)
                .filteredOn(e -> e.getFormattedMessage().contains("refused"))
                .singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage())
                        .contains(refusedLead)
                        .contains(REFUSED_OFFER)
                        .contains("g***@q***.example")
                        .doesNotContain(REFUSED)
                        .doesNotContain("gone.away"));
        assertThat(logs.list)
                .noneSatisfy(e -> assertThat(e.getFormattedMessage()).contains("@quokka-pub"));
    }

    /** A lead id whose {@code leads-routed} partition is that of {@code leadId}. */
    private static String samePartitionAs(String leadId) {
        int partitions = Topics.LEADS_ROUTED.partitions();
        int wanted = partition(leadId, partitions);
        for (int i = 0; ; i++) {
            String candidate = "lead-other-" + i;
            if (partition(candidate, partitions) == wanted) {
                return candidate;
            }
        }
    }

    private static int partition(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % partitions;
    }
}
