package dev.leadpipe.local;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import dev.leadpipe.core.KafkaConnection;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.UserDetails;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local run's report of each lead's fate, as {@code bin/run-local} prints it: a lead routed to a delivery topic
 * waits for its sink, then its outcome replaces that; a dead-letter record and its outcome are one fate (reported once,
 * with the fuller detail); a late delivery-topic record never hides a terminal outcome.
 */
class OutcomeWatcherTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final String OFFER = "contoso.watched";

    @Test
    void eachLeadsLatestFateIsReportedOncePerChange() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        List<LeadFate> reported = new CopyOnWriteArrayList<>();
        try (OutcomeWatcher watcher = new OutcomeWatcher(KafkaConnection.plaintext(bootstrap), reported::add)) {
            TopicWriter.write(bootstrap, Topics.DELIVERIES_HTTPS, List.of(lead("lead-w-1")), Lead::leadId, Map.of());
            LeadFate routed = await(watcher, "lead-w-1", f -> true);
            assertThat(routed.what()).isEqualTo("ROUTED");
            assertThat(routed.detail()).isEqualTo("on deliveries.https, waiting for sink-https");

            TopicWriter.write(
                    bootstrap,
                    Topics.LEAD_OUTCOMES,
                    List.of(Outcome.delivered(
                            "lead-w-1",
                            OFFER,
                            DestinationType.HTTPS.wireName(),
                            "run-7",
                            2,
                            15,
                            false,
                            0,
                            Instant.now())),
                    Outcome::leadId,
                    Map.of());
            LeadFate delivered = await(watcher, "lead-w-1", LeadFate::terminal);
            assertThat(delivered.what()).isEqualTo("DELIVERED");
            assertThat(delivered.detail()).isEqualTo("to https as run-7 after 2 attempt(s)");

            TopicWriter.write(
                    bootstrap,
                    Topics.LEADS_DLQ,
                    List.of("{}".getBytes(StandardCharsets.UTF_8)),
                    v -> "lead-w-2",
                    Map.of(
                            DeadLetterHeaders.LEAD_ID,
                            "lead-w-2",
                            DeadLetterHeaders.OFFER_ID,
                            OFFER,
                            DeadLetterHeaders.ERROR_CLASS,
                            "NO_DESTINATION_CONFIGURED",
                            DeadLetterHeaders.REMEDIATION,
                            "configure one, then replay"));
            LeadFate deadLettered = await(watcher, "lead-w-2", f -> true);
            assertThat(deadLettered.what()).isEqualTo("DEAD_LETTERED");
            assertThat(deadLettered.detail()).isEqualTo("NO_DESTINATION_CONFIGURED: configure one, then replay");

            TopicWriter.write(
                    bootstrap,
                    Topics.LEAD_OUTCOMES,
                    List.of(Outcome.deadLettered(
                            "lead-w-2",
                            OFFER,
                            null,
                            ErrorClass.NO_DESTINATION_CONFIGURED,
                            null,
                            false,
                            0,
                            Instant.now(),
                            null)),
                    Outcome::leadId,
                    Map.of());
            TopicWriter.write(
                    bootstrap,
                    Topics.LEAD_OUTCOMES,
                    List.of(Outcome.sentUnconfirmed(
                            "lead-w-4", OFFER, "salesforce", 1, 20, false, 0, Instant.now(), "sent, not confirmed")),
                    Outcome::leadId,
                    Map.of());
            LeadFate unconfirmed = await(watcher, "lead-w-4", LeadFate::terminal);
            assertThat(unconfirmed.what()).isEqualTo("SENT_UNCONFIRMED");
            assertThat(unconfirmed.detail()).isEqualTo("sent to salesforce, which cannot confirm it kept the lead");

            // a later routing record of the delivered lead must not bring it back to ROUTED
            TopicWriter.write(bootstrap, Topics.DELIVERIES_HTTPS, List.of(lead("lead-w-1")), Lead::leadId, Map.of());
            TopicWriter.write(bootstrap, Topics.DELIVERIES_HTTPS, List.of(lead("lead-w-3")), Lead::leadId, Map.of());
            await(watcher, "lead-w-3", f -> true);
            Thread.sleep(1_000); // the watcher reads three topics: give the other two records time to arrive too

            assertThat(watcher.fate("lead-w-1").what()).isEqualTo("DELIVERED");
            assertThat(watcher.fate("lead-w-2").detail())
                    .as("the fuller detail of the two")
                    .isEqualTo("NO_DESTINATION_CONFIGURED: configure one, then replay");
        }
        assertThat(reported)
                .extracting(f -> f.leadId() + " " + f.what())
                .containsExactly(
                        "lead-w-1 ROUTED",
                        "lead-w-1 DELIVERED",
                        "lead-w-2 DEAD_LETTERED",
                        "lead-w-4 SENT_UNCONFIRMED",
                        "lead-w-3 ROUTED");
    }

    private static Lead lead(String leadId) {
        UserDetails user = new UserDetails("Ana", "Lima", "ana@contoso.example", null, "BR", "Contoso", null, Map.of());
        return new Lead(
                leadId,
                OFFER,
                Instant.parse("2026-11-24T08:15:30Z"),
                false,
                user,
                "AzureMarketplace-INS|" + OFFER,
                "INS",
                "Contoso Watched",
                null,
                Map.of());
    }

    private static LeadFate await(OutcomeWatcher watcher, String leadId, Predicate<LeadFate> matches)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            LeadFate fate = watcher.fate(leadId);
            if (fate != null && matches.test(fate)) {
                return fate;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no matching fate of " + leadId + " within 30 s: " + watcher.fate(leadId));
    }
}
