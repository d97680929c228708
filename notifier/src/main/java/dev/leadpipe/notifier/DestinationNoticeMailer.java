package dev.leadpipe.notifier;

import java.util.List;
import java.util.Set;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one destination notice to an offer's contacts, one message per contact with only that contact's address, and
 * counts each message in {@value #NOTICES} ({@code leadpipe_notifier_destination_notices_total}, tags {@code kind}
 * failure/recovery and {@code result}: {@code sent} handed to the relay, {@code refused} the relay refused that
 * recipient for good (skipped, not retried), {@code failed} not sent now, tried again later). Every combination is
 * registered at 0; tags never carry an address or an offer. Logs name the offer and exception classes only, never an
 * address or an SMTP message (it can echo addresses).
 */
final class DestinationNoticeMailer {
    private static final Logger LOG = LoggerFactory.getLogger(DestinationNoticeMailer.class);
    static final String NOTICES = "leadpipe.notifier.destination.notices";

    /** Which notice. */
    enum Kind {
        FAILURE,
        RECOVERY;

        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final MailSender sender;
    private final MeterRegistry registry;

    DestinationNoticeMailer(MailSender sender, MeterRegistry registry) {
        this.sender = sender;
        this.registry = registry;
        for (Kind k : Kind.values()) {
            for (String result : List.of("sent", "refused", "failed")) {
                counter(k, result);
            }
        }
    }

    private Counter counter(Kind kind, String result) {
        return Counter.builder(NOTICES)
                .description("Destination failure and recovery e-mails, one per contact, by kind and result")
                .tag("kind", kind.tag())
                .tag("result", result)
                .register(registry);
    }

    /**
     * Sends the notice to each contact not in {@code done}, adding each one that the relay accepted or refused for
     * good to {@code done}.
     *
     * @return true when every contact is done; false when the relay could not be reached for some (try again later)
     */
    boolean send(
            Kind kind, String offerId, List<InternetAddress> contacts, String subject, String body, Set<String> done) {
        boolean complete = true;
        for (InternetAddress to : contacts) {
            String key = to.getAddress().toLowerCase(java.util.Locale.ROOT);
            if (done.contains(key)) {
                continue;
            }
            try {
                sender.send(to, subject, body);
                counter(kind, "sent").increment();
                done.add(key);
            } catch (MailSender.RecipientRefused e) {
                counter(kind, "refused").increment();
                LOG.warn("the relay refused a contact of offer {} for its {} notice; skipped", offerId, kind.tag());
                done.add(key);
            } catch (MessagingException | RuntimeException e) {
                complete = failed(kind, offerId, e);
            }
        }
        return complete;
    }

    private boolean failed(Kind kind, String offerId, Exception e) {
        counter(kind, "failed").increment();
        LOG.warn(
                "the {} notice of offer {} could not be sent to a contact now: {}",
                kind.tag(),
                offerId,
                e.getClass().getName());
        return false;
    }
}
