package dev.leadpipe.sink.runtime;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.dlq.PipelineHeaders;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.retry.FinishedOffsets;
import dev.leadpipe.core.retry.WaitingLead;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.TopicReader;
import dev.leadpipe.sink.runtime.ScriptedDestination.Script;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

import static dev.leadpipe.sink.runtime.SinkTestSupport.CANARY;
import static dev.leadpipe.sink.runtime.SinkTestSupport.EMAIL;
import static dev.leadpipe.sink.runtime.SinkTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runtime against a real (embedded KRaft) broker with a scripted in-memory destination. Each test uses its own
 * consumer group, started at the current end of the delivery topic, and its own offers and lead ids (suffixed with
 * the test's run id), so tests sharing the broker do not see each other's leads. Budgets and backoffs are tens of
 * milliseconds so that everything finishes in seconds.
 */
class SinkRuntimeTest extends SinkBrokerTest {

    // ------------------------------------------------------------------------------------------------ tests

    @Test
    void deliversALeadAndWritesItsOutcomeBeforeCommitting() throws Exception {
        String offer = offer("crm");
        putDestination(offer, TYPE, "crm-" + run, 1);
        ScriptedDestination destination = new ScriptedDestination();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        String group = group();
        try (SinkRuntime sink = SinkRuntime.start(config(group), destination.client(TYPE), registry)) {
            Instant before = Instant.now();
            List<RecordMetadata> sent = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                sent.add(sendLead(lead("ok" + i), offer));
            }

            Map<String, Outcome> outcomes = byLead(outcomes(r -> r.size() >= 3));
            assertThat(outcomes).containsOnlyKeys(lead("ok0"), lead("ok1"), lead("ok2"));
            outcomes.forEach((leadId, o) -> {
                assertThat(o.outcome()).isEqualTo(OutcomeType.DELIVERED);
                assertThat(o.leadId()).isEqualTo(leadId);
                assertThat(o.offerId()).isEqualTo(offer);
                assertThat(o.destinationType()).isEqualTo("https");
                assertThat(o.destinationRecordId()).isEqualTo("rec-" + leadId);
                assertThat(o.attempts()).isEqualTo(1);
                assertThat(o.latencyMs()).isNotNull().isNotNegative();
                assertThat(o.errorClass()).isNull();
                assertThat(o.replayCount()).isZero();
                assertThat(o.at()).isAfterOrEqualTo(before.minusSeconds(1));
            });
            assertThat(destination.records).containsOnlyKeys(outcomes.keySet());

            await(
                    "every delivered lead committed",
                    () -> sent.stream().allMatch(md -> committed(group, md.partition()) > md.offset()),
                    READ_TIMEOUT);
            await(
                    "outcome counted",
                    () -> count(registry, SinkMetrics.OUTCOMES, "outcome", "DELIVERED") == 3,
                    READ_TIMEOUT);
            assertThat(count(registry, SinkMetrics.ATTEMPTS, "result", "success"))
                    .isEqualTo(3);
            assertThat(registry.get(SinkMetrics.LATENCY).timer().count()).isEqualTo(3);
            await("nothing in flight", () -> sink.inFlight() == 0, READ_TIMEOUT);
            assertThat(sink.parked()).isZero();
        }
        assertThat(deadLettersNow()).as("no dead letters").isEmpty();
    }

    @Test
    void retriesTransientFailuresAndHonoursRetryAfter() throws Exception {
        String flaky = offer("flaky");
        String throttled = offer("throttled");
        putDestination(flaky, TYPE, "flaky-" + run, 1);
        putDestination(throttled, TYPE, "throttled-" + run, 1);
        ScriptedDestination destination = new ScriptedDestination();
        destination.script(flaky, Script.transientTimes(2, ErrorClass.TABLE_UNAVAILABLE));
        destination.script(throttled, Script.retryAfterOnce(Duration.ofMillis(600)));
        try (SinkRuntime sink = SinkRuntime.start(config(group()), destination.client(TYPE))) {
            sendLead(lead("flaky"), flaky);
            sendLead(lead("throttled"), throttled);

            Map<String, Outcome> outcomes = byLead(outcomes(r -> r.size() >= 2));
            Outcome o = outcomes.get(lead("flaky"));
            assertThat(o.outcome()).isEqualTo(OutcomeType.DELIVERED);
            assertThat(o.attempts()).isEqualTo(3);
            assertThat(o.destinationRecordId()).isEqualTo("rec-" + lead("flaky"));
            assertThat(destination.calls(lead("flaky"))).isEqualTo(3);

            Outcome t = outcomes.get(lead("throttled"));
            assertThat(t.outcome()).isEqualTo(OutcomeType.DELIVERED);
            assertThat(t.attempts()).isEqualTo(2);
            List<Instant> calls = destination.callTimes.get(lead("throttled"));
            assertThat(Duration.between(calls.get(0), calls.get(1)))
                    .as("second call not before Retry-After (backoff alone is 50 ms)")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(595));
        }
        assertThat(deadLettersNow()).as("no dead letters").isEmpty();
    }

    @Test
    void deadLettersAPermanentFailureAtOnceWithEveryHeader() throws Exception {
        String offer = offer("badsecret");
        putDestination(offer, TYPE, "badsecret-" + run, 1);
        ScriptedDestination destination = new ScriptedDestination();
        destination.script(offer, Script.permanently(ErrorClass.AAD_INVALID_CLIENT_SECRET));
        try (SinkRuntime sink = SinkRuntime.start(config(group()), destination.client(TYPE))) {
            Instant before = Instant.now();
            String leadId = lead("perm");
            byte[] value = bytes(SinkTestSupport.customerLead(leadId, offer));
            RecordMetadata md = send(
                    leadId,
                    value,
                    2,
                    new RecordHeader("x-trace-id", "trace-1".getBytes(StandardCharsets.UTF_8)),
                    new RecordHeader(DeadLetterHeaders.ERROR_CLASS, "STALE".getBytes(StandardCharsets.UTF_8)),
                    new RecordHeader(PipelineHeaders.REPLAY_COUNT, "2".getBytes(StandardCharsets.UTF_8)));

            List<ConsumerRecord<String, byte[]>> dlq = deadLetters(r -> r.size() >= 1);
            assertThat(dlq).hasSize(1);
            ConsumerRecord<String, byte[]> d = dlq.get(0);
            assertThat(d.key()).isEqualTo(leadId);
            assertThat(d.value()).isEqualTo(value);
            assertThat(d.partition()).isEqualTo(2);
            assertThat(d.timestamp()).isEqualTo(md.timestamp());
            assertThat(header(d, "x-trace-id")).isEqualTo("trace-1");
            assertThat(header(d, PipelineHeaders.REPLAY_COUNT)).isEqualTo("2");
            assertThat(d.headers().headers(DeadLetterHeaders.ERROR_CLASS)).hasSize(1);
            assertThat(header(d, DeadLetterHeaders.LEAD_ID)).isEqualTo(leadId);
            assertThat(header(d, DeadLetterHeaders.ERROR_CLASS)).isEqualTo("AAD_INVALID_CLIENT_SECRET");
            assertThat(header(d, DeadLetterHeaders.ERROR_KIND)).isEqualTo("permanent");
            assertThat(header(d, DeadLetterHeaders.REMEDIATION))
                    .isEqualTo(ErrorClass.AAD_INVALID_CLIENT_SECRET.remediation());
            assertThat(header(d, DeadLetterHeaders.UPSTREAM_DETAIL))
                    .contains("AADSTS7000215", "[redacted]")
                    .doesNotContain(CANARY, EMAIL);
            assertThat(header(d, DeadLetterHeaders.DESTINATION_TYPE)).isEqualTo("https");
            assertThat(header(d, DeadLetterHeaders.OFFER_ID)).isEqualTo(offer);
            assertThat(header(d, DeadLetterHeaders.ATTEMPTS)).isEqualTo("1");
            Instant first = Instant.parse(header(d, DeadLetterHeaders.FIRST_FAILURE_TIME));
            Instant last = Instant.parse(header(d, DeadLetterHeaders.LAST_FAILURE_TIME));
            assertThat(first).isAfterOrEqualTo(before.minusSeconds(1)).isBeforeOrEqualTo(last);
            assertThat(last).isBeforeOrEqualTo(Instant.now());
            assertThat(header(d, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(TOPIC.name());
            assertThat(header(d, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("2");
            assertThat(header(d, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo(String.valueOf(md.offset()));
            assertThat(header(d, DeadLetterHeaders.REPLAY_COUNT)).isEqualTo("2");

            Outcome o = byLead(outcomes(r -> r.size() >= 1)).get(leadId);
            assertThat(o.outcome()).isEqualTo(OutcomeType.DEAD_LETTERED);
            assertThat(o.errorClass()).isEqualTo(ErrorClass.AAD_INVALID_CLIENT_SECRET);
            assertThat(o.attempts()).isEqualTo(1);
            assertThat(o.replayCount()).isEqualTo(2);
            assertThat(o.destinationType()).isEqualTo("https");
            assertThat(o.destinationRecordId()).isNull();
            assertThat(destination.calls(leadId))
                    .as("a permanent failure is not retried")
                    .isEqualTo(1);
            assertThat(destination.records).isEmpty();
        }
    }

    @Test
    void deadLettersWithTheLastFailuresClassWhenTheBudgetIsSpent() throws Exception {
        String changing = offer("changing");
        String throttled = offer("longthrottle");
        putDestination(changing, TYPE, "changing-" + run, 1);
        putDestination(throttled, TYPE, "longthrottle-" + run, 1);
        ScriptedDestination destination = new ScriptedDestination();
        destination.script(
                changing,
                Script.alwaysTransient(
                        call -> call < 4 ? ErrorClass.SALESFORCE_LIMIT_EXCEEDED : ErrorClass.DESTINATION_HTTP_ERROR));
        destination.script(throttled, Script.retryAfterOnce(Duration.ofHours(1)));
        SinkConfig config = config(group()).withRetryBudget(4, Duration.ofSeconds(20));
        try (SinkRuntime sink = SinkRuntime.start(config, destination.client(TYPE))) {
            sendLead(lead("spent"), changing);
            sendLead(lead("throttled"), throttled);

            Map<String, ConsumerRecord<String, byte[]>> dlq =
                    deadLetters(r -> r.size() >= 2).stream().collect(Collectors.toMap(ConsumerRecord::key, r -> r));
            ConsumerRecord<String, byte[]> spent = dlq.get(lead("spent"));
            assertThat(header(spent, DeadLetterHeaders.ERROR_CLASS)).isEqualTo("DESTINATION_HTTP_ERROR");
            assertThat(header(spent, DeadLetterHeaders.ERROR_KIND)).isEqualTo("transient");
            assertThat(header(spent, DeadLetterHeaders.ATTEMPTS)).isEqualTo("4");
            assertThat(Instant.parse(header(spent, DeadLetterHeaders.FIRST_FAILURE_TIME)))
                    .isBefore(Instant.parse(header(spent, DeadLetterHeaders.LAST_FAILURE_TIME)));
            assertThat(destination.calls(lead("spent"))).isEqualTo(4);

            ConsumerRecord<String, byte[]> held = dlq.get(lead("throttled"));
            assertThat(header(held, DeadLetterHeaders.ERROR_CLASS)).isEqualTo("DYNAMICS_THROTTLED");
            assertThat(header(held, DeadLetterHeaders.ATTEMPTS))
                    .as("a Retry-After beyond the budget dead-letters at once")
                    .isEqualTo("1");

            Map<String, Outcome> outcomes = byLead(outcomes(r -> r.size() >= 2));
            assertThat(outcomes.get(lead("spent")).outcome()).isEqualTo(OutcomeType.DEAD_LETTERED);
            assertThat(outcomes.get(lead("spent")).errorClass()).isEqualTo(ErrorClass.DESTINATION_HTTP_ERROR);
            assertThat(outcomes.get(lead("spent")).attempts()).isEqualTo(4);
            assertThat(outcomes.get(lead("throttled")).errorClass()).isEqualTo(ErrorClass.DYNAMICS_THROTTLED);
        }
    }

    @Test
    void aBrokenDestinationsLeadsWaitInARetryTierWithoutHoldingUpAnotherOffer() throws Exception {
        String broken = offer("broken");
        String healthy = offer("healthy");
        putDestination(broken, TYPE, "broken-" + run, 1);
        putDestination(healthy, TYPE, "healthy-" + run, 1);
        ScriptedDestination destination = new ScriptedDestination();
        destination.script(broken, Script.alwaysTransient(ErrorClass.TABLE_UNAVAILABLE));
        Duration budget = Duration.ofSeconds(20);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        String group = group();
        SinkConfig config = config(group).withRetryBudget(1_000, budget).withCircuitBreaker(3, Duration.ofMillis(300));
        try (SinkRuntime sink = SinkRuntime.start(config, destination.client(TYPE), registry)) {
            // one partition, a broken lead first and between the healthy ones: head-of-line blocking would show
            List<String> brokenLeads = new ArrayList<>();
            List<String> healthyLeads = new ArrayList<>();
            Map<String, RecordMetadata> sent = new HashMap<>();
            Instant start = Instant.now();
            for (int i = 0; i < 20; i++) {
                if (i % 4 == 0) {
                    brokenLeads.add(lead("b" + i));
                    sent.put(
                            lead("b" + i),
                            send(lead("b" + i), bytes(SinkTestSupport.customerLead(lead("b" + i), broken)), 0));
                }
                healthyLeads.add(lead("h" + i));
                sent.put(
                        lead("h" + i),
                        send(lead("h" + i), bytes(SinkTestSupport.customerLead(lead("h" + i), healthy)), 0));
            }

            List<ConsumerRecord<String, Outcome>> early = outcomes(r -> keys(r).containsAll(healthyLeads));
            Duration elapsed = Duration.between(start, Instant.now());
            assertThat(elapsed)
                    .as("healthy leads delivered well inside the broken one's budget")
                    .isLessThan(budget);
            assertThat(early).allSatisfy(r -> assertThat(r.value().outcome()).isEqualTo(OutcomeType.DELIVERED));
            assertThat(keys(early))
                    .as("the broken offer's leads are still waiting")
                    .doesNotContainAnyElementsOf(brokenLeads);
            assertThat(destination.calls(brokenLeads.get(0))).isGreaterThanOrEqualTo(1);

            long end = sent.values().stream()
                            .mapToLong(RecordMetadata::offset)
                            .max()
                            .orElseThrow()
                    + 1;
            await(
                    "the waiting leads' offsets released: partition 0 committed to its end",
                    () -> committed(group, 0) == end,
                    READ_TIMEOUT);
            await(
                    "every broken lead shown waiting",
                    () -> {
                        Map<String, WaitingLead> waiting = waitingNow();
                        return brokenLeads.stream().allMatch(id -> waiting.get(id) != null);
                    },
                    READ_TIMEOUT);
            Map<String, WaitingLead> waiting = waitingNow();
            assertThat(waiting.keySet())
                    .as("only the broken offer's leads waited")
                    .containsAll(brokenLeads)
                    .doesNotContainAnyElementsOf(healthyLeads);
            for (String id : brokenLeads) {
                WaitingLead w = waiting.get(id);
                assertThat(w.offerId()).isEqualTo(broken);
                assertThat(w.destinationType()).isEqualTo("https");
                assertThat(w.reason()).isIn(WaitingLead.Reason.RETRY, WaitingLead.Reason.CIRCUIT_OPEN);
                assertThat(w.errorClass()).isEqualTo(ErrorClass.TABLE_UNAVAILABLE);
                assertThat(w.since()).isAfterOrEqualTo(start.minusSeconds(1));
                assertThat(w.nextAttemptAt()).isAfterOrEqualTo(w.since());
            }
            assertThat(registry.get(SinkMetrics.OPEN_CIRCUITS).gauge().value())
                    .as("the broken endpoint's circuit opened")
                    .isEqualTo(1.0);
            assertThat(count(registry, SinkMetrics.DEFERRED, "reason", "CIRCUIT_OPEN"))
                    .isPositive();
            assertThat(sink.inFlight())
                    .as("waiting leads are not held in memory")
                    .isLessThanOrEqualTo(brokenLeads.size());

            List<ConsumerRecord<String, Outcome>> all = outcomes(r -> keys(r).containsAll(brokenLeads));
            for (ConsumerRecord<String, Outcome> r : all) {
                if (brokenLeads.contains(r.key())) {
                    assertThat(r.value().outcome()).isEqualTo(OutcomeType.DEAD_LETTERED);
                    assertThat(r.value().errorClass()).isEqualTo(ErrorClass.TABLE_UNAVAILABLE);
                }
            }
            assertThat(Duration.between(start, Instant.now())).isGreaterThanOrEqualTo(budget);
            await(
                    "their waits closed on lead-waiting",
                    () -> {
                        Map<String, WaitingLead> now = waitingNow();
                        return brokenLeads.stream().allMatch(id -> now.containsKey(id) && now.get(id) == null);
                    },
                    READ_TIMEOUT);
        }
    }

    @Test
    void concurrencyPerEndpointNeverExceedsTheCapAndConsumptionPausesWhenTooMuchIsInFlight() throws Exception {
        String a = offer("slowa");
        String b = offer("slowb");
        putDestination(a, TYPE, "slow-a-" + run, 1);
        putDestination(b, TYPE, "slow-b-" + run, 1);
        ScriptedDestination destination = new ScriptedDestination();
        CountDownLatch gate = new CountDownLatch(1);
        Script slowBehindGate =
                new Script(0, null, null, null, false, Duration.ofMillis(100), gate, l -> true, null, null);
        destination.script(a, slowBehindGate);
        destination.script(b, slowBehindGate);
        SinkConfig config = config(group()).withMaxConcurrencyPerEndpoint(3).with(SinkConfig.MAX_IN_FLIGHT, 10);
        try (SinkRuntime sink = SinkRuntime.start(config, destination.client(TYPE))) {
            // an endpoint alone may fill the sink's memory (nobody else's leads wait); the gate holds every call, so
            // nothing finishes and only the pause keeps the sink from reading all 30
            for (int i = 0; i < 30; i++) {
                sendLead(lead("a" + i), a);
            }
            await("more than maxInFlight received", () -> sink.inFlight() > 10, READ_TIMEOUT);
            await(
                    "consumption paused",
                    () -> logs.lines().stream().anyMatch(l -> l.contains("pausing consumption")),
                    READ_TIMEOUT);
            Thread.sleep(500); // time in which a sink that did not pause would read the rest
            assertThat(sink.inFlight())
                    .as("paused: at most maxInFlight plus one poll")
                    .isBetween(11, 20);
            for (int i = 0; i < 15; i++) {
                sendLead(lead("b" + i), b); // read once the sink resumes
            }
            gate.countDown();

            List<ConsumerRecord<String, Outcome>> outcomes = outcomes(r -> r.size() >= 45);
            assertThat(outcomes)
                    .hasSize(45)
                    .allSatisfy(r -> assertThat(r.value().outcome()).isEqualTo(OutcomeType.DELIVERED));
            assertThat(destination.maxConcurrent("slow-a-" + run)).isEqualTo(3);
            assertThat(destination.maxConcurrent("slow-b-" + run)).isEqualTo(3);
            assertThat(destination.maxConcurrentOverall.get())
                    .as("the cap is per endpoint")
                    .isGreaterThan(3);
            assertThat(logs.lines()).anyMatch(l -> l.contains("resuming consumption"));
        }
    }

    @Test
    void aCrashLosesNoLeadAndDoesNotSendFinishedLeadsAgain() throws Exception {
        String offer = offer("crash");
        putDestination(offer, TYPE, "crash-" + run, 1);
        ScriptedDestination destination = new ScriptedDestination();
        CountDownLatch never = new CountDownLatch(1);
        Set<String> blocked = new HashSet<>();
        List<String> leads = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            leads.add(lead("c" + i));
            if (i % 3 == 0) {
                blocked.add(lead("c" + i));
            }
        }
        destination.script(offer, Script.blocking(never, l -> blocked.contains(l.leadId())));
        String group = group();
        SinkConfig config = config(group).withMaxConcurrencyPerEndpoint(64);

        Map<String, RecordMetadata> sent = new HashMap<>();
        SinkRuntime first = SinkRuntime.start(config, destination.client(TYPE));
        try {
            for (String leadId : leads) {
                sent.put(leadId, sendLead(leadId, offer));
            }
            outcomes(r -> r.size() >= 20);
            await(
                    "blocked leads under way",
                    () -> blocked.stream().allMatch(id -> destination.calls(id) == 1),
                    READ_TIMEOUT);
            // the delivered leads sit above blocked ones in their partitions: only the commit's metadata says they are
            // done
            await(
                    "the delivered leads committed as finished",
                    () -> leads.stream().filter(id -> !blocked.contains(id)).allMatch(id -> {
                        RecordMetadata md = sent.get(id);
                        FinishedOffsets state = committedState(group, new TopicPartition(md.topic(), md.partition()));
                        return state != null && state.isFinished(md.offset());
                    }),
                    READ_TIMEOUT);
        } finally {
            first.abort(); // a crash: no graceful drain, no final commit
        }
        assertThat(destination.records).hasSize(20);

        destination.script(offer, Script.OK);
        try (SinkRuntime second = SinkRuntime.start(config, destination.client(TYPE))) {
            List<ConsumerRecord<String, Outcome>> outcomes = outcomes(r -> keys(r).containsAll(leads));
            assertThat(outcomes).allSatisfy(r -> assertThat(r.value().outcome()).isEqualTo(OutcomeType.DELIVERED));
            assertThat(keys(outcomes)).containsExactlyInAnyOrderElementsOf(leads);
            assertThat(destination.records).containsOnlyKeys(leads);
            assertThat(new HashSet<>(destination.records.values()))
                    .as("one record per lead")
                    .hasSize(30);
            assertThat(blocked)
                    .as("unfinished at the crash: attempted again")
                    .allSatisfy(id -> assertThat(destination.calls(id)).isEqualTo(2));
            assertThat(leads.stream().filter(id -> !blocked.contains(id)))
                    .as("finished before the crash: not sent again, though above an unfinished lead")
                    .allSatisfy(id -> assertThat(destination.calls(id)).isEqualTo(1));
            assertThat(outcomes).as("one outcome per lead").hasSize(30);
        }
    }

    @Test
    void readsTheCurrentDestinationAtEveryAttempt() throws Exception {
        String fixed = offer("fixed");
        String deleted = offer("deleted");
        String moved = offer("moved");
        String blob = offer("blob");
        String missing = offer("missing");
        putDestination(fixed, TYPE, "fixed-" + run, 1);
        putDestination(deleted, TYPE, "deleted-" + run, 1);
        putDestination(moved, DestinationType.TABLE, "moved-" + run, 1);
        putDestination(blob, DestinationType.BLOB, "blob-" + run, 1);
        ScriptedDestination destination = new ScriptedDestination();
        destination.script(fixed, Script.failingWhile(d -> d.version() == 1));
        destination.script(deleted, Script.alwaysTransient(ErrorClass.TABLE_UNAVAILABLE));
        SinkConfig config = config(group())
                .withRetryBudget(1_000, Duration.ofSeconds(20))
                .withCircuitBreaker(1_000, Duration.ofMillis(100));
        try (SinkRuntime sink = SinkRuntime.start(config, destination.client(TYPE))) {
            sendLead(lead("fixed"), fixed);
            sendLead(lead("deleted"), deleted);
            sendLead(lead("moved"), moved);
            sendLead(lead("blob"), blob);
            sendLead(lead("missing"), missing);
            byte[] garbage = "{not json".getBytes(StandardCharsets.UTF_8);
            send(lead("garbage"), garbage, null);

            await(
                    "first attempts made",
                    () -> destination.calls(lead("fixed")) >= 1 && destination.calls(lead("deleted")) >= 1,
                    READ_TIMEOUT);
            putDestination(fixed, TYPE, "fixed-" + run, 2); // the publisher fixes the configuration
            deleteDestination(deleted); // the publisher removes it

            Map<String, Outcome> outcomes = byLead(outcomes(r -> r.size() >= 6));
            assertThat(outcomes.get(lead("fixed")).outcome()).isEqualTo(OutcomeType.DELIVERED);
            assertThat(outcomes.get(lead("fixed")).attempts()).isGreaterThanOrEqualTo(2);
            assertThat(outcomes.get(lead("deleted")).errorClass()).isEqualTo(ErrorClass.NO_DESTINATION_CONFIGURED);
            assertThat(outcomes.get(lead("deleted")).attempts()).isGreaterThanOrEqualTo(1);
            assertThat(outcomes.get(lead("moved")).errorClass()).isEqualTo(ErrorClass.NO_DESTINATION_CONFIGURED);
            assertThat(outcomes.get(lead("moved")).attempts())
                    .as("no attempt was made")
                    .isNull();
            assertThat(outcomes.get(lead("blob")).errorClass()).isEqualTo(ErrorClass.DESTINATION_UNSUPPORTED);
            assertThat(outcomes.get(lead("missing")).errorClass()).isEqualTo(ErrorClass.NO_DESTINATION_CONFIGURED);
            assertThat(outcomes.get(lead("garbage")).errorClass()).isEqualTo(ErrorClass.MALFORMED_RECORD);

            Map<String, ConsumerRecord<String, byte[]>> dlq =
                    deadLetters(r -> r.size() >= 5).stream().collect(Collectors.toMap(ConsumerRecord::key, r -> r));
            assertThat(dlq)
                    .containsOnlyKeys(lead("deleted"), lead("moved"), lead("blob"), lead("missing"), lead("garbage"));
            assertThat(dlq.get(lead("garbage")).value()).isEqualTo(garbage);
            assertThat(header(dlq.get(lead("garbage")), DeadLetterHeaders.ERROR_CLASS))
                    .isEqualTo("MALFORMED_RECORD");
            assertThat(header(dlq.get(lead("garbage")), DeadLetterHeaders.ERROR_KIND))
                    .isEqualTo("permanent");
            assertThat(header(dlq.get(lead("moved")), DeadLetterHeaders.UPSTREAM_DETAIL))
                    .contains("table");
            assertThat(header(dlq.get(lead("moved")), DeadLetterHeaders.ATTEMPTS))
                    .isEqualTo("0");
            assertThat(header(dlq.get(lead("missing")), DeadLetterHeaders.ERROR_KIND))
                    .isEqualTo("permanent");
        }
    }

    @Test
    void noSecretOrCustomerAddressLeavesTheProcess() throws Exception {
        String perm = offer("leakperm");
        String spent = offer("leakspent");
        String ok = offer("leakok");
        putDestination(perm, TYPE, "leak-perm-" + run, 1);
        putDestination(spent, TYPE, "leak-spent-" + run, 1);
        putDestination(ok, TYPE, "leak-ok-" + run, 1);
        ScriptedDestination destination = new ScriptedDestination();
        destination.script(perm, Script.permanently(ErrorClass.DYNAMICS_LOGIN_FAILED));
        destination.script(spent, Script.alwaysTransient(ErrorClass.DYNAMICS_TIMEOUT));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SinkConfig config = config(group()).withRetryBudget(3, Duration.ofSeconds(10));
        try (SinkRuntime sink = SinkRuntime.start(config, destination.client(TYPE), registry)) {
            sendLead(lead("perm"), perm);
            sendLead(lead("spent"), spent);
            sendLead(lead("ok"), ok);
            outcomes(r -> r.size() >= 3);

            // every outcome and dead letter on the broker so far, from every test, raw
            List<ConsumerRecord<String, byte[]>> outcomes = TopicReader.readUntil(
                    KAFKA.bootstrapServers(),
                    RAW_OUTCOMES,
                    r -> keys(r).containsAll(List.of(lead("perm"), lead("spent"), lead("ok"))),
                    READ_TIMEOUT,
                    Duration.ofMillis(300));
            for (ConsumerRecord<String, byte[]> r : outcomes) {
                assertThat(new String(r.value(), StandardCharsets.UTF_8)).doesNotContain(CANARY, EMAIL);
            }
            List<ConsumerRecord<String, byte[]>> dlq = TopicReader.readUntil(
                    KAFKA.bootstrapServers(),
                    Topics.LEADS_DLQ,
                    r -> keys(r).containsAll(List.of(lead("perm"), lead("spent"))),
                    READ_TIMEOUT,
                    Duration.ofMillis(300));
            assertThat(dlq).isNotEmpty();
            for (ConsumerRecord<String, byte[]> r : dlq) {
                for (Header h : r.headers()) {
                    if (h.key().startsWith(DeadLetterHeaders.PREFIX)) {
                        assertThat(new String(h.value(), StandardCharsets.UTF_8))
                                .as(h.key())
                                .doesNotContain(CANARY, EMAIL);
                    }
                }
            }
            for (Meter meter : registry.getMeters()) {
                for (Tag tag : meter.getId().getTags()) {
                    assertThat(tag.getValue()).doesNotContain(CANARY, "@", "leak-", "pub" + run);
                }
            }
            assertThat(sink.config().toString()).doesNotContain(CANARY);
        }
        logs.assertNoSecretOrAddress();
        assertThat(logs.lines())
                .as("the log does tell what happened")
                .anyMatch(l -> l.contains(lead("perm")) && l.contains("DYNAMICS_LOGIN_FAILED"));
    }
}
