package dev.leadpipe.sink.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.retry.RetryHeaders;
import dev.leadpipe.core.retry.RetryWakeup;
import dev.leadpipe.core.retry.WaitingLead;
import dev.leadpipe.core.topic.TopicSpec;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.TopicReader;
import dev.leadpipe.sink.runtime.ScriptedDestination.Script;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import static dev.leadpipe.sink.runtime.SinkTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Leads that must wait longer than the in-memory horizon wait in Kafka: in the retry tiers of the delivery topic, with
 * their attempt history in headers, their offsets released, visible on {@code lead-waiting}; and an endpoint that is
 * merely slow gets no more than its share while the others' leads go on. Tier delays are shortened (0.5 s to 4 s).
 */
class RetryTierTest extends SinkBrokerTest {
    static final List<Duration> SHORT_TIERS =
            List.of(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));

    /** Waits over 300 ms go to the tiers; backoff 1.5 s then 3 s, no jitter. */
    private SinkConfig tiered(String group) {
        return config(group)
                .withRetryTiers(Duration.ofMillis(300), SHORT_TIERS)
                .withBackoff(Duration.ofMillis(1_500), Duration.ofSeconds(3), 0)
                .withRetryBudget(5, Duration.ofSeconds(60))
                .withCircuitBreaker(100, Duration.ofSeconds(1));
    }

    @Test
    void aLeadWhoseNextAttemptIsBeyondTheHorizonWaitsInARetryTierAndComesBackWithItsHistory() throws Exception {
        String flaky = offer("flaky");
        String refused = offer("refused");
        putDestination(flaky, TYPE, "flaky-" + run, 1);
        putDestination(refused, TYPE, "refused-" + run, 1);
        ScriptedDestination destination = new ScriptedDestination();
        destination.script(flaky, Script.transientTimes(2, ErrorClass.TABLE_UNAVAILABLE));
        destination.script(
                refused,
                Script.transientThenPermanent(1, ErrorClass.TABLE_UNAVAILABLE, ErrorClass.AAD_INVALID_CLIENT_SECRET));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        String group = group();
        try (SinkRuntime sink = SinkRuntime.start(tiered(group), destination.client(TYPE), registry)) {
            RecordMetadata flakySent = sendLead(lead("flaky"), flaky);
            RecordMetadata refusedSent = sendLead(lead("refused"), refused);

            await(
                    "the flaky lead's offset released before its second attempt: it waits in Kafka, not in memory",
                    () -> committed(group, flakySent.partition()) > flakySent.offset()
                            && destination.calls(lead("flaky")) == 1,
                    READ_TIMEOUT);
            WaitingLead waiting = waitingHistory(lead("flaky")).get(0);
            assertThat(waiting.reason()).isEqualTo(WaitingLead.Reason.RETRY);
            assertThat(waiting.attempts()).isEqualTo(1);
            assertThat(waiting.errorClass()).isEqualTo(ErrorClass.TABLE_UNAVAILABLE);
            assertThat(waiting.httpStatus()).isEqualTo(503);
            assertThat(Duration.between(waiting.since(), waiting.nextAttemptAt()))
                    .isBetween(Duration.ofMillis(1_400), Duration.ofMillis(1_600));

            Map<String, Outcome> outcomes = byLead(outcomes(r -> r.size() >= 2));
            assertThat(committed(group, refusedSent.partition())).isGreaterThan(refusedSent.offset());
            Outcome delivered = outcomes.get(lead("flaky"));
            assertThat(delivered.outcome()).isEqualTo(OutcomeType.DELIVERED);
            assertThat(delivered.attempts())
                    .as("the history came back from the tier")
                    .isEqualTo(3);
            List<Instant> calls = destination.callTimes.get(lead("flaky"));
            assertThat(calls).hasSize(3);
            assertThat(Duration.between(calls.get(0), calls.get(1)))
                    .as("not before its due time")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(1_450));
            assertThat(Duration.between(calls.get(1), calls.get(2))).isGreaterThanOrEqualTo(Duration.ofMillis(2_950));

            List<ConsumerRecord<String, byte[]>> tierRecords = tierRecordsOf(lead("flaky"));
            assertThat(tierRecords)
                    .as("one tier record per wait (a 3 s wait hops 2 s then 1 s)")
                    .hasSizeGreaterThanOrEqualTo(2);
            for (ConsumerRecord<String, byte[]> r : tierRecords) {
                assertThat(RetryHeaders.get(r.headers(), RetryHeaders.SOURCE_TOPIC))
                        .isEqualTo(TOPIC.name());
                assertThat(RetryHeaders.get(r.headers(), RetryHeaders.SOURCE_OFFSET))
                        .isEqualTo(String.valueOf(flakySent.offset()));
                assertThat(RetryHeaders.get(r.headers(), RetryHeaders.ERROR_DETAIL))
                        .as("redacted")
                        .doesNotContain(SinkTestSupport.CANARY, SinkTestSupport.EMAIL);
            }
            assertThat(count(registry, SinkMetrics.DEFERRED, "reason", "RETRY")).isGreaterThanOrEqualTo(3);

            Outcome dead = outcomes.get(lead("refused"));
            assertThat(dead.outcome()).isEqualTo(OutcomeType.DEAD_LETTERED);
            assertThat(dead.errorClass()).isEqualTo(ErrorClass.AAD_INVALID_CLIENT_SECRET);
            assertThat(dead.attempts()).isEqualTo(2);
            ConsumerRecord<String, byte[]> dlq = deadLetters(r -> r.size() >= 1).get(0);
            assertThat(header(dlq, DeadLetterHeaders.SOURCE_TOPIC))
                    .as("where it was first read")
                    .isEqualTo(TOPIC.name());
            assertThat(header(dlq, DeadLetterHeaders.SOURCE_PARTITION))
                    .isEqualTo(String.valueOf(refusedSent.partition()));
            assertThat(header(dlq, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo(String.valueOf(refusedSent.offset()));
            assertThat(header(dlq, DeadLetterHeaders.ATTEMPTS)).isEqualTo("2");
            assertThat(dlq.headers().toArray())
                    .as("no retry state on a dead letter")
                    .noneMatch(h -> h.key().startsWith(RetryHeaders.PREFIX));

            await(
                    "both waits closed on lead-waiting",
                    () -> {
                        Map<String, WaitingLead> now = waitingNow();
                        return now.containsKey(lead("flaky"))
                                && now.get(lead("flaky")) == null
                                && now.containsKey(lead("refused"))
                                && now.get(lead("refused")) == null;
                    },
                    READ_TIMEOUT);
        }
        assertThat(deadLettersNow()).hasSize(1);
    }

    @Test
    void aSlowEndpointGetsItsShareAndTheRestOfItsLeadsWaitInKafkaWhileOthersGoOn() throws Exception {
        String slow = offer("slow");
        String fast = offer("fast");
        putDestination(slow, TYPE, "slow-" + run, 1);
        putDestination(fast, TYPE, "fast-" + run, 1);
        ScriptedDestination destination = new ScriptedDestination();
        destination.script(slow, Script.slow(Duration.ofSeconds(2)));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SinkConfig config = tiered(group()).withMaxConcurrencyPerEndpoint(2).with(SinkConfig.MAX_IN_FLIGHT, 100);
        int logged = logs.lines().size();
        AtomicInteger maxQueued = new AtomicInteger();
        try (SinkRuntime sink = SinkRuntime.start(config, destination.client(TYPE), registry)) {
            List<String> slowLeads = new ArrayList<>();
            List<String> fastLeads = new ArrayList<>();
            try (Sampler queued = new Sampler(() -> maxQueued.accumulateAndGet(
                    (int) registry.get(SinkMetrics.QUEUED).gauge().value(), Math::max))) {
                for (int i = 0; i < 60; i++) {
                    slowLeads.add(lead("s" + i));
                    sendLead(lead("s" + i), slow);
                }
                await(
                        "the slow endpoint's excess set aside, and some of it back and set aside again",
                        () -> count(registry, SinkMetrics.DEFERRED, "reason", "BUSY") >= 80
                                && slowLeads.stream()
                                                .mapToInt(destination::calls)
                                                .sum()
                                        >= 4,
                        READ_TIMEOUT);
            }
            assertThat(maxQueued.get())
                    .as("its share in memory: four rounds queued behind its 2 calls before a call "
                            + "returned, none once it is known to take longer than the horizon")
                    .isLessThanOrEqualTo(EndpointLane.UNKNOWN_SPEED_ROUNDS * 2);
            for (int i = 0; i < 20; i++) {
                fastLeads.add(lead("f" + i));
                sendLead(lead("f" + i), fast);
            }
            List<ConsumerRecord<String, Outcome>> early = outcomes(r -> keys(r).containsAll(fastLeads));
            long slowDone =
                    early.stream().filter(r -> slowLeads.contains(r.key())).count();
            assertThat(slowDone)
                    .as("the fast offer's leads did not wait behind the slow ones")
                    .isLessThan(20);
            assertThat(destination.maxConcurrent("slow-" + run)).isEqualTo(2);

            Map<String, WaitingLead> waiting = waitingNow();
            List<WaitingLead> slowWaiting =
                    slowLeads.stream().map(waiting::get).filter(w -> w != null).toList();
            assertThat(slowWaiting).isNotEmpty().allSatisfy(w -> {
                assertThat(w.reason()).isEqualTo(WaitingLead.Reason.BUSY);
                assertThat(w.errorClass()).as("nothing failed").isNull();
                assertThat(w.attempts()).isZero();
            });
            assertThat(deadLettersNow())
                    .as("waiting for capacity never dead-letters")
                    .isEmpty();
            assertThat(logs.lines().subList(logged, logs.lines().size()))
                    .as("the slow endpoint never made the sink stop reading")
                    .noneMatch(l -> l.contains("pausing consumption"));
        }
    }

    @Test
    void aRetryNowCopyOfATierRecordTheSinkFinishedMeanwhileIsSkippedAndACopyOfAWaitingOneIsDelivered()
            throws Exception {
        String flaky = offer("flaky");
        ScriptedDestination destination = failingOnce(flaky);
        try (SinkRuntime sink =
                SinkRuntime.start(tiered(group()), destination.client(TYPE), new SimpleMeterRegistry())) {
            sendLead(lead("came-due"), flaky);
            outcomes(r -> keys(r).contains(lead("came-due")));
            List<ConsumerRecord<String, byte[]>> tier = tierRecordsOf(lead("came-due"));
            ConsumerRecord<String, byte[]> original = tier.get(tier.size() - 1);

            // leadctl read the tier record just before the sink delivered it, and its copy arrives now
            send(lead("came-due"), original.value(), 0, copyHeaders(original, original.offset()));
            // a copy of a tier record the sink has not reached yet (it waits for hours): that lead goes on now
            send(
                    lead("woken"),
                    bytes(SinkTestSupport.customerLead(lead("woken"), flaky)),
                    0,
                    copyHeaders(original, Long.MAX_VALUE - 1));
            List<ConsumerRecord<String, Outcome>> outcomes = outcomes(r -> keys(r).contains(lead("woken")));
            assertThat(byLead(outcomes).get(lead("woken")).outcome()).isEqualTo(OutcomeType.DELIVERED);
            assertThat(outcomes.stream().filter(r -> r.key().equals(lead("came-due"))))
                    .as("the copy of a finished tier record ends nothing twice")
                    .hasSize(1);
            assertThat(destination.calls(lead("came-due")))
                    .as("one failed attempt, one delivery, no third")
                    .isEqualTo(2);
        }
    }

    @Test
    void aCopyReadAfterTheWakeUpSkippedItsOriginalIsDeliveredOnce() throws Exception {
        String flaky = offer("flaky");
        ScriptedDestination destination = failingOnce(flaky);
        String group = group();
        // the lead's second attempt is due 6 s after its first: time for the wake-up to be read before it
        SinkConfig slowBackoff = tiered(group).withBackoff(Duration.ofSeconds(6), Duration.ofSeconds(6), 0);
        try (SinkRuntime sink = SinkRuntime.start(slowBackoff, destination.client(TYPE), new SimpleMeterRegistry())) {
            sendLead(lead("woken"), flaky);
            await("its tier record written", () -> !tierRecordsOf(lead("woken")).isEmpty(), READ_TIMEOUT);
            ConsumerRecord<String, byte[]> original =
                    tierRecordsOf(lead("woken")).get(0);
            TopicPartition tier = new TopicPartition(original.topic(), original.partition());

            // leadctl's wake-up lands first; the sink skips the original when it comes due; only then is the copy read
            producer.send(new ProducerRecord<>(
                            Topics.RETRY_WAKEUPS.name(),
                            RetryWakeup.key(TYPE.wireName(), flaky),
                            Topics.RETRY_WAKEUPS
                                    .valueSerde()
                                    .serializer()
                                    .serialize(
                                            Topics.RETRY_WAKEUPS.name(),
                                            new RetryWakeup(
                                                    flaky,
                                                    TYPE.wireName(),
                                                    Instant.now(),
                                                    Map.of(
                                                            RetryWakeup.partitionKey(tier.topic(), tier.partition()),
                                                            original.offset() + 1)))))
                    .get(10, TimeUnit.SECONDS);
            await(
                    "the original skipped (its offset committed)",
                    () -> committedOn(group, tier) > original.offset(),
                    READ_TIMEOUT);
            assertThat(destination.calls(lead("woken")))
                    .as("the original was not attempted")
                    .isEqualTo(1);
            send(lead("woken"), original.value(), 0, copyHeaders(original, original.offset()));

            List<ConsumerRecord<String, Outcome>> outcomes = outcomes(r -> keys(r).contains(lead("woken")));
            assertThat(byLead(outcomes).get(lead("woken")).outcome())
                    .as("the copy carried the lead")
                    .isEqualTo(OutcomeType.DELIVERED);
            assertThat(destination.calls(lead("woken"))).isEqualTo(2);
        }
    }

    /** A destination for {@code offerId} whose first call per lead fails transiently. */
    private ScriptedDestination failingOnce(String offerId) throws Exception {
        putDestination(offerId, TYPE, "flaky-" + run, 1);
        ScriptedDestination destination = new ScriptedDestination();
        destination.script(offerId, Script.transientTimes(1, ErrorClass.TABLE_UNAVAILABLE));
        return destination;
    }

    /**
     * The headers leadctl puts on a copy of {@code original} (see WaitingRetryNowCommand), naming the tier record at
     * {@code offset}; without the source headers too, so the copy has a lineage of its own and only the copy-of rule
     * can skip it.
     */
    private static Header[] copyHeaders(ConsumerRecord<String, byte[]> original, long offset) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : original.headers()) {
            if (!h.key().equals(RetryHeaders.DUE_TIME)
                    && !h.key().equals(RetryHeaders.NEXT_ATTEMPT_TIME)
                    && !h.key().equals(RetryHeaders.HOLDS)
                    && !h.key().startsWith(RetryHeaders.PREFIX + "source.")) {
                headers.add(h);
            }
        }
        RetryHeaders.put(
                headers, RetryHeaders.COPY_OF, RetryHeaders.location(original.topic(), original.partition(), offset));
        return headers.toArray();
    }

    /** Runs a probe every 10 ms on a thread of its own until closed. */
    private static final class Sampler implements AutoCloseable {
        private final Thread thread;
        private volatile boolean done;

        Sampler(Runnable probe) {
            thread = Thread.ofPlatform().daemon().start(() -> {
                while (!done) {
                    probe.run();
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        @Override
        public void close() throws InterruptedException {
            done = true;
            thread.join();
        }
    }

    /** This run's records of every retry tier of the delivery topic. */
    private List<ConsumerRecord<String, byte[]>> tierRecordsOf(String leadId) {
        List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
        for (TopicSpec<String, byte[]> tier : Topics.retryTiers(TYPE)) {
            all.addAll(TopicReader.readAll(KAFKA.bootstrapServers(), tier));
        }
        return all.stream().filter(r -> leadId.equals(r.key())).collect(Collectors.toList());
    }
}
