package dev.leadpipe.bench.stages;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.leadpipe.bench.Bench;
import dev.leadpipe.bench.Figure;
import dev.leadpipe.bench.ServiceJvm;
import dev.leadpipe.bench.Stage;
import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.RoutedLead;
import dev.leadpipe.core.topic.TopicSpec;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.GroupOffsets;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * Stage 5: the notifier (from its jar) e-mailing one contact per lead for a backlog of routed leads on
 * {@code leads-routed}, through GreenMail (a real SMTP server in the bench JVM), against a bare Jakarta Mail loop that
 * sends over one connection to the same GreenMail (the server's own single-connection ceiling). Every lead must
 * arrive as exactly one e-mail naming its lead id, or the stage fails.
 */
public final class NotifierStage implements Stage {
    private static final int LEADS = 8_000;
    private static final int BASELINE_MESSAGES = 2_000;
    private static final String CONTACT = "leads@notify.bench.example";
    private static final Duration STALL = Duration.ofSeconds(30);
    /**
     * The slowest rate the stage waits for: below it the backlog would take most of the bench's time, so the stage
     * fails with the count and the rate so far once {@code leads / MIN_RATE} seconds (at least a minute) have passed.
     */
    private static final int MIN_RATE = 100;

    @Override
    public String title() {
        return "5. Notifier: e-mails/s to a local SMTP server";
    }

    @Override
    public String method() {
        return "The notifier (its runnable jar, default settings) e-mails the one contact of one per-lead offer for a"
                + " backlog of " + String.format("%,d", LEADS) + " routed leads written to `leads-routed` before it"
                + " starts (as the router writes them), through GreenMail's SMTP server in the bench JVM. Figure:"
                + " e-mails received per second between the first and the last. Baseline: a bare Jakarta Mail loop"
                + " sending " + String.format("%,d", BASELINE_MESSAGES) + " messages of the same size one after the"
                + " other over one SMTP connection to the same GreenMail. Every lead must arrive as exactly one"
                + " e-mail naming its lead id.";
    }

    @Override
    public List<Figure> run(Bench bench) throws Exception {
        int leads = Math.max(300, (int) Math.round(LEADS * bench.scale()));
        int baselineMessages = Math.max(200, (int) Math.round(BASELINE_MESSAGES * bench.scale()));
        String run = UUID.randomUUID().toString().substring(0, 8);
        String offer = "bench-notify.mail-" + run;
        String prefix = "bench-notify-" + run;
        String group = "bench-notifier-" + run;
        String bootstrap = bench.bootstrapServers();
        StageKafka.ensureTopics(bootstrap);
        GroupOffsets.atEnd(bootstrap, group, List.of(Topics.LEADS_ROUTED));
        GroupOffsets.atEnd(
                bootstrap,
                group + "-destination-notices",
                List.<TopicSpec<?, ?>>of(Topics.LEAD_OUTCOMES, Topics.LEAD_WAITING));

        GreenMail smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
        try {
            int port = smtp.getSmtp().getPort();
            double baseline = baseline(port, baselineMessages);
            bench.progress(String.format("notifier: baseline %,.0f e-mails/s over one connection", baseline));
            smtp.purgeEmailFromAllMailboxes();

            StageKafka.putDestinations(
                    bootstrap,
                    List.of(new LeadDestination(
                            offer,
                            DestinationType.HTTPS,
                            Map.of("url", "https://crm.bench.example/leads"),
                            List.of(CONTACT),
                            1,
                            Instant.now())));
            List<Map.Entry<String, RoutedLead>> records = new ArrayList<>(leads);
            Instant now = Instant.now();
            for (Lead lead : StageKafka.routableLeads(bench.leads(), prefix, List.of(offer), leads)) {
                records.add(
                        Map.entry(lead.leadId(), RoutedLead.of(lead, RoutedLead.Result.ROUTED, "https", null, 0, now)));
            }
            StageKafka.write(bootstrap, Topics.LEADS_ROUTED, records);
            bench.progress("notifier: " + leads + " routed leads on leads-routed; starting the notifier");

            ServiceJvm.ResourceUse use;
            Arrivals arrivals;
            try (ServiceJvm notifier = bench.start(
                    "notifier",
                    Map.of(
                            "NOTIFIER_SMTP_HOST",
                            "127.0.0.1",
                            "NOTIFIER_SMTP_PORT",
                            Integer.toString(port),
                            "NOTIFIER_GROUP_ID",
                            group),
                    "256m")) {
                arrivals = awaitMessages(smtp, leads, bench);
                use = notifier.use();
            }
            Set<String> ids = new HashSet<>();
            int duplicates = 0;
            Pattern id = Pattern.compile(Pattern.quote(prefix) + "-\\d+");
            for (MimeMessage m : smtp.getReceivedMessages()) {
                Matcher found = id.matcher(GreenMailUtil.getBody(m));
                if (found.find() && !ids.add(found.group())) {
                    duplicates++;
                }
            }
            if (ids.size() != leads || duplicates > 0) {
                throw new IllegalStateException("notifier: of " + leads + " leads, " + ids.size() + " were e-mailed, "
                        + duplicates + " e-mails repeated a lead");
            }
            double rate = (leads - 1) / Math.max(0.001, arrivals.seconds());
            bench.progress(String.format("notifier: %,.0f e-mails/s", rate));
            return List.of(new Figure(
                    "notifier, per-lead e-mails to one contact",
                    rate,
                    "e-mails/s",
                    "Jakarta Mail, one connection, sequential",
                    baseline,
                    "≥ 300 e-mails/s",
                    rate >= 300,
                    String.format(
                            "%,d e-mails in %.1f s; notifier JVM: peak heap %.0f MiB, %.1f s CPU",
                            leads, arrivals.seconds(), use.peakHeapMiB(), use.cpuSeconds())));
        } finally {
            smtp.stop();
        }
    }

    /** Seconds between the first e-mail and the one that made the count. */
    private record Arrivals(double seconds) {}

    /** Polls GreenMail until {@code expected} messages arrived; throws, with the count, when they stall. */
    private static Arrivals awaitMessages(GreenMail smtp, int expected, Bench bench) throws InterruptedException {
        long first = 0;
        long deadline = System.nanoTime() + Math.max(60, expected / MIN_RATE) * 1_000_000_000L;
        long lastProgress = System.nanoTime();
        long lastReport = System.nanoTime();
        int count = 0;
        while (true) {
            int now = smtp.getReceivedMessages().length;
            long t = System.nanoTime();
            if (now > 0 && first == 0) {
                first = t;
            }
            if (now >= expected) {
                return new Arrivals((t - first) / 1e9);
            }
            if (t > deadline) {
                throw new IllegalStateException(String.format(
                        "notifier: %d of %d e-mails arrived in %.0f s (%.0f e-mails/s); stopped waiting, below %d"
                                + " e-mails/s the backlog would take too long",
                        now, expected, (t - first) / 1e9, now / Math.max(0.001, (t - first) / 1e9), MIN_RATE));
            }
            if (now != count) {
                count = now;
                lastProgress = t;
            } else if (t - lastProgress > STALL.toNanos()) {
                throw new IllegalStateException("notifier: " + count + " of " + expected + " e-mails arrived; none for "
                        + STALL.toSeconds() + " s");
            }
            if (t - lastReport > 5_000_000_000L) {
                lastReport = t;
                bench.progress("notifier: " + count + " of " + expected + " e-mails");
            }
            Thread.sleep(50);
        }
    }

    /** Messages per second sent one after the other over one SMTP connection (a notifier-sized plain-text e-mail). */
    private static double baseline(int port, int messages) throws Exception {
        Properties p = new Properties();
        p.put("mail.transport.protocol", "smtp");
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", Integer.toString(port));
        Session session = Session.getInstance(p);
        InternetAddress to = new InternetAddress(CONTACT);
        String body = "A customer installed the offer (\"Get it now\").\n".repeat(16);
        long start = System.nanoTime();
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect();
            for (int i = 0; i < messages; i++) {
                MimeMessage m = new MimeMessage(session);
                m.setFrom(new InternetAddress("leads-noreply@leadpipe.local"));
                m.setRecipient(Message.RecipientType.TO, to);
                m.setSubject("New lead for bench.baseline (Get it now)", StandardCharsets.UTF_8.name());
                m.setText(body + "Lead id: baseline-" + i + "\n", StandardCharsets.UTF_8.name());
                m.saveChanges();
                transport.sendMessage(m, new InternetAddress[] {to});
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return messages / seconds;
    }
}
