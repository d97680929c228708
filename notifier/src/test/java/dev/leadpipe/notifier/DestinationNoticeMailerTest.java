package dev.leadpipe.notifier;

import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.mail.internet.InternetAddress;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A destination notice against a relay that refuses one contact for good (550) and defers another (451): the refused
 * one is counted and skipped for good, the deferred one is tried again, the others get theirs at once.
 */
class DestinationNoticeMailerTest {
    private static final String KEPT = "ops@contoso.example";
    private static final String REFUSED = "gone@contoso.example";
    private static final String DEFERRED = "later@contoso.example";

    @Test
    void aRefusedContactIsSkippedForGoodAndADeferredOneTriedAgain() throws Exception {
        try (RefusingRelay relay = new RefusingRelay(Set.of(REFUSED))) {
            relay.defer(DEFERRED);
            NotifierConfig config = NotifierConfig.of("127.0.0.1:9").withSmtp("127.0.0.1", relay.port());
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            DestinationNoticeMailer mailer =
                    new DestinationNoticeMailer(new MailSender(config, Clock.systemUTC()), registry);
            List<InternetAddress> contacts =
                    List.of(new InternetAddress(KEPT), new InternetAddress(REFUSED), new InternetAddress(DEFERRED));
            Set<String> done = new HashSet<>();

            boolean complete = mailer.send(
                    DestinationNoticeMailer.Kind.FAILURE, "contoso.crm-offer", contacts, "subject", "body", done);

            assertThat(complete)
                    .as("the deferred contact is still owed its notice")
                    .isFalse();
            assertThat(done).containsExactlyInAnyOrder(KEPT, REFUSED);
            assertThat(count(registry, "sent")).isEqualTo(1);
            assertThat(count(registry, "refused")).isEqualTo(1);
            assertThat(count(registry, "failed")).isEqualTo(1);

            relay.stopDeferring();
            complete = mailer.send(
                    DestinationNoticeMailer.Kind.FAILURE, "contoso.crm-offer", contacts, "subject", "body", done);

            assertThat(complete).isTrue();
            assertThat(relay.received())
                    .extracting(RefusingRelay.Received::recipients)
                    .containsExactlyInAnyOrder(List.of(KEPT), List.of(DEFERRED));
            assertThat(count(registry, "refused")).as("never tried again").isEqualTo(1);
            assertThat(count(registry, "sent")).isEqualTo(2);
        }
    }

    private static double count(SimpleMeterRegistry registry, String result) {
        return registry.get(DestinationNoticeMailer.NOTICES)
                .tag("kind", "failure")
                .tag("result", result)
                .counter()
                .count();
    }
}
