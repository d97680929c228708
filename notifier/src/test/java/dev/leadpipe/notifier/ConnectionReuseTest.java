package dev.leadpipe.notifier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.leadpipe.core.destination.NotificationMode;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.testing.Scrape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The notifier sends many e-mails over each SMTP connection: 400 leads' e-mails go over no more connections than
 * {@code NOTIFIER_SMTP_CONNECTIONS}; and when the relay closes a connection after every 50 messages, the notifier opens
 * a new one and goes on, each lead still mailed exactly once and no e-mail counted failed.
 */
class ConnectionReuseTest {
    private static final String EMAILS = "leadpipe_notifier_emails_total";
    private static final String OFFER = "quokka.reuse";
    private static final String CONTACT = "sales@quokka-pub.example";
    private static final int LEADS = 400;
    private static final Pattern LEAD_ID = Pattern.compile("Lead id:\\s+(\\S+)");

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void manyMessagesGoOverEachConnection() throws Exception {
        try (RefusingRelay relay = new RefusingRelay(Set.of())) {
            Scrape scrape = mailAll(relay, "reuse", "notifier-reuse");
            assertThat(relay.connections())
                    .as("connections opened for %d e-mails", LEADS)
                    .isBetween(1, 2);
            assertThat(scrape.value(EMAILS, "kind=lead", "result=sent"))
                    .isEqualTo(relay.received().size());
        }
    }

    @Test
    void aConnectionTheRelayClosesIsReplaced() throws Exception {
        try (RefusingRelay relay = new RefusingRelay(Set.of())) {
            relay.closeEvery(50);
            Scrape scrape = mailAll(relay, "closing", "notifier-relay-closes");
            assertThat(relay.connections()).isGreaterThanOrEqualTo(LEADS / 50);
            assertThat(scrape.value(EMAILS, "kind=lead", "result=sent"))
                    .isEqualTo(relay.received().size());
            assertThat(scrape.value(EMAILS, "kind=lead", "result=failed")).isZero();
        }
    }

    /** Publishes the leads, runs a notifier over two connections until all are committed; each lead mailed once. */
    private static Scrape mailAll(RefusingRelay relay, String prefix, String group) throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        String offer = OFFER + "-" + prefix;
        NotifierLeads.publishDestinations(
                bootstrap, List.of(NotifierLeads.destination(offer, List.of(CONTACT), NotificationMode.PER_LEAD, 1)));
        List<Lead> leads = new ArrayList<>();
        for (int i = 0; i < LEADS; i++) {
            leads.add(NotifierLeads.lead(prefix + "-" + i, offer, "INS"));
        }
        NotifierLeads.publishLeads(bootstrap, leads, 0);
        NotifierConfig config = NotifierConfig.of(bootstrap)
                .withSmtp("127.0.0.1", relay.port())
                .with(NotifierConfig.GROUP_ID, group)
                .with(NotifierConfig.SMTP_CONNECTIONS, 2);
        Scrape scrape;
        try (Ops ops = Ops.forService("notifier");
                Notifier notifier = Notifier.start(config, ops)) {
            assertThat(notifier.awaitLeadsHandled(LEADS, Duration.ofSeconds(90)))
                    .isTrue();
            NotifierLeads.awaitCommittedToTheEnd(bootstrap, group);
            scrape = Scrape.parse(ops.scrape());
        }
        // the group reads the other test's leads too (one topic): this test's leads are counted
        Map<String, Long> perLead = relay.received().stream()
                .map(r -> leadIdIn(r.data()))
                .filter(id -> id.startsWith(prefix + "-"))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(perLead)
                .hasSize(LEADS)
                .allSatisfy((lead, count) -> assertThat(count).as(lead).isEqualTo(1));
        return scrape;
    }

    private static String leadIdIn(String data) {
        Matcher m = LEAD_ID.matcher(data);
        assertThat(m.find()).as("a lead id in the message").isTrue();
        return m.group(1);
    }
}
