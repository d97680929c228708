package dev.leadpipe.notifier;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;

/**
 * Hands plain-text UTF-8 e-mails to the configured SMTP relay through Angus Mail, each message addressed To exactly
 * one recipient, so no contact ever sees another's address. Returns only once the relay accepted the message;
 * throws {@link RecipientRefused} when the relay refused the recipient for good (a 5xx answer to RCPT), and another
 * {@link MessagingException} for anything that may pass later (relay down, 4xx answers, timeouts).
 */
final class MailSender {
    private final NotifierConfig config;
    private final Session session;
    private final Clock clock;

    MailSender(NotifierConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        Properties p = new Properties();
        p.put("mail.transport.protocol", "smtp");
        p.put("mail.smtp.host", config.smtpHost());
        p.put("mail.smtp.port", Integer.toString(config.smtpPort()));
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.timeout", "30000");
        p.put("mail.smtp.writetimeout", "30000");
        p.put("mail.smtp.sendpartial", "true");
        if (config.smtpUser().isPresent()) {
            p.put("mail.smtp.auth", "true");
        }
        if (config.startTls()) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
        }
        this.session = Session.getInstance(p);
    }

    /** The contacts that parse as single e-mail addresses. */
    static List<InternetAddress> addresses(List<String> contacts) {
        List<InternetAddress> out = new ArrayList<>();
        for (String c : contacts) {
            if (c == null || c.isBlank()) {
                continue;
            }
            try {
                InternetAddress a = new InternetAddress(c.strip(), true);
                if (!a.isGroup()) {
                    out.add(a);
                }
            } catch (AddressException e) {
                // not an address: dropped; the caller counts them, never logs them
            }
        }
        return out;
    }

    /**
     * Sends one message to one recipient.
     *
     * @throws RecipientRefused  when the relay refused this recipient permanently (5xx to RCPT): sending again will not
     *                           help
     * @throws MessagingException when the message was not accepted for another reason (worth trying again)
     */
    void send(InternetAddress to, String subject, String body) throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(config.from()));
        message.setRecipient(MimeMessage.RecipientType.TO, to);
        message.setSubject(subject, StandardCharsets.UTF_8.name());
        message.setText(body, StandardCharsets.UTF_8.name(), "plain");
        message.setSentDate(Date.from(clock.instant()));
        message.setHeader("Auto-Submitted", "auto-generated");
        try {
            if (config.smtpUser().isPresent()) {
                Transport.send(
                        message, config.smtpUser().get(), config.smtpPassword().orElse(null));
            } else {
                Transport.send(message);
            }
        } catch (SendFailedException e) {
            Address[] sent = e.getValidSentAddresses();
            if (sent != null && sent.length > 0) {
                return;
            }
            if (refusedForGood(e)) {
                throw new RecipientRefused();
            }
            throw e;
        }
    }

    /** Whether the relay answered the recipient with a permanent (5xx) refusal. */
    private static boolean refusedForGood(SendFailedException e) {
        for (Exception next = e; next != null; ) {
            if (next instanceof SMTPAddressFailedException failed) {
                return failed.getReturnCode() >= 500 && failed.getReturnCode() < 600;
            }
            next = next instanceof MessagingException m ? m.getNextException() : null;
        }
        return false;
    }

    /**
     * The relay refused the recipient for good (a 5xx answer to RCPT TO). Carries no message: the relay's words can
     * echo the address.
     */
    static final class RecipientRefused extends MessagingException {
        RecipientRefused() {
            super("the relay refused the recipient");
        }
    }
}
