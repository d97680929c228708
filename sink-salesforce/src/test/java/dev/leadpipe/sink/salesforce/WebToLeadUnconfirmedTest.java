package dev.leadpipe.sink.salesforce;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.leadpipe.core.destination.DestinationAddresses;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.fakes.FakeSalesforce;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicReader;
import dev.leadpipe.ops.Ops;
import dev.leadpipe.sink.runtime.SinkConfig;
import dev.leadpipe.sink.runtime.SinkRuntime;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.leadpipe.sink.runtime.testing.MarketplaceLeads.lead;
import static dev.leadpipe.sink.salesforce.SalesforceLeads.CANARY_SECRET;
import static dev.leadpipe.sink.salesforce.SalesforceLeads.clientCredentials;
import static dev.leadpipe.sink.salesforce.SalesforceLeads.webToLead;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Web-to-Lead told truthfully, against a real broker and the Salesforce stand-in: 40 Web-to-Lead leads (30 to an org
 * that stores them, 10 to an org whose required picklist makes Salesforce drop them after its 200) each end with
 * exactly one {@code SENT_UNCONFIRMED} outcome on {@code lead-outcomes}, never DELIVERED, and {@code /metrics} counts
 * them apart: {@code leadpipe_sink_outcomes_total{outcome="SENT_UNCONFIRMED"}} 40 beside 10 REST leads DELIVERED.
 */
class WebToLeadUnconfirmedTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static final String CC = "3MVG9-unconfirmed-cc";

    @Test
    void webToLeadLeadsEndSentUnconfirmedOnTheTopicAndInTheMetrics() throws Exception {
        try (FakeSalesforce org = FakeSalesforce.start().addClientCredentialsApp(CC, CANARY_SECRET);
                FakeSalesforce picklistOrg =
                        FakeSalesforce.start().requirePicklist("Industry__c", "Industry", "Software", "Retail");
                Ops ops = Ops.forService("sink-salesforce")) {
            SalesforceLeads.publishDestinations(
                    KAFKA.bootstrapServers(),
                    List.of(
                            webToLead("unconfirmed.w2l", org.webToLeadUrl(), org.orgId()),
                            webToLead("unconfirmed.w2l-picklist", picklistOrg.webToLeadUrl(), picklistOrg.orgId()),
                            clientCredentials("unconfirmed.rest", org.url(), CC, CANARY_SECRET)));
            List<Lead> leads = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                leads.add(lead("w2l-" + i, "unconfirmed.w2l"));
            }
            for (int i = 0; i < 10; i++) {
                leads.add(lead("w2l-picklist-" + i, "unconfirmed.w2l-picklist"));
                leads.add(lead("rest-" + i, "unconfirmed.rest"));
            }
            SinkConfig config = SinkConfig.of(KAFKA.bootstrapServers())
                    .withAllowedHosts(DestinationAddresses.LOCAL_STAND_INS)
                    .withGroupId("sink-salesforce-unconfirmed");
            List<ConsumerRecord<String, Outcome>> outcomes;
            try (SinkRuntime sink =
                    SinkRuntime.start(config, new SalesforceDestinationClient(null, Duration.ofSeconds(5)), ops)) {
                SalesforceLeads.publishLeads(KAFKA.bootstrapServers(), leads, 0);
                outcomes = TopicReader.readUntil(
                        KAFKA.bootstrapServers(),
                        Topics.LEAD_OUTCOMES,
                        rs -> rs.size() >= leads.size(),
                        Duration.ofSeconds(60),
                        Duration.ofMillis(500));
            }

            Map<String, List<Outcome>> byLead =
                    outcomes.stream().map(ConsumerRecord::value).collect(Collectors.groupingBy(Outcome::leadId));
            assertThat(byLead)
                    .hasSize(50)
                    .allSatisfy((id, os) -> assertThat(os).as(id).hasSize(1));
            byLead.forEach((id, os) -> {
                Outcome o = os.get(0);
                if (id.startsWith("rest-")) {
                    assertThat(o.outcome()).as(id).isEqualTo(OutcomeType.DELIVERED);
                    assertThat(o.destinationRecordId()).startsWith("00Q");
                } else {
                    assertThat(o.outcome()).as(id).isEqualTo(OutcomeType.SENT_UNCONFIRMED);
                    assertThat(o.destinationRecordId()).isNull();
                    assertThat(o.errorClass()).isNull();
                    assertThat(o.destinationType()).isEqualTo("salesforce");
                    assertThat(o.detail()).contains("no picklist is required").doesNotContain("@");
                }
            });
            assertThat(org.webToLeadStored()).hasSize(30);
            assertThat(picklistOrg.webToLeadReceived()).hasSize(10);
            assertThat(picklistOrg.webToLeadStored()).isEmpty();

            String scrape = ops.scrape();
            assertThat(outcomesCounter(scrape, "SENT_UNCONFIRMED")).isEqualTo(40.0);
            assertThat(outcomesCounter(scrape, "DELIVERED")).isEqualTo(10.0);
        }
    }

    /** {@code leadpipe_sink_outcomes_total{type="salesforce",outcome=...,error_class="none"}} as scraped. */
    private static double outcomesCounter(String scrape, String outcome) {
        Pattern line = Pattern.compile("^leadpipe_sink_outcomes_total\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(scrape);
        while (m.find()) {
            String labels = m.group(1);
            if (labels.contains("outcome=\"" + outcome + "\"")
                    && labels.contains("type=\"salesforce\"")
                    && labels.contains("error_class=\"none\"")) {
                return Double.parseDouble(m.group(2));
            }
        }
        throw new AssertionError("no " + outcome + " outcome counter in the scrape");
    }
}
