package dev.leadpipe.notifier;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.Deque;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Semaphore;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands plain-text UTF-8 e-mails to the configured SMTP relay through Angus Mail, each message addressed To exactly
 * one recipient, so no contact ever sees another's address. Returns only once the relay accepted the message;
 * throws {@link RecipientRefused} when the relay refused the recipient for good (a 5xx answer to RCPT), and another
 * {@link MessagingException} for anything that may pass later (relay down, 4xx answers, timeouts).
 *
 * <p>Connections: at most {@code connections} SMTP connections are open at once, each kept open and used for many
 * messages (one {@link #send} at a time each; a caller beyond that waits for a free one). A connection that fails is
 * closed and a new one opened for the next message; a connection idle for longer than {@link #CHECK_AFTER} is checked
 * (NOOP) before it is used again, and one found closed by the relay is replaced, the message then going over the new
 * one. {@link #closeIdle()} closes the connections idle for longer than {@link #IDLE_CLOSE}; {@link #close()} closes
 * them all. Safe for use by many threads.
 */
final class MailSender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MailSender.class);
    /** A connection idle for longer than this is closed by {@link #closeIdle()}. */
    static final Duration IDLE_CLOSE = Duration.ofSeconds(30);
    /** A connection idle for longer than this is checked with a NOOP before it carries a message. */
    static final Duration CHECK_AFTER = Duration.ofSeconds(2);

    /** The {@link Connection#lastUsed()} of a connection just opened. */
    private static final long NEW = Long.MIN_VALUE;

    private final NotifierConfig config;
    private final Session session;
    private final Clock clock;
    private final InternetAddress from;
    private final Semaphore permits;
    /** The open connections nobody is using, most recently used first. */
    private final Deque<Connection> idle = new ArrayDeque<>();

    private boolean closed;
    private long opened;

    /** One open SMTP connection and when it was last used ({@link System#nanoTime()}). */
    private record Connection(Transport transport, long lastUsed) {}

    /** A sender over at most {@link NotifierConfig#smtpConnections()} connections. */
    MailSender(NotifierConfig config, Clock clock) {
        this(config, clock, config.smtpConnections());
    }

    /** A sender over at most {@code connections} connections. */
    MailSender(NotifierConfig config, Clock clock, int connections) {
        this.config = config;
        this.clock = clock;
        this.permits = new Semaphore(connections, true);
        Properties p = new Properties();
        p.put("mail.transport.protocol", "smtp");
        p.put("mail.smtp.host", config.smtpHost());
        p.put("mail.smtp.port", Integer.toString(config.smtpPort()));
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.timeout", "30000");
        p.put("mail.smtp.writetimeout", "30000");
        p.put("mail.smtp.sendpartial", "true");
        p.put("mail.smtp.quitwait", "false");
        if (config.smtpUser().isPresent()) {
            p.put("mail.smtp.auth", "true");
        }
        if (config.startTls()) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
        }
        this.session = Session.getInstance(p);
        try {
            this.from = new InternetAddress(config.from());
        } catch (AddressException e) {
            throw new IllegalArgumentException("NOTIFIER_FROM is not an address", null);
        }
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
     * Sends one message to one recipient over one of the open connections (or a new one).
     *
     * @throws RecipientRefused  when the relay refused this recipient permanently (5xx to RCPT): sending again will not
     *                           help
     * @throws MessagingException when the message was not accepted for another reason (worth trying again)
     */
    void send(InternetAddress to, String subject, String body) throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(from);
        message.setRecipient(MimeMessage.RecipientType.TO, to);
        message.setSubject(subject, StandardCharsets.UTF_8.name());
        message.setText(body, StandardCharsets.UTF_8.name(), "plain");
        message.setSentDate(Date.from(clock.instant()));
        message.setHeader("Auto-Submitted", "auto-generated");
        message.saveChanges();
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MessagingException("interrupted while waiting for an SMTP connection");
        }
        try {
            for (boolean retried = false; ; retried = true) {
                Connection c = take();
                try {
                    c.transport().sendMessage(message, message.getAllRecipients());
                    give(c.transport());
                    return;
                } catch (MessagingException | RuntimeException e) {
                    if (!retried && c.lastUsed() != NEW && !(e instanceof SendFailedException f && answered(f))) {
                        if (!c.transport().isConnected()) {
                            // the relay closed a connection we reused: the message goes over a new one, once
                            LOG.debug("an SMTP connection was closed by the relay: the message goes over a new one");
                            quietlyClose(c.transport());
                            continue;
                        }
                    }
                    if (e instanceof SendFailedException f && answered(f)) {
                        give(c.transport());
                        Address[] sent = f.getValidSentAddresses();
                        if (sent != null && sent.length > 0) {
                            return;
                        }
                        if (refusedForGood(f)) {
                            throw new RecipientRefused();
                        }
                        throw f;
                    }
                    quietlyClose(c.transport());
                    throw e;
                }
            }
        } finally {
            permits.release();
        }
    }

    /** Whether the relay answered the recipient (accepted it, or refused it with a code): the connection works. */
    private static boolean answered(SendFailedException e) {
        Address[] sent = e.getValidSentAddresses();
        if (sent != null && sent.length > 0) {
            return true;
        }
        for (Exception next = e; next != null; ) {
            if (next instanceof SMTPAddressFailedException) {
                return true;
            }
            next = next instanceof MessagingException m ? m.getNextException() : null;
        }
        return false;
    }

    /**
     * An open connection: the most recently used idle one (checked first when idle for longer than
     * {@link #CHECK_AFTER}), else a new one, whose {@link Connection#lastUsed()} is {@link #NEW}. Called holding a permit.
     */
    private Connection take() throws MessagingException {
        while (true) {
            Connection c;
            synchronized (this) {
                if (closed) {
                    throw new MessagingException("the notifier is stopping");
                }
                c = idle.pollFirst();
            }
            if (c == null) {
                return new Connection(open(), NEW);
            }
            if (System.nanoTime() - c.lastUsed() < CHECK_AFTER.toNanos()
                    || c.transport().isConnected()) {
                return c;
            }
            LOG.debug("an SMTP connection was closed by the relay while idle: replaced");
            quietlyClose(c.transport());
        }
    }

    private Transport open() throws MessagingException {
        Transport transport = session.getTransport("smtp");
        if (config.smtpUser().isPresent()) {
            transport.connect(config.smtpUser().get(), config.smtpPassword().orElse(null));
        } else {
            transport.connect();
        }
        synchronized (this) {
            opened++;
        }
        return transport;
    }

    /** Puts a connection back for the next message, or closes it when it is no longer connected or we are closed. */
    private void give(Transport transport) {
        synchronized (this) {
            if (!closed) {
                idle.addFirst(new Connection(transport, System.nanoTime()));
                return;
            }
        }
        quietlyClose(transport);
    }

    /** How many SMTP connections were opened so far. */
    synchronized long connectionsOpened() {
        return opened;
    }

    /** Closes the connections idle for longer than {@link #IDLE_CLOSE}. */
    void closeIdle() {
        long now = System.nanoTime();
        List<Connection> stale = new ArrayList<>();
        synchronized (this) {
            idle.removeIf(c -> {
                if (now - c.lastUsed() > IDLE_CLOSE.toNanos()) {
                    stale.add(c);
                    return true;
                }
                return false;
            });
        }
        stale.forEach(c -> quietlyClose(c.transport()));
    }

    /** Closes every idle connection; a connection in use is closed when its message is done. */
    @Override
    public void close() {
        List<Connection> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(idle);
            idle.clear();
        }
        all.forEach(c -> quietlyClose(c.transport()));
    }

    private static void quietlyClose(Transport transport) {
        try {
            transport.close();
        } catch (MessagingException | RuntimeException e) {
            // already broken: nothing to tell
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
