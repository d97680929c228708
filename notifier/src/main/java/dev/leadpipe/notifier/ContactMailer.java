package dev.leadpipe.notifier;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BooleanSupplier;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands an e-mail to each of an offer's contacts through {@link MailSender}, one message per contact (no contact sees
 * another's address), and counts each message sent, failed or refused.
 *
 * <ul>
 *   <li>A contact the relay refuses for good ({@link MailSender.RecipientRefused}, a 5xx answer to RCPT) is counted
 *       {@code refused}, logged with what the e-mail is about and the address masked ({@link #mask}), and skipped: it
 *       is never retried and never holds up the other contacts or the next e-mails.</li>
 *   <li>Any other failure (relay down, 4xx, timeout) is retried, only for the contacts not yet served, with capped
 *       backoff; if some are still not served after the attempts it throws {@link MailNotSent}, and the contacts
 *       already served are in {@code served}, so a later try of the same e-mail sends only to the rest.</li>
 * </ul>
 * Logs name what the e-mail is about and exception classes only, never an address in full or an SMTP error message
 * (it can echo addresses).
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
     * An address as a log line may show it: the first character of the local part and of the domain, and the
     * top-level domain ({@code s***@q***.example}).
     */
    static String mask(String address) {
        if (address == null) {
            return "***";
        }
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            return "***";
        }
        String domain = address.substring(at + 1);
        int dot = domain.lastIndexOf('.');
        String tld = dot > 0 ? domain.substring(dot).toLowerCase(Locale.ROOT) : "";
        return address.charAt(0) + "***@" + domain.charAt(0) + "***" + tld;
    }

    /**
     * Sends the e-mail to each contact in its own message, trying up to {@code attempts} times; see the class
     * contract.
     *
     * @param what for the log lines: "lead ..." or "the digest of offer ..."
     * @throws MailNotSent when some contact could not be served after every attempt (not for refused contacts)
     */
    void send(
            NotifierMetrics.Kind kind, String what, List<InternetAddress> to, String subject, String body, int attempts)
            throws MailNotSent {
        send(kind, what, to, subject, body, attempts, new HashSet<>());
    }

    /**
     * {@link #send(NotifierMetrics.Kind, String, List, String, String, int)}, skipping the contacts in {@code served}
     * and adding each contact it sends to or that is refused.
     */
    void send(
            NotifierMetrics.Kind kind,
            String what,
            List<InternetAddress> to,
            String subject,
            String body,
            int attempts,
            Set<String> served)
            throws MailNotSent {
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; ; attempt++) {
            int failed = 0;
            String failure = null;
            for (InternetAddress a : to) {
                String address = a.getAddress();
                if (served.contains(address)) {
                    continue;
                }
                try {
                    sender.send(a, subject, body);
                    served.add(address);
                    metrics.sent(kind);
                } catch (MailSender.RecipientRefused e) {
                    served.add(address);
                    metrics.refused(kind);
                    LOG.warn("the relay refused contact {} for {}: skipped, not retried", mask(address), what);
                } catch (MessagingException | RuntimeException e) {
                    failed++;
                    // the exception's message can echo addresses: its class only
                    failure = e.getClass().getName();
                }
            }
            if (failed == 0) {
                return;
            }
            LOG.warn(
                    "sending the e-mail for {} failed for {} contact(s) (attempt {}/{}): {}",
                    what,
                    failed,
                    attempt,
                    attempts,
                    failure);
            if (attempt >= attempts || !keepTrying.getAsBoolean()) {
                for (int i = 0; i < failed; i++) {
                    metrics.failed(kind);
                }
                throw new MailNotSent();
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

    /** Thrown when an e-mail could not be handed to SMTP for some contact after its attempts. */
    static final class MailNotSent extends Exception {
        MailNotSent() {
            super(null, null, false, false);
        }
    }
}
