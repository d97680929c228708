package dev.leadpipe.sink.runtime;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;

import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

import static dev.leadpipe.sink.runtime.SinkTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backlog far larger than the sink's memory, for one quick endpoint: the sink pauses and resumes, commits many times
 * in the middle of its polls (its endpoint asks for commits as leads finish), and still every lead is delivered once
 * and gets one outcome; the group ends committed past all of them.
 */
class SinkBacklogTest extends SinkBrokerTest {
    static final int LEADS = 5_000;

    @Test
    void everyLeadOfABacklogIsDeliveredOnceWithOneOutcome() throws Exception {
        String offer = offer("backlog");
        putDestination(offer, TYPE, "backlog-" + run, 1);
        String group = group();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        List<String> leads = new ArrayList<>();
        for (int i = 0; i < LEADS; i++) {
            Lead lead = SinkTestSupport.customerLead(lead("l" + i), offer);
            leads.add(lead.leadId());
            sent.add(producer.send(new ProducerRecord<>(TOPIC.name(), lead.leadId(), bytes(lead))));
        }
        Set<RecordMetadata> written = new HashSet<>();
        for (Future<RecordMetadata> f : sent) {
            written.add(f.get());
        }
        ScriptedDestination destination = new ScriptedDestination();
        try (SinkRuntime sink =
                SinkRuntime.start(config(group).with(SinkConfig.MAX_IN_FLIGHT, 300), destination.client(TYPE))) {
            List<ConsumerRecord<String, Outcome>> outcomes = outcomes(r -> keys(r).containsAll(leads));
            assertThat(keys(outcomes)).containsAll(leads);
            assertThat(outcomes).allSatisfy(r -> assertThat(r.value().outcome()).isEqualTo(OutcomeType.DELIVERED));
            await(
                    "every partition committed past its last lead",
                    () -> written.stream().allMatch(md -> committed(group, md.partition()) > md.offset()),
                    READ_TIMEOUT);
        }
        assertThat(leads)
                .allSatisfy(id -> assertThat(destination.calls(id)).as(id).isEqualTo(1));
        assertThat(ofRun(TopicReader.readAll(KAFKA.bootstrapServers(), Topics.LEAD_OUTCOMES)))
                .as("one outcome per lead")
                .hasSize(LEADS);
    }
}
