package dev.leadpipe.notifier;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import com.icegreen.greenmail.base.GreenMailOperations;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.destination.NotificationMode;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.retry.WaitingLead;
import dev.leadpipe.core.topic.TopicSpec;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.TopicWriter;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Records as the sinks write them, one offer with its own contacts, and reading the mail they received: for the
 * destination-notice tests. Offer ids and addresses are unique per fixture, so records and mail of other tests on the
 * same broker and relay are told apart.
 */
final class DestinationNoticeFixture {
    final String offerId = "contoso.crm-" + UUID.randomUUID().toString().substring(0, 8);
    final String alice = "alice+" + offerId.substring(offerId.length() - 8) + "@contoso-pub.example";
    final String bob = "bob+" + offerId.substring(offerId.length() - 8) + "@contoso-pub.example";
    final String group = "notifier-notices-" + UUID.randomUUID();
    private final String bootstrap;
    private int leads;

    DestinationNoticeFixture(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    NotifierConfig config(GreenMailOperations mail) {
        return NotifierConfig.of(bootstrap)
                .withSmtp("127.0.0.1", mail.getSmtp().getPort())
                .with(NotifierConfig.GROUP_ID, group);
    }

    void publishDestination() throws Exception {
        TopicWriter.writeDestinations(
                bootstrap,
                List.of(new LeadDestination(
                        offerId,
                        DestinationType.DYNAMICS,
                        Map.of("instanceUrl", "https://contoso.crm.example"),
                        List.of(alice, bob),
                        1,
                        Instant.parse("2026-11-24T08:00:00Z"),
                        NotificationMode.PER_LEAD)));
    }

    /** {@code count} leads dead-lettered by sink-dynamics with {@code errorClass}, at {@code at}. */
    void deadLetter(int count, ErrorClass errorClass, Instant at) throws Exception {
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            outcomes.add(Outcome.deadLettered(
                    nextLead(), offerId, "dynamics", errorClass, 1, false, 0, at.plusMillis(i), "401 invalid_client"));
        }
        write(Topics.LEAD_OUTCOMES, outcomes, Outcome::leadId);
    }

    /** {@code count} leads delivered by sink-dynamics at {@code at}. */
    void deliver(int count, Instant at) throws Exception {
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            outcomes.add(
                    Outcome.delivered(nextLead(), offerId, "dynamics", "rec-" + i, 1, 100, false, 0, at.plusMillis(i)));
        }
        write(Topics.LEAD_OUTCOMES, outcomes, Outcome::leadId);
    }

    /** {@code count} leads waiting for a retry since {@code since}, as written at {@code at}. */
    void waiting(int count, ErrorClass errorClass, Instant since, Instant at) throws Exception {
        List<WaitingLead> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(new WaitingLead(
                    nextLead(),
                    offerId,
                    "dynamics",
                    WaitingLead.Reason.RETRY,
                    since,
                    at.plus(Duration.ofMinutes(10)),
                    7,
                    errorClass,
                    0,
                    at));
        }
        write(Topics.LEAD_WAITING, records, WaitingLead::leadId);
    }

    private String nextLead() {
        return offerId + "-lead-" + (++leads);
    }

    private <V> void write(TopicSpec<String, V> topic, List<V> values, Function<V, String> key) throws Exception {
        TopicWriter.write(bootstrap, topic, values, key, Map.of());
    }

    /**
     * Waits until the notifier's group has committed everything on {@code lead-outcomes} and {@code lead-waiting}: by
     * then every notice those records call for has been handed to the relay.
     */
    void awaitCaughtUp(Duration timeout) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (TopicSpec<?, ?> t : List.of(Topics.LEAD_OUTCOMES, Topics.LEAD_WAITING)) {
                for (int p = 0; p < t.partitions(); p++) {
                    latest.put(new TopicPartition(t.name(), p), OffsetSpec.latest());
                }
            }
            Map<TopicPartition, Long> end = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> end.put(tp, info.offset()));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                                group + DestinationNotifier.GROUP_SUFFIX)
                        .partitionsToOffsetAndMetadata()
                        .get();
                boolean done = end.entrySet().stream().allMatch(e -> {
                    OffsetAndMetadata c = committed.get(e.getKey());
                    return (c == null ? 0 : c.offset()) >= e.getValue();
                });
                if (done) {
                    return;
                }
                Thread.sleep(100);
            }
            throw new AssertionError("the notifier did not commit lead-outcomes and lead-waiting within " + timeout);
        }
    }

    /** The messages this fixture's contacts received, in order. */
    List<MimeMessage> mail(GreenMailOperations relay) throws Exception {
        List<MimeMessage> out = new ArrayList<>();
        for (MimeMessage m : relay.getReceivedMessages()) {
            for (Address a : m.getRecipients(Message.RecipientType.TO)) {
                String address = ((InternetAddress) a).getAddress();
                if (address.equals(alice) || address.equals(bob)) {
                    out.add(m);
                    break;
                }
            }
        }
        return out;
    }

    /** Every address a message is addressed to (To and Cc). */
    static List<String> recipients(MimeMessage m) throws Exception {
        List<String> out = new ArrayList<>();
        for (Message.RecipientType type : List.of(Message.RecipientType.TO, Message.RecipientType.CC)) {
            Address[] as = m.getRecipients(type);
            if (as != null) {
                for (Address a : as) {
                    out.add(((InternetAddress) a).getAddress());
                }
            }
        }
        return out;
    }
}
