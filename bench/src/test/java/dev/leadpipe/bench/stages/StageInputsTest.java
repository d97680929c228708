package dev.leadpipe.bench.stages;

import java.util.List;
import java.util.Map;

import dev.leadpipe.bench.SampleLeads;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.topic.Topics;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** What the sink, table and notifier stages feed their service and read back from it, without a broker. */
class StageInputsTest {
    /** Every third customer is .edu, as a feed may have them. */
    private static final SampleLeads SAMPLE = new SampleLeads() {
        @Override
        public String json(long i, String offerId, String leadId) {
            String domain = i % 3 == 2 ? "campus.example.edu" : "fabrikam.example";
            return "{\"leadId\":\"" + leadId + "\",\"UserDetails\":{\"FirstName\":\"Ana\",\"Email\":\"c" + i + "@"
                    + domain + "\"},\"LeadSource\":\"AzureMarketplace-INS|" + offerId + "\",\"ActionCode\":\"INS\"}";
        }

        @Override
        public double meanBytes() {
            return 150;
        }
    };

    @Test
    void theBacklogIsTheCountAskedForOfRoutableLeadsWithTheirIdsAndOffersInTurn() throws Exception {
        List<Lead> leads = StageKafka.routableLeads(SAMPLE, "bench-x", List.of("p.one", "p.two"), 10);

        assertThat(leads).hasSize(10);
        assertThat(leads)
                .extracting(Lead::leadId)
                .containsExactly(
                        "bench-x-0",
                        "bench-x-1",
                        "bench-x-2",
                        "bench-x-3",
                        "bench-x-4",
                        "bench-x-5",
                        "bench-x-6",
                        "bench-x-7",
                        "bench-x-8",
                        "bench-x-9");
        assertThat(leads).extracting(Lead::offerId).containsOnly("p.one", "p.two");
        assertThat(leads.get(0).offerId()).isEqualTo("p.one");
        assertThat(leads.get(1).offerId()).isEqualTo("p.two");
        assertThat(leads).noneMatch(l -> l.userDetails().isEdu());
        assertThat(leads).allMatch(l -> l.receivedAt() != null);
    }

    @Test
    void aBacklogLeadReadsBackAsTheSinkReadsItsDeliveryTopic() throws Exception {
        Lead lead =
                StageKafka.routableLeads(SAMPLE, "bench-y", List.of("p.one"), 1).get(0);

        byte[] bytes = Topics.DELIVERIES_HTTPS.valueSerde().serializer().serialize("deliveries.https", lead);
        Lead read = Topics.DELIVERIES_HTTPS.valueSerde().deserializer().deserialize("deliveries.https", bytes);

        assertThat(read.leadId()).isEqualTo("bench-y-0");
        assertThat(read.offerId()).isEqualTo("p.one");
        assertThat(read.receivedAt()).isEqualTo(lead.receivedAt());
    }

    @Test
    void gaugesAreSummedOverTheirSeriesFromPrometheusText() {
        String text = """
                # HELP leadpipe_sink_in_flight leads held
                # TYPE leadpipe_sink_in_flight gauge
                leadpipe_sink_in_flight{service="sink-https"} 960.0
                leadpipe_sink_queued{endpoint="a",service="sink-https"} 900.0
                leadpipe_sink_queued{endpoint="b",service="sink-https"} 7.0
                leadpipe_sink_queued_total 5.0
                jvm_threads_live_threads 40.0
                """;

        Map<String, Double> values =
                GaugeSampler.read(text, List.of("leadpipe_sink_in_flight", "leadpipe_sink_queued"));

        assertThat(values).hasSize(2);
        assertThat(values.get("leadpipe_sink_in_flight")).isCloseTo(960.0, within(1e-9));
        assertThat(values.get("leadpipe_sink_queued")).isCloseTo(907.0, within(1e-9));
    }
}
