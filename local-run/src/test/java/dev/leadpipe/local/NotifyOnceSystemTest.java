package dev.leadpipe.local;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.destination.NotificationMode;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.RoutedLead;
import dev.leadpipe.core.lead.UserDetails;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicReader;
import dev.leadpipe.kafka.testing.TopicWriter;
import dev.leadpipe.notifier.Notifier;
import dev.leadpipe.notifier.NotifierConfig;
import dev.leadpipe.router.RouterApp;
import dev.leadpipe.router.RouterConfig;
import jakarta.mail.internet.MimeMessage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The router and the notifier on a real broker: a lead written twice to {@code leads} (a resubmission: same leadId,
 * same content) is routed once, so {@code leads-routed} holds it once and the offer's contact gets one e-mail for it,
 * while a different lead after it is mailed too (so the wait for a second e-mail is not a wait for nothing).
 */
class NotifyOnceSystemTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    private static final String OFFER = "quokka.notify-once";
    private static final String CONTACT = "sales@quokka-pub.example";
    private static final Instant RECEIVED = Instant.parse("2026-11-24T08:15:30Z");

    @Test
    void aResubmittedLeadIsMailedOnce() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        TopicWriter.writeDestinations(
                bootstrap,
                List.of(new LeadDestination(
                        OFFER,
                        DestinationType.HTTPS,
                        Map.of("url", "https://receiver.quokka-pub.example/leads"),
                        List.of(CONTACT),
                        1,
                        RECEIVED,
                        NotificationMode.PER_LEAD)));
        try (RouterApp router = RouterApp.start(
                        RouterConfig.of(bootstrap).with(RouterConfig.STATE_DIR, Files.createTempDirectory("router-")));
                Notifier notifier = Notifier.start(NotifierConfig.of(bootstrap)
                        .withSmtp("127.0.0.1", SMTP.getSmtp().getPort())
                        .with(NotifierConfig.GROUP_ID, "notify-once"))) {
            assertThat(router.awaitDestination(OFFER, 1, Duration.ofSeconds(30)))
                    .isTrue();
            TopicWriter.writeLeads(bootstrap, Topics.LEADS, List.of(lead("lead-twice")), 0);
            TopicWriter.writeLeads(bootstrap, Topics.LEADS, List.of(lead("lead-twice")), 0);
            TopicWriter.writeLeads(bootstrap, Topics.LEADS, List.of(lead("lead-after")), 0);

            assertThat(SMTP.waitForIncomingEmail(30_000, 2)).isTrue();
            assertThat(SMTP.waitForIncomingEmail(3_000, 3))
                    .as("no second e-mail for the resubmitted lead")
                    .isFalse();
        }
        MimeMessage[] received = SMTP.getReceivedMessages();
        assertThat(received).hasSize(2);
        assertThat(GreenMailUtil.getBody(received[0]) + GreenMailUtil.getBody(received[1]))
                .containsOnlyOnce("lead-twice")
                .containsOnlyOnce("lead-after");
        List<ConsumerRecord<String, RoutedLead>> routed = TopicReader.readAll(bootstrap, Topics.LEADS_ROUTED);
        assertThat(routed).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("lead-twice", "lead-after");
    }

    private static Lead lead(String leadId) {
        UserDetails user = new UserDetails(
                "Meiling",
                "Xanthopoulos",
                "meiling.x@quokkasoft.example",
                "+886 2 1234 5678",
                "TW",
                "Quokkasoft",
                "CQO",
                Map.of());
        return new Lead(
                leadId,
                OFFER,
                RECEIVED,
                false,
                user,
                "AzureMarketplace-INS|" + OFFER,
                "INS",
                "Quokka Widget SaaS",
                "wants a demo",
                Map.of());
    }
}
