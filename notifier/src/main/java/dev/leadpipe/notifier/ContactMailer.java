package dev.leadpipe.notifier;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands an offer's contacts one e-mail through {@link MailSender}, retrying a failed send with capped backoff, and
 * counts it sent or failed. Logs name what the e-mail is about and exception classes only, never an address or an
 * SMTP error message (it can echo addresses).
 *
 * @param keepTrying false once the notifier stops: a failed send is then not retried
 */
record ContactMailer(MailSender sender, NotifierMetrics metrics, BooleanSupplier keepTrying) {
    private static final Logger LOG = LoggerFactory.getLogger(ContactMailer.class);
    static final int SEND_ATTEMPTS = 3;
    static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

    /** The destination's contacts that are valid e-mail addresses. */
    static List<InternetAddress> contacts(LeadDestination destination) {
        return MailSender.addresses(destination.contactEmails());
    }

    /** The destination type for "where to find the lead"; null means it is not delivered. */
    static DestinationType deliveryType(LeadDestination destination) {
        return destination.type() == null || !destination.type().isDeliverable() ? null : destination.type();
    }

    /**
     * Sends, trying up to {@code attempts} times, and counts the e-mail.
     *
     * @param what for the log lines: "lead ..." or "the digest of offer ..."
     * @throws MailNotSent when every attempt failed
     */
    void send(
            NotifierMetrics.Kind kind, String what, List<InternetAddress> to, String subject, String body, int attempts)
            throws MailNotSent {
        try {
            sendWithRetries(what, to, subject, body, attempts);
            metrics.sent(kind);
        } catch (MailNotSent e) {
            metrics.failed(kind);
            throw e;
        }
    }

    private void sendWithRetries(String what, List<InternetAddress> to, String subject, String body, int attempts)
            throws MailNotSent {
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; ; attempt++) {
            try {
                sender.send(to, subject, body);
                return;
            } catch (MessagingException | RuntimeException e) {
                // the exception's message can echo addresses: its class only
                LOG.warn(
                        "sending the e-mail for {} failed (attempt {}/{}): {}",
                        what,
                        attempt,
                        attempts,
                        e.getClass().getName());
                if (attempt >= attempts || !keepTrying.getAsBoolean()) {
                    throw new MailNotSent();
                }
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MailNotSent();
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    /** Thrown when an e-mail could not be handed to SMTP after its attempts. */
    static final class MailNotSent extends Exception {
        MailNotSent() {
            super(null, null, false, false);
        }
    }
}
