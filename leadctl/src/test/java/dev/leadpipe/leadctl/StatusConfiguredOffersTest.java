package dev.leadpipe.leadctl;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.destination.types.SalesforceSpec;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.UserDetails;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicWriter;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.testing.TestKeys;
import dev.leadpipe.status.StatusConfig;
import dev.leadpipe.status.StatusService;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed's "why no leads?", answered by {@code leadctl status} against a real status service on a real (embedded)
 * broker: an offer configured in {@code lead-destinations} with no lead yet is AWAITING_LEADS, "configured, waiting for
 * leads" (not unknown); one whose destination was deleted before any lead is unknown again (no ghost); one whose only
 * leads came from .edu customers says so; one whose destination records do-not-contact leads ({@code record-only})
 * counts them apart from its .edu leads; a Web-to-Lead offer counts its leads "sent, not confirmed", not delivered.
 */
class StatusConfiguredOffersTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String AWAITING = "contoso-" + RUN + ".new-offer";
    private static final String DELETED = "litware-" + RUN + ".gone";
    private static final String EDU = "school-" + RUN + ".campus";
    private static final String W2L = "fabrikam-" + RUN + ".w2l";
    private static final String DNC = "northwind-" + RUN + ".records";
    /** An offer whose destination lands in the same partition of lead-destinations as DELETED's. */
    private static final String SENTINEL = samePartitionAs(DELETED);

    private static final Instant T = Instant.now().minusSeconds(600).truncatedTo(ChronoUnit.MILLIS);
    private static final Instant SAVED = T.minusSeconds(3600).truncatedTo(ChronoUnit.SECONDS);

    private static Ops ops;
    private static StatusService status;
    private static String url;
    private static String key;

    @BeforeAll
    static void start() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        TopicWriter.writeDestinations(
                bootstrap,
                List.of(
                        webToLead(AWAITING),
                        webToLead(DELETED),
                        new LeadDestination(
                                EDU,
                                DestinationType.HTTPS,
                                Map.of("url", "https://hooks.school.example/leads"),
                                List.of("sales@school.example"),
                                1,
                                SAVED),
                        new LeadDestination(
                                DNC,
                                DestinationType.HTTPS,
                                Map.of(
                                        "url",
                                        "https://hooks.northwind.example/leads",
                                        "doNotContactLeads",
                                        "record-only"),
                                List.of("sales@northwind.example"),
                                1,
                                SAVED),
                        webToLead(W2L)));
        TopicWriter.writeTombstones(bootstrap, Topics.LEAD_DESTINATIONS, List.of(DELETED));
        // written after the tombstone to its partition: once the service shows it, the tombstone was folded too
        TopicWriter.writeDestinations(bootstrap, List.of(webToLead(SENTINEL)));
        TopicWriter.writeLeads(
                bootstrap,
                Topics.LEADS,
                List.of(
                        lead("e-1-" + RUN, EDU, T),
                        lead("e-2-" + RUN, EDU, T.plusSeconds(1)),
                        lead("e-3-" + RUN, EDU, T.plusSeconds(2)),
                        lead("w-1-" + RUN, W2L, T),
                        lead("w-2-" + RUN, W2L, T.plusSeconds(1)),
                        lead("n-1-" + RUN, DNC, T),
                        lead("n-2-" + RUN, DNC, T.plusSeconds(1)),
                        lead("n-3-" + RUN, DNC, T.plusSeconds(2))),
                0);
        TopicWriter.write(
                bootstrap,
                Topics.LEAD_OUTCOMES,
                List.of(
                        Outcome.suppressed("e-1-" + RUN, EDU, false, 0, T.plusSeconds(1)),
                        Outcome.suppressed("e-2-" + RUN, EDU, false, 0, T.plusSeconds(2)),
                        Outcome.suppressed("e-3-" + RUN, EDU, false, 0, T.plusSeconds(3)),
                        unconfirmed("w-1-" + RUN, T.plusSeconds(2)),
                        unconfirmed("w-2-" + RUN, T.plusSeconds(3)),
                        Outcome.suppressed("n-1-" + RUN, DNC, false, 0, T.plusSeconds(1)),
                        notContacted("n-2-" + RUN, T.plusSeconds(2)),
                        notContacted("n-3-" + RUN, T.plusSeconds(3))),
                Outcome::leadId,
                Map.of());
        key = TestKeys.operator(bootstrap);
        ops = Ops.forService("status");
        status = StatusService.start(
                StatusConfig.of(bootstrap)
                        .with(StatusConfig.APPLICATION_ID, "leadctl-status-configured-" + RUN)
                        .with(StatusConfig.STATE_DIR, Files.createTempDirectory("leadctl-status-configured-"))
                        .with(StatusConfig.PORT, 0),
                ops);
        url = "http://127.0.0.1:" + status.port();
    }

    @AfterAll
    static void stop() {
        if (status != null) {
            status.close();
        }
        if (ops != null) {
            ops.close();
        }
    }

    private static LeadDestination webToLead(String offer) {
        return new LeadDestination(
                offer,
                DestinationType.SALESFORCE,
                Map.of(SalesforceSpec.ORGANIZATION_ID, "00D5g000004XyZaEAK"),
                List.of("sales@contoso.example"),
                1,
                SAVED);
    }

    private static String samePartitionAs(String key) {
        int partitions = Topics.LEAD_DESTINATIONS.partitions();
        int target = partition(key, partitions);
        for (int i = 0; ; i++) {
            String candidate = "sentinel-" + RUN + "-" + i + ".offer";
            if (partition(candidate, partitions) == target) {
                return candidate;
            }
        }
    }

    /** The default partitioner's choice for a keyed record. */
    private static int partition(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private static Outcome unconfirmed(String leadId, Instant at) {
        return Outcome.sentUnconfirmed(leadId, W2L, "salesforce", 1, 120, false, 0, at, "sent, not confirmed: ...");
    }

    private static Outcome notContacted(String leadId, Instant at) {
        return Outcome.notSent(leadId, DNC, "https", ErrorClass.DO_NOT_CONTACT_NOT_DELIVERED, false, 0, at);
    }

    private static Lead lead(String leadId, String offer, Instant at) {
        return new Lead(
                leadId,
                offer,
                at,
                false,
                new UserDetails("Ada", "Byron", "withheld@school.edu", null, "US", null, null, Map.of()),
                "AzureMarketplace-INS|" + offer,
                "INS",
                "Campus",
                null,
                Map.of());
    }

    private static Cli.Run await(Predicate<Cli.Run> done, String... args) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Cli.Run run = null;
        while (System.nanoTime() < end) {
            run = Cli.run(new Leadctl(Map.of(Leadctl.TOKEN_ENV, key), Path.of(".")), args);
            if (done.test(run)) {
                return run;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("never as expected; last run: " + run);
    }

    @Test
    void aConfiguredOfferWithNoLeadIsWaitingForLeadsNotUnknown() throws Exception {
        Cli.Run run = await(r -> r.exit() == 0, "status", "--offer", AWAITING, "--status-url", url);
        List<String> lines = run.outLines();
        assertThat(lines).contains("Offer: " + AWAITING, "Destination: salesforce (configured at " + SAVED + ")");
        assertThat(lines)
                .anyMatch(l -> l.startsWith("Verdict: AWAITING_LEADS - configured, waiting for leads: the salesforce"
                                + " destination saved at " + SAVED + " has received no lead yet")
                        && l.endsWith("leadctl destinations validate " + AWAITING));
        assertThat(lines).contains("Last received: never");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void anOfferWhoseDestinationWasDeletedBeforeAnyLeadLeavesNoGhost() throws Exception {
        await(r -> r.exit() == 0 && r.out().contains(SENTINEL), "status", "--status-url", url);
        Cli.Run list =
                Cli.run(new Leadctl(Map.of(Leadctl.TOKEN_ENV, key), Path.of(".")), "status", "--status-url", url);
        assertThat(list.out()).doesNotContain(DELETED);
        Cli.Run one = Cli.run(
                new Leadctl(Map.of(Leadctl.TOKEN_ENV, key), Path.of(".")),
                "status",
                "--offer",
                DELETED,
                "--status-url",
                url);
        assertThat(one.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(one.err()).contains("it has no lead destination");
    }

    @Test
    void anOfferWhoseOnlyLeadsCameFromEduCustomersSaysSo() throws Exception {
        Cli.Run run = await(
                r -> r.exit() == 0 && r.out().contains("3 suppressed (.edu)"),
                "status",
                "--offer",
                EDU,
                "--status-url",
                url);
        assertThat(run.outLines())
                .anyMatch(
                        l -> l.startsWith("Verdict: IDLE - 3 leads from .edu customers in the last 24 h: personal data"
                                + " withheld, nothing forwarded"));
        assertThat(run.outLines())
                .contains(
                        "Last 24 h: 3 received, 0 delivered, 0 sent not confirmed, 3 suppressed (.edu), 0 dead-lettered");
        assertThat(run.out()).doesNotContain("withheld@school.edu", "Ada", "Byron");
    }

    @Test
    void doNotContactLeadsARecordOnlyDestinationDidNotGetAreCountedApartFromEduLeads() throws Exception {
        Cli.Run run = await(
                r -> r.exit() == 0 && r.out().contains("2 do-not-contact recorded"),
                "status",
                "--offer",
                DNC,
                "--status-url",
                url);
        assertThat(run.outLines())
                .contains(
                        "Last 24 h: 3 received, 0 delivered, 0 sent not confirmed, 1 suppressed (.edu), 2 do-not-contact"
                                + " recorded, not delivered (doNotContactLeads=record-only), 0 dead-lettered");
        assertThat(run.outLines())
                .anyMatch(l -> l.startsWith("Verdict: IDLE - 1 lead from .edu customers in the last 24 h: personal data"
                                + " withheld")
                        && l.contains("; 2 do-not-contact leads recorded, not delivered (doNotContactLeads=record-only)"
                                + " in the last 24 h: ")
                        && l.endsWith("set doNotContactLeads to deliver-marked; no other lead was received"));
        assertThat(run.out()).doesNotContain("3 suppressed (.edu)", "withheld@school.edu", "Ada", "Byron");
    }

    @Test
    void aWebToLeadOfferCountsSentNotConfirmedApartFromDelivered() throws Exception {
        Cli.Run run = await(
                r -> r.exit() == 0 && r.out().contains("2 sent not confirmed"),
                "status",
                "--offer",
                W2L,
                "--status-url",
                url);
        List<String> lines = run.outLines();
        assertThat(lines)
                .contains(
                        "Last 24 h: 2 received, 0 delivered, 2 sent not confirmed, 0 suppressed (.edu), 0 dead-lettered");
        assertThat(lines).contains("Last delivered: never (0 delivered in the last 24 h)");
        assertThat(lines)
                .contains("Last sent, not confirmed: w-2-" + RUN + " at "
                        + T.plusSeconds(3).truncatedTo(ChronoUnit.SECONDS)
                        + " (2 in the last 24 h; Salesforce Web-to-Lead cannot confirm it kept them)");
        assertThat(lines)
                .anyMatch(l -> l.startsWith("Verdict: HEALTHY - 2 sent, not confirmed (")
                        && l.contains("no picklist is required on the Web-to-Lead form"));
    }

    @Test
    void theListShowsTheConfiguredOfferAsWaitingForLeads() throws Exception {
        Predicate<String> w2lRow =
                l -> l.startsWith(W2L) && l.matches(".*HEALTHY\\s+never\\s+2\\s+0\\s+2\\s+0\\s+0\\s+0\\s+0\\s+0$");
        Predicate<String> eduRow =
                l -> l.startsWith(EDU) && l.matches(".*IDLE\\s+never\\s+3\\s+0\\s+0\\s+3\\s+0\\s+0\\s+0\\s+0$");
        // received, delivered, sent unconfirmed, .edu suppressed, do-not-contact not delivered, dead-lettered, ...
        Predicate<String> dncRow =
                l -> l.startsWith(DNC) && l.matches(".*IDLE\\s+never\\s+3\\s+0\\s+0\\s+1\\s+2\\s+0\\s+0\\s+0$");
        Cli.Run run = await(
                r -> r.exit() == 0
                        && r.out().contains(AWAITING)
                        && r.outLines().stream().anyMatch(w2lRow)
                        && r.outLines().stream().anyMatch(eduRow)
                        && r.outLines().stream().anyMatch(dncRow),
                "status",
                "--status-url",
                url);
        List<String> lines = run.outLines();
        assertThat(lines.get(0))
                .contains("DELIVERED 24H", "SENT UNCONFIRMED 24H", ".EDU SUPPRESSED 24H", "DNC NOT DELIVERED 24H");
        assertThat(lines)
                .anyMatch(l -> l.startsWith(AWAITING) && l.contains("salesforce") && l.contains("AWAITING_LEADS"));
        assertThat(run.out()).contains("5 offers, 0 failing, 2 configured, waiting for leads");
    }
}
