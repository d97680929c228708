package dev.leadpipe.sink.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.TopicReader;
import dev.leadpipe.sink.runtime.ScriptedDestination.Script;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import static dev.leadpipe.sink.runtime.SinkTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two sink instances in one group while a second one comes and goes (gracefully, and once by crashing), so partitions
 * move back and forth while leads are being dead-lettered: every lead's <em>last</em> outcome must match what the
 * destination holds. The destination refuses each lead's first call permanently, slowly, and accepts any later one at
 * once (a fix made in between), so a lead whose refusal or dead-letter write was still under way when its partition
 * moved, and which the new owner then delivered, would show a DEAD_LETTERED outcome after its DELIVERED one while the
 * destination holds it.
 */
class SinkRebalanceTest extends SinkBrokerTest {

    @Test
    void everyLeadsLastOutcomeMatchesTheDestinationThroughRebalancesDuringDeadLetterWrites() throws Exception {
        String offer = offer("moving");
        putDestination(offer, TYPE, "moving-" + run, 1);
        ScriptedDestination destination = new ScriptedDestination();
        // a refusal still on its way when the partition moves must not be written after the new owner's delivery
        destination.script(
                offer, Script.refusedSlowlyOnFirstCall(ErrorClass.AAD_INVALID_CLIENT_SECRET, Duration.ofMillis(1_500)));
        String group = group();
        SinkConfig config = config(group).withMaxConcurrencyPerEndpoint(64);
        List<String> leads = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            leads.add(lead("m" + i));
        }

        try (SinkRuntime steady = SinkRuntime.start(config, destination.client(TYPE))) {
            CompletableFuture<Void> feed = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < leads.size(); i++) {
                        sendLead(leads.get(i), offer);
                        if (i % 50 == 49) {
                            Thread.sleep(150); // ~300 leads/s at most: the feed spans the rebalances below
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            for (int cycle = 0; cycle < 5; cycle++) {
                SinkRuntime second = SinkRuntime.start(config, destination.client(TYPE));
                Thread.sleep(1_000);
                if (cycle == 2) {
                    second.abort(); // a crash: its partitions are taken over without its final commit
                } else {
                    second.close(); // graceful: its partitions are revoked
                }
            }
            feed.join();
            await(
                    "every lead has an outcome",
                    () -> keys(TopicReader.readAll(KAFKA.bootstrapServers(), Topics.LEAD_OUTCOMES))
                            .containsAll(leads),
                    Duration.ofSeconds(120));
        }

        Map<String, Outcome> last = new HashMap<>();
        for (ConsumerRecord<String, Outcome> r :
                ofRun(TopicReader.readAll(KAFKA.bootstrapServers(), Topics.LEAD_OUTCOMES))) {
            last.put(r.key(), r.value()); // keyed by leadId: one partition per lead, read in offset order
        }
        assertThat(last.keySet()).containsExactlyInAnyOrderElementsOf(leads);
        List<String> mismatched = leads.stream()
                .filter(id -> (last.get(id).outcome() == OutcomeType.DELIVERED) != destination.records.containsKey(id))
                .collect(Collectors.toList());
        assertThat(mismatched)
                .as("leads whose last outcome says otherwise than the destination")
                .isEmpty();
        Set<OutcomeType> seen = last.values().stream().map(Outcome::outcome).collect(Collectors.toSet());
        assertThat(seen).as("dead letters were being written throughout").contains(OutcomeType.DEAD_LETTERED);
    }
}
