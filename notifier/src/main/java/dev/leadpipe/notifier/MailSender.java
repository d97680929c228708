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

/**
 * Hands one plain-text UTF-8 e-mail to the configured SMTP relay through Angus Mail, addressed To every given
 * contact in one message. Contacts that are not valid addresses are dropped (counted, never named). Returns only
 * once the relay accepted the message for at least one recipient; otherwise throws.
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
     * Sends the message.
     *
     * @throws MessagingException when the relay did not accept it for any recipient
     */
    void send(List<InternetAddress> to, String subject, String body) throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(config.from()));
        message.setRecipients(MimeMessage.RecipientType.TO, to.toArray(new Address[0]));
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
            if (sent == null || sent.length == 0) {
                throw e;
            }
            // some recipients were refused, the others have the message: handed to SMTP
        }
    }
}
