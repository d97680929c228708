package dev.leadpipe.notifier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.leadpipe.core.destination.NotificationMode;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 3,000 routed leads of three per-lead offers (one with one contact, two with two): every lead's e-mail reaches each
 * of its offer's contacts exactly once, with the notifier sending over several connections in parallel; and the same
 * when, midway, a second notifier joins the group (a rebalance) and then the first one stops (another rebalance: a
 * restart of its share), the second finishing the work.
 */
class NotifierVolumeTest {
    private static final int LEADS = 3_000;
    private static final Pattern LEAD_ID = Pattern.compile("Lead id:\\s+(\\S+)");
    private static final Map<String, List<String>> CONTACTS = Map.of(
            "quokka.volume-one", List.of("sales@one-pub.example"),
            "quokka.volume-two", List.of("sales@two-pub.example", "ops@two-pub.example"),
            "quokka.volume-three", List.of("leads@three-pub.example", "ceo@three-pub.example"));
    private static final List<String> OFFERS = List.copyOf(new java.util.TreeSet<>(CONTACTS.keySet()));

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final GreenMailExtension MAIL = NotifierLeads.smtp();

    @Test
    void everyLeadIsMailedOncePerContact() throws Exception {
        Map<String, List<String>> expected = publish("once");
        NotifierConfig config = NotifierLeads.config(KAFKA.bootstrapServers(), MAIL, "notifier-volume-once");
        try (Notifier notifier = Notifier.start(config)) {
            assertThat(notifier.awaitLeadsHandled(LEADS, Duration.ofMinutes(3))).isTrue();
            NotifierLeads.awaitCommittedToTheEnd(KAFKA.bootstrapServers(), config.groupId());
        }
        assertExactlyOnce(expected);
    }

    @Test
    void aRebalanceAndARestartMidwayNeitherLoseNorRepeatAnE_mail() throws Exception {
        Map<String, List<String>> expected = publish("restart");
        NotifierConfig config = NotifierLeads.config(KAFKA.bootstrapServers(), MAIL, "notifier-volume-restart");
        Notifier first = Notifier.start(config);
        try (Notifier second = startedAfter(first, config)) {
            first.close();
            assertThat(first.leadsHandled())
                    .as("the first notifier did part of the work")
                    .isPositive();
            NotifierLeads.awaitCommittedToTheEnd(KAFKA.bootstrapServers(), config.groupId());
            assertThat(first.leadsHandled() + second.leadsHandled()).isGreaterThanOrEqualTo(LEADS);
        } finally {
            first.close();
        }
        assertExactlyOnce(expected);
    }

    @Test
    void aStopWhileAPollsE_mailsAreUnderWayCommitsWhatWasSent() throws Exception {
        Map<String, List<String>> expected = publish("stop");
        try (RefusingRelay relay = new RefusingRelay(java.util.Set.of())) {
            // a relay slow enough that the stop comes while a poll's e-mails are being sent
            relay.takeForEachMessage(Duration.ofMillis(5));
            NotifierConfig config = NotifierConfig.of(KAFKA.bootstrapServers())
                    .withSmtp("127.0.0.1", relay.port())
                    .with(NotifierConfig.GROUP_ID, "notifier-volume-stop");
            try (Notifier first = Notifier.start(config)) {
                assertThat(first.awaitLeadsHandled(LEADS / 5, Duration.ofMinutes(2)))
                        .isTrue();
            }
            try (Notifier second = Notifier.start(config)) {
                NotifierLeads.awaitCommittedToTheEnd(KAFKA.bootstrapServers(), config.groupId());
            }
            List<String> received = new ArrayList<>();
            for (RefusingRelay.Received r : relay.received()) {
                Matcher id = LEAD_ID.matcher(r.data());
                assertThat(id.find()).isTrue();
                received.add(id.group(1) + " to " + r.recipients().getFirst());
            }
            assertExactlyOnce(expected, received);
        }
    }

    /**
     * Starts a second notifier in the group once the first has handled a sixth of the leads (a rebalance, which gives
     * it part of the partitions, with whatever is left on them).
     */
    private static Notifier startedAfter(Notifier first, NotifierConfig config) throws InterruptedException {
        assertThat(first.awaitLeadsHandled(LEADS / 6, Duration.ofMinutes(2))).isTrue();
        return Notifier.start(config);
    }

    /** Publishes the leads, spread over the offers; returns each lead id's contacts. */
    private static Map<String, List<String>> publish(String prefix) throws Exception {
        MAIL.purgeEmailFromAllMailboxes();
        String bootstrap = KAFKA.bootstrapServers();
        List<dev.leadpipe.core.destination.LeadDestination> destinations = new ArrayList<>();
        for (String offer : OFFERS) {
            destinations.add(NotifierLeads.destination(offer, CONTACTS.get(offer), NotificationMode.PER_LEAD, 1));
        }
        NotifierLeads.publishDestinations(bootstrap, destinations);
        List<Lead> leads = new ArrayList<>();
        Map<String, List<String>> expected = new HashMap<>();
        for (int i = 0; i < LEADS; i++) {
            String offer = OFFERS.get(i % OFFERS.size());
            String leadId = prefix + "-" + i;
            leads.add(NotifierLeads.lead(leadId, offer, "INS"));
            expected.put(leadId, CONTACTS.get(offer));
        }
        NotifierLeads.publishLeads(bootstrap, leads, 0);
        return expected;
    }

    private static String prefixOf(Map<String, List<String>> expected) {
        String any = expected.keySet().iterator().next();
        return any.substring(0, any.indexOf('-') + 1);
    }

    /** Every lead's e-mail reached each of its contacts once, and no other e-mail of this test's leads arrived. */
    private static void assertExactlyOnce(Map<String, List<String>> expected) throws Exception {
        List<String> received = new ArrayList<>();
        for (MimeMessage m : MAIL.getReceivedMessages()) {
            Matcher id = LEAD_ID.matcher(String.valueOf(m.getContent()));
            assertThat(id.find()).isTrue();
            received.add(id.group(1) + " to " + m.getRecipients(Message.RecipientType.TO)[0]);
        }
        assertExactlyOnce(expected, received);
    }

    /**
     * Each expected lead's e-mail is among {@code received} ("leadId to contact") once per contact, and no other
     * e-mail of this test's leads.
     */
    private static void assertExactlyOnce(Map<String, List<String>> expected, List<String> received) {
        Map<String, Integer> got = new HashMap<>();
        for (String r : received) {
            if (!r.startsWith(prefixOf(expected))) {
                continue; // another test's lead, read again by this test's group
            }
            got.merge(r, 1, Integer::sum);
        }
        Map<String, Integer> want = new HashMap<>();
        expected.forEach((lead, contacts) -> contacts.forEach(c -> want.put(lead + " to " + c, 1)));
        Map<String, Integer> repeated = new HashMap<>(got);
        repeated.values().removeIf(n -> n == 1);
        assertThat(repeated).as("e-mails received more than once").isEmpty();
        assertThat(got).as("one e-mail per lead and contact").isEqualTo(want);
    }
}
