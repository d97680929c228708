package dev.leadpipe.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import dev.leadpipe.ingest.IngestService;
import dev.leadpipe.leadctl.Leadctl;
import jakarta.mail.internet.MimeMessage;
import picocli.CommandLine;

/**
 * What {@code bin/run-local} prints once the sample feed's table is out: the contact e-mails the local SMTP server
 * received, {@code leadctl dlq list} and {@code leadctl status} against the running pipeline, where every service
 * serves its metrics, and how to go on (fix the broken table offer's key, written to
 * {@code .leadpipe/fix-<offer>.json}, and replay its dead letters; post more leads). Ids, offers and error classes
 * only, never customer data or secrets.
 *
 * @param ops the ops servers of the in-process services other than ingest and status, by service
 * @param tableConnectionString the local Azurite's connection string, the fix for the offer with a wrong key
 */
record LocalRunReport(
        String bootstrap,
        String ingestUrl,
        String statusUrl,
        Map<String, LocalOps> ops,
        GreenMail smtp,
        String tableConnectionString) {
    /** The sample offer whose table destination has a wrong account key. */
    private static final String BAD_KEY_OFFER = "northwind.table-badkey-offer";

    void print() throws Exception {
        printNotifications();
        System.out.println();
        System.out.println("$ bin/leadctl dlq list");
        new CommandLine(new Leadctl()).execute("--bootstrap-servers", bootstrap, "dlq", "list");
        System.out.println();
        System.out.println("$ bin/leadctl status        (also at " + statusUrl + "/ in a browser)");
        Thread.sleep(1_000); // the status service folds the outcomes just printed
        new CommandLine(new Leadctl()).execute("status", "--status-url", statusUrl);
        System.out.println();
        System.out.println("Operations: every service serves /metrics (Prometheus), /health/live and /health/ready"
                + " (ingest's and status's /metrics need a metrics:read or operator key):");
        System.out.printf("  %-16s %s/metrics%n", IngestService.SERVICE, ingestUrl);
        ops.forEach((service, local) -> System.out.printf("  %-16s %s/metrics%n", service, local.baseUrl()));
        System.out.printf("  %-16s %s/metrics%n", "status", statusUrl);
        System.out.println("  Scrape them with deploy/monitoring/prometheus.yml (the default ports) and import"
                + " deploy/monitoring/grafana/leadpipe-dashboard.json.");
        System.out.println();
        System.out.println("Still serving (bin/leadctl finds this broker through .leadpipe/bootstrap-servers).");
        Path fix = Path.of(".leadpipe", "fix-" + BAD_KEY_OFFER + ".json");
        Files.writeString(
                fix, "{\"type\":\"table\",\"settings\":{\"connectionString\":\"" + tableConnectionString + "\"}}\n");
        System.out.println("Fix the broken table offer's key, then replay its dead-lettered leads:");
        System.out.println("  curl -X PUT -H \"Authorization: Bearer $(cat " + LocalKeys.TOKEN_FILE
                + ")\" -H 'Content-Type: application/json' --data @" + fix + " " + ingestUrl
                + "/v1/offers/" + BAD_KEY_OFFER + "/lead-destination");
        System.out.println("  bin/leadctl dlq replay --class TABLE_AUTH_FAILED --yes");
        System.out.println("Post more leads, e.g.:");
        System.out.println("  curl -i -H \"Authorization: Bearer $(cat " + LocalKeys.KEYS_DIR
                + "/feed)\" -H 'Content-Type: application/json' -d '{\"LeadSource\":\"AzureMarketplace-INS|contoso.table-offer\",\"UserDetails\":{\"FirstName\":\"Zoe\",\"Email\":\"zoe@example.com\"}}' "
                + ingestUrl + "/v1/leads");
        System.out.println(
                "From now on every new outcome is printed below as it happens (marked 'now'). Ctrl-C stops everything.");
    }

    /** What the local SMTP server received: one line per e-mail, and the body of the first one about a .edu lead. */
    private void printNotifications() throws Exception {
        smtp.waitForIncomingEmail(3_000, 1);
        MimeMessage[] mails = smtp.getReceivedMessages();
        Map<String, MimeMessage> unique = new LinkedHashMap<>();
        for (MimeMessage m : mails) {
            unique.putIfAbsent(m.getMessageID(), m); // GreenMail keeps one copy per recipient
        }
        System.out.println();
        System.out.println("Contact notifications received by the local SMTP server: " + unique.size()
                + " e-mails (one per lead with contacts; ids, action and where to find the lead, no customer data):");
        String eduBody = null;
        for (MimeMessage m : unique.values()) {
            System.out.println("  " + m.getSubject());
            String body = GreenMailUtil.getBody(m);
            if (eduBody == null && body.contains(".edu")) {
                eduBody = body;
            }
        }
        if (eduBody != null) {
            System.out.println("The one about a .edu lead reads:");
            eduBody.lines().forEach(line -> System.out.println("  | " + line));
        }
    }
}
