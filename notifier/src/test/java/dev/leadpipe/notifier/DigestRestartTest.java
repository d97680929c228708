package dev.leadpipe.notifier;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.leadpipe.core.destination.NotificationMode;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicReader;
import dev.leadpipe.ops.testing.ChildJvm;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A daily digest survives the notifier: its leads are kept on {@code notifier-digests}, so a new notifier, started
 * after the first was closed, or killed ({@code kill -9}) in a child JVM, sends the digest at its time with every lead
 * in it, once, and deletes it from the topic.
 */
class DigestRestartTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final GreenMailExtension MAIL = NotifierLeads.smtp();

    private static final String CONTACT = "partner@consult.example";

    @TempDir
    Path work;

    @Test
    void aDigestSurvivesACloseAndANewNotifierSendsItOnceAtItsTime() throws Exception {
        String offer = "quokka.consulting-close";
        String bootstrap = KAFKA.bootstrapServers();
        NotifierLeads.publishDestinations(
                bootstrap,
                List.of(NotifierLeads.destination(offer, List.of(CONTACT), NotificationMode.DAILY_DIGEST, 1)));
        NotifierLeads.MutableClock clock = new NotifierLeads.MutableClock(Instant.parse("2026-11-24T09:00:00Z"));
        NotifierConfig config = NotifierLeads.config(bootstrap, MAIL, "notifier-digest-close");

        NotifierLeads.publishLeads(
                bootstrap,
                List.of(NotifierLeads.lead("lead-c-1", offer, "INS"), NotifierLeads.lead("lead-c-2", offer, "PLT")),
                0);
        try (Notifier first = Notifier.start(config, clock)) {
            assertThat(first.awaitLeadsHandled(2, Duration.ofSeconds(30))).isTrue();
            assertThat(first.pendingDigests()).isEqualTo(1);
        }
        assertThat(MAIL.waitForIncomingEmail(500, 1))
                .as("closing sends nothing")
                .isFalse();

        // one more lead while no notifier runs; the second starts an hour later
        NotifierLeads.publishLeads(bootstrap, List.of(NotifierLeads.lead("lead-c-3", offer, "DNC")), 0);
        clock.advance(Duration.ofHours(1));
        try (Notifier second = Notifier.start(config, clock)) {
            assertThat(second.awaitLeadsHandled(1, Duration.ofSeconds(30))).isTrue();
            assertThat(second.pendingDigests()).isEqualTo(1);
            assertThat(MAIL.waitForIncomingEmail(500, 1)).as("not due yet").isFalse();

            clock.advance(Duration.ofHours(23).plusSeconds(1)); // 24 h after the first lead
            assertThat(MAIL.waitForIncomingEmail(10_000, 1)).isTrue();
            assertThat(MAIL.waitForIncomingEmail(1_500, 2))
                    .as("the digest once")
                    .isFalse();
            assertThat(second.pendingDigests()).isZero();
        }
        String digest = NotifierLeads.text(MAIL.getReceivedMessages()[0]);
        assertThat(digest)
                .contains("Lead digest for " + offer + ": 3 new leads")
                .contains("lead-c-1", "lead-c-2", "lead-c-3")
                .contains("1 x the customer installed the offer");
        assertThat(latestDigestRecord(bootstrap, offer)).as("deleted once sent").isNull();
    }

    @Test
    void aDigestSurvivesAKilledNotifier() throws Exception {
        String offer = "quokka.consulting-kill";
        String bootstrap = KAFKA.bootstrapServers();
        NotifierLeads.publishDestinations(
                bootstrap,
                List.of(NotifierLeads.destination(offer, List.of(CONTACT), NotificationMode.DAILY_DIGEST, 1)));
        NotifierLeads.publishLeads(
                bootstrap,
                List.of(
                        NotifierLeads.lead("lead-k-1", offer, "INS"),
                        NotifierLeads.lead("lead-k-2", offer, "INS"),
                        NotifierLeads.lead("lead-k-3", offer, "PLT")),
                0);
        int opsPort;
        try (ServerSocket free = new ServerSocket(0)) {
            opsPort = free.getLocalPort();
        }
        Process child = ChildJvm.start(
                NotifierApp.class,
                Map.of(
                        "KAFKA_BOOTSTRAP_SERVERS",
                        bootstrap,
                        "NOTIFIER_SMTP_HOST",
                        "127.0.0.1",
                        "NOTIFIER_SMTP_PORT",
                        Integer.toString(MAIL.getSmtp().getPort()),
                        "NOTIFIER_GROUP_ID",
                        "notifier-digest-kill",
                        "OPS_PORT",
                        Integer.toString(opsPort),
                        "PATH",
                        System.getenv().getOrDefault("PATH", "/usr/bin:/bin")),
                work,
                work.resolve("notifier.out"),
                work.resolve("notifier.out"),
                "-Xmx192m",
                "-XX:TieredStopAtLevel=1");
        try {
            // the child has saved the three leads in the offer's digest
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            Digest.State saved = null;
            while (System.nanoTime() < deadline && (saved == null || saved.count() < 3)) {
                assertThat(child.isAlive()).as(() -> log()).isTrue();
                saved = latestDigestRecord(bootstrap, offer);
                Thread.sleep(200);
            }
            assertThat(saved).as(() -> log()).isNotNull();
            assertThat(saved.leadIds()).containsExactlyInAnyOrder("lead-k-1", "lead-k-2", "lead-k-3");
        } finally {
            child.destroyForcibly(); // kill -9: no orderly stop
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(MAIL.getReceivedMessages()).isEmpty();

        // the new notifier's clock is past the digest's time: it is sent at once, with all three leads, once
        NotifierLeads.MutableClock late =
                new NotifierLeads.MutableClock(Instant.now().plus(Duration.ofHours(25)));
        NotifierConfig config = NotifierLeads.config(bootstrap, MAIL, "notifier-digest-kill");
        try (Notifier next = Notifier.start(config, late)) {
            // the group reads leads-routed from its start, so the other test's offer gets a digest of its own too
            assertThat(MAIL.waitForIncomingEmail(20_000, 1)).isTrue();
            Thread.sleep(2_000);
        }
        List<String> digests = NotifierLeads.texts(MAIL.getReceivedMessages()).stream()
                .filter(t -> t.contains("Lead digest for " + offer))
                .toList();
        assertThat(digests).as("the digest once").hasSize(1);
        String digest = digests.get(0);
        assertThat(digest)
                .contains("Lead digest for " + offer + ": 3 new leads")
                .contains("lead-k-1", "lead-k-2", "lead-k-3")
                .contains("2 x the customer installed the offer");
        assertThat(latestDigestRecord(bootstrap, offer)).isNull();
    }

    @Test
    void leadsReadAgainAfterTheirDigestWasSentAtStartUpAreNotCountedAgain() throws Exception {
        // what a notifier killed after saving the digest and before committing the leads' offsets leaves behind
        String offer = "quokka.consulting-uncommitted";
        String bootstrap = KAFKA.bootstrapServers();
        NotifierLeads.publishDestinations(
                bootstrap,
                List.of(NotifierLeads.destination(offer, List.of(CONTACT), NotificationMode.DAILY_DIGEST, 1)));
        NotifierLeads.publishLeads(
                bootstrap,
                List.of(NotifierLeads.lead("lead-u-1", offer, "INS"), NotifierLeads.lead("lead-u-2", offer, "PLT")),
                0);
        Instant due = Instant.parse("2026-11-25T09:00:00Z");
        Digest saved = new Digest(offer, due);
        saved.add(NotifierLeads.routed(NotifierLeads.lead("lead-u-1", offer, "INS"), 0), due);
        saved.add(NotifierLeads.routed(NotifierLeads.lead("lead-u-2", offer, "PLT"), 0), due);
        dev.leadpipe.kafka.testing.TopicWriter.write(
                bootstrap,
                Topics.NOTIFIER_DIGESTS,
                List.of(Json.MAPPER.writeValueAsBytes(saved.state())),
                v -> offer,
                Map.of());

        NotifierLeads.MutableClock clock = new NotifierLeads.MutableClock(due.plusSeconds(60));
        int onTopic = TopicReader.readAll(bootstrap, Topics.LEADS_ROUTED).size();
        try (Notifier notifier =
                Notifier.start(NotifierLeads.config(bootstrap, MAIL, "notifier-digest-uncommitted"), clock)) {
            assertThat(notifier.awaitLeadsHandled(onTopic, Duration.ofSeconds(30)))
                    .isTrue();
            assertThat(latestDigestRecord(bootstrap, offer))
                    .as("no new digest of the leads already sent")
                    .isNull();
            notifier.flushDigests();
        }
        List<String> digests = NotifierLeads.texts(MAIL.getReceivedMessages()).stream()
                .filter(t -> t.contains("Lead digest for " + offer))
                .toList();
        assertThat(digests)
                .singleElement()
                .satisfies(t -> assertThat(t).contains(": 2 new leads").contains("lead-u-1", "lead-u-2"));
    }

    /** The offer's latest record on notifier-digests: its state, or null for a tombstone or none. */
    private static Digest.State latestDigestRecord(String bootstrap, String offer) throws Exception {
        byte[] latest = null;
        for (ConsumerRecord<String, byte[]> r : TopicReader.readAll(bootstrap, Topics.NOTIFIER_DIGESTS)) {
            if (offer.equals(r.key())) {
                latest = r.value();
            }
        }
        return latest == null ? null : Json.MAPPER.readValue(latest, Digest.State.class);
    }

    private String log() {
        try {
            return Files.readString(work.resolve("notifier.out"));
        } catch (Exception e) {
            return "(no log)";
        }
    }
}
