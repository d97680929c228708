package dev.leadpipe.notifier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.leadpipe.core.destination.NotificationMode;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * E-mails per second from the notifier to a local GreenMail, against two bare Jakarta Mail loops to the same GreenMail
 * in the same run: one connection per message ({@code Transport.send}) and one reused connection (GreenMail's own
 * ceiling for one sender). Run with {@code -Dbenchmarks=true} ({@code -Dbenchmark.leads=N}, default 3,000, one contact
 * each); prints the figures, asserts only that every e-mail arrived.
 */
class NotifierThroughputBenchmark {
    static final int LEADS = Integer.getInteger("benchmark.leads", 3_000);
    static final int BARE = Integer.getInteger("benchmark.bare", 1_000);
    static final String OFFER = "quokka.benchmark";

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final GreenMailExtension MAIL = NotifierLeads.smtp();

    @Test
    void emailsPerSecondToGreenMail() throws Exception {
        assumeTrue(Boolean.getBoolean("benchmarks"), "benchmarks run with -Dbenchmarks=true");
        String bootstrap = KAFKA.bootstrapServers();
        NotifierLeads.publishDestinations(
                bootstrap,
                List.of(NotifierLeads.destination(
                        OFFER, List.of("sales@quokka-pub.example"), NotificationMode.PER_LEAD, 1)));
        List<Lead> leads = new ArrayList<>();
        for (int i = 0; i < LEADS; i++) {
            leads.add(NotifierLeads.lead("bench-" + i, OFFER, "INS"));
        }
        NotifierLeads.publishLeads(bootstrap, leads, 0);

        double perMessage = bare(false);
        double reused = bare(true);
        MAIL.purgeEmailFromAllMailboxes();

        NotifierConfig config = NotifierLeads.config(bootstrap, MAIL, "notifier-benchmark");
        long started;
        long took;
        try (Notifier notifier = Notifier.start(config)) {
            started = System.nanoTime();
            assertThat(notifier.awaitLeadsHandled(LEADS, Duration.ofMinutes(10)))
                    .isTrue();
            took = System.nanoTime() - started;
        }
        assertThat(MAIL.getReceivedMessages()).hasSize(LEADS);
        double notifier = LEADS / (took / 1e9);
        System.out.printf(
                "NOTIFIER BENCHMARK: notifier %.0f e-mails/s (%d leads, 1 contact each, %s); bare Transport.send per"
                        + " message %.0f/s; bare loop over one reused connection %.0f/s; notifier/reused %.2f%n",
                notifier,
                LEADS,
                config.toString().replaceAll(".*(smtpConnections=[0-9]+).*", "$1"),
                perMessage,
                reused,
                notifier / reused);
    }

    /** Messages per second of a bare Jakarta Mail loop to GreenMail: one connection per message, or one reused. */
    private static double bare(boolean reuse) throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", Integer.toString(MAIL.getSmtp().getPort()));
        Session session = Session.getInstance(p);
        Transport transport = session.getTransport("smtp");
        if (reuse) {
            transport.connect();
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < BARE; i++) {
            MimeMessage m = new MimeMessage(session);
            m.setFrom(new InternetAddress("leads-noreply@leadpipe.local"));
            m.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress("bare@quokka-pub.example"));
            m.setSubject("bare " + i, "UTF-8");
            m.setText("a bare message of about the size of a lead notification ".repeat(20), "UTF-8", "plain");
            if (reuse) {
                m.saveChanges();
                transport.sendMessage(m, m.getAllRecipients());
            } else {
                Transport.send(m);
            }
        }
        long took = System.nanoTime() - t0;
        if (reuse) {
            transport.close();
        }
        return BARE / (took / 1e9);
    }
}
