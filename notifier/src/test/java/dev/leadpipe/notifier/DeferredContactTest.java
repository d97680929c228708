package dev.leadpipe.notifier;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import dev.leadpipe.core.destination.NotificationMode;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.testing.Scrape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay answers one of an offer's two contacts with a temporary refusal (451) for a while: the other contact gets
 * the e-mail at once, the deferred one is counted {@code failed} and gets it once the relay accepts it again (the
 * lead is retried, not lost), and the contact already served is not mailed a second time.
 */
class DeferredContactTest {
    private static final String EMAILS = "leadpipe_notifier_emails_total";
    private static final String OFFER = "quokka.deferred";
    private static final String SERVED = "sales@quokka-pub.example";
    private static final String DEFERRED = "ops@quokka-pub.example";

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void aTemporarilyRefusedContactGetsTheMailLaterAndTheOtherOnlyOnce() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        NotifierLeads.publishDestinations(
                bootstrap,
                List.of(NotifierLeads.destination(OFFER, List.of(SERVED, DEFERRED), NotificationMode.PER_LEAD, 1)));
        NotifierLeads.publishLeads(bootstrap, List.of(NotifierLeads.lead("lead-deferred-1", OFFER, "INS")), 0);

        try (RefusingRelay relay = new RefusingRelay(Set.of());
                Ops ops = Ops.forService("notifier")) {
            relay.defer(DEFERRED);
            NotifierConfig config = NotifierConfig.of(bootstrap)
                    .withSmtp("127.0.0.1", relay.port())
                    .with(NotifierConfig.GROUP_ID, "notifier-deferred");
            try (Notifier notifier = Notifier.start(config, ops)) {
                Scrape failed = awaitScrape(ops, s -> s.value(EMAILS, "kind=lead", "result=failed") >= 1);
                assertThat(failed.value(EMAILS, "kind=lead", "result=sent")).isEqualTo(1);
                assertThat(relay.received())
                        .extracting(RefusingRelay.Received::recipients)
                        .containsExactly(List.of(SERVED));
                assertThat(notifier.leadsHandled())
                        .as("not committed while a contact is owed")
                        .isZero();

                relay.stopDeferring();
                assertThat(notifier.awaitLeadsHandled(1, Notifier.RETRY_LATER.plusSeconds(30)))
                        .isTrue();
                assertThat(relay.received())
                        .extracting(RefusingRelay.Received::recipients)
                        .containsExactly(List.of(SERVED), List.of(DEFERRED));
                Scrape done = Scrape.parse(ops.scrape());
                assertThat(done.value(EMAILS, "kind=lead", "result=sent")).isEqualTo(2);
                assertThat(done.value(EMAILS, "kind=lead", "result=failed")).isEqualTo(1);
                assertThat(done.value(EMAILS, "kind=lead", "result=refused")).isZero();
            }
        }
    }

    private static Scrape awaitScrape(Ops ops, java.util.function.Predicate<Scrape> done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Scrape s = Scrape.parse(ops.scrape());
        while (!done.test(s) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            s = Scrape.parse(ops.scrape());
        }
        return s;
    }
}
