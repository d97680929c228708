package dev.leadpipe.notifier;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

import com.icegreen.greenmail.base.GreenMailOperations;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.destination.NotificationMode;
import dev.leadpipe.core.lead.EduPrivacy;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.RoutedLead;
import dev.leadpipe.core.lead.UserDetails;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.TopicWriter;
import jakarta.mail.internet.MimeMessage;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import static org.assertj.core.api.Assertions.assertThat;

/** Leads, destinations, publishing and mail reading for the notifier tests. */
final class NotifierLeads {
    static final String FIRST_NAME = "Meiling";
    static final String LAST_NAME = "Xanthopoulos";
    static final String EMAIL = "meiling.x@quokkasoft.example";
    static final String PHONE = "+886 2 1234 5678";
    static final String COMPANY = "Quokkasoft Holdings";
    static final String TITLE = "Chief Quokka Officer";
    static final List<String> PERSONAL =
            List.of(FIRST_NAME, LAST_NAME, EMAIL, PHONE, COMPANY, TITLE, "quokkasoft", "professor.plum", "withheld@");
    static final Instant RECEIVED = Instant.parse("2026-11-24T08:15:30Z");

    private NotifierLeads() {}

    /** A lead with the customer's full personal data, as ingest writes a non-.edu lead. */
    static Lead lead(String leadId, String offerId, String action) {
        UserDetails user = new UserDetails(FIRST_NAME, LAST_NAME, EMAIL, PHONE, "TW", COMPANY, TITLE, Map.of());
        return new Lead(
                leadId,
                offerId,
                RECEIVED,
                false,
                user,
                "AzureMarketplace-" + action + "|" + offerId,
                action,
                "Quokka Widget SaaS",
                "Customer " + FIRST_NAME + " wants a demo",
                Map.of());
    }

    /** A .edu customer's lead as ingest writes it: {@code withheld@cs.mit.edu}, everything personal removed. */
    static Lead eduLead(String leadId, String offerId, String action) {
        UserDetails user = new UserDetails(
                "Professor",
                "Plum",
                "professor.plum@cs.mit.edu",
                "+1 617 555 0100",
                "US",
                "MIT",
                "Professor",
                Map.of());
        Lead raw = new Lead(
                leadId,
                offerId,
                RECEIVED,
                false,
                user,
                "AppSource-" + action + "|" + offerId,
                action,
                "Quokka Widget SaaS",
                "call me",
                Map.of());
        Lead withheld = EduPrivacy.withhold(raw);
        if (!"withheld@cs.mit.edu".equals(withheld.userDetails().email())) {
            throw new IllegalStateException("EduPrivacy changed its shape");
        }
        return withheld;
    }

    /** The marketplace's test lead: every field {@code MSFT_TEST_...}, which the serde reads as {@code test}. */
    static Lead testLead(String leadId, String offerId) {
        String t = Lead.TEST_LEAD_PREFIX + "636573304831318844";
        UserDetails user = new UserDetails(t, t, t + "@example.com", t, t, t, t, Map.of());
        return new Lead(
                leadId,
                offerId,
                RECEIVED,
                true,
                user,
                "AzureMarketplace-INS|" + offerId,
                "INS",
                "Quokka Widget SaaS",
                t,
                Map.of());
    }

    static LeadDestination destination(String offerId, List<String> contacts, NotificationMode mode, long version) {
        return new LeadDestination(
                offerId,
                DestinationType.DYNAMICS,
                Map.of("instanceUrl", "https://quokka.crm.example"),
                contacts,
                version,
                Instant.parse("2026-11-24T08:00:00Z"),
                mode);
    }

    static void publishDestinations(String bootstrap, List<LeadDestination> destinations) throws Exception {
        TopicWriter.writeDestinations(bootstrap, destinations);
    }

    /**
     * Publishes to {@code leads-routed} what the router writes for each lead routed to the {@link #destination}'s
     * type (dynamics), or suppressed when .edu; {@code replayCount} > 0 marks them replays.
     */
    static void publishLeads(String bootstrap, List<Lead> leads, int replayCount) throws Exception {
        List<RoutedLead> routed = new ArrayList<>();
        for (Lead lead : leads) {
            routed.add(routed(lead, replayCount));
        }
        TopicWriter.write(bootstrap, Topics.LEADS_ROUTED, routed, RoutedLead::leadId, Map.of());
    }

    /** The router's record of a lead routed to dynamics (suppressed when .edu). */
    static RoutedLead routed(Lead lead, int replayCount) {
        RoutedLead.Result result = lead.userDetails().isEdu() ? RoutedLead.Result.SUPPRESSED : RoutedLead.Result.ROUTED;
        return RoutedLead.of(lead, result, DestinationType.DYNAMICS.wireName(), null, replayCount, RECEIVED);
    }

    /** An SMTP server on a free port, fresh for each test. */
    static GreenMailExtension smtp() {
        return new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());
    }

    static NotifierConfig config(String bootstrap, GreenMailOperations mail, String group) {
        return NotifierConfig.of(bootstrap)
                .withSmtp("127.0.0.1", mail.getSmtp().getPort())
                .with(NotifierConfig.GROUP_ID, group)
                .with(NotifierConfig.LEAD_LOOKUP_URL, Optional.of("https://ops.leadpipe.example/leads"));
    }

    /** A received message's subject, headers and text, as one string to search. */
    static String text(MimeMessage m) {
        try {
            StringBuilder out = new StringBuilder();
            out.append(m.getSubject()).append('\n');
            for (var h : java.util.Collections.list(m.getAllHeaderLines())) {
                if (!h.toLowerCase(java.util.Locale.ROOT).startsWith("to:")) {
                    out.append(h).append('\n');
                }
            }
            out.append(m.getContent());
            return out.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> texts(MimeMessage[] messages) {
        List<String> out = new ArrayList<>();
        for (MimeMessage m : messages) {
            out.add(text(m));
        }
        return out;
    }

    /** Waits until the group's committed offsets on {@code leads-routed} reach the end of every partition. */
    static void awaitCommittedToTheEnd(String bootstrap, String group) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            int partitions = admin.describeTopics(List.of(Topics.LEADS_ROUTED.name()))
                    .allTopicNames()
                    .get()
                    .get(Topics.LEADS_ROUTED.name())
                    .partitions()
                    .size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int i = 0; i < partitions; i++) {
                latest.put(new TopicPartition(Topics.LEADS_ROUTED.name(), i), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> end = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> end.put(tp, info.offset()));
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get();
                boolean all = end.entrySet().stream()
                        .allMatch(e -> e.getValue() == 0
                                || (committed.get(e.getKey()) != null
                                        && committed.get(e.getKey()).offset() >= e.getValue()));
                if (all) {
                    return;
                }
                assertThat(System.nanoTime() - deadline)
                        .as("committed %s of %s", committed, end)
                        .isNegative();
                Thread.sleep(100);
            }
        }
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private final AtomicReference<Instant> now;

        MutableClock(Instant start) {
            this.now = new AtomicReference<>(start);
        }

        void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }
}
