package dev.leadpipe.faults;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.common.header.Header;

/**
 * What the pipeline said about each lead since a scenario started: every outcome on {@code lead-outcomes} (the last
 * one per leadId, and how many there were) and every record on {@code leads-dlq} (its error class per leadId), both
 * followed live by a {@link TopicTail}.
 */
final class OutcomeLedger implements AutoCloseable {
    private final Map<String, Outcome> last = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> outcomeCount = new ConcurrentHashMap<>();
    private final Map<String, String> deadLetterClass = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> deadLetterCount = new ConcurrentHashMap<>();
    private final TopicTail<Outcome> outcomes;
    private final TopicTail<byte[]> deadLetters;

    OutcomeLedger(String bootstrap) {
        outcomes = new TopicTail<>(bootstrap, Topics.LEAD_OUTCOMES, r -> {
            if (r.value() != null) {
                last.put(r.key(), r.value());
                outcomeCount.computeIfAbsent(r.key(), k -> new AtomicInteger()).incrementAndGet();
            }
        });
        deadLetters = new TopicTail<>(bootstrap, Topics.LEADS_DLQ, r -> {
            Header h = r.headers().lastHeader(DeadLetterHeaders.ERROR_CLASS);
            deadLetterClass.put(r.key(), h == null ? "?" : new String(h.value(), StandardCharsets.UTF_8));
            deadLetterCount.computeIfAbsent(r.key(), k -> new AtomicInteger()).incrementAndGet();
        });
    }

    /** The last outcome of {@code leadId} seen so far, or null. */
    Outcome last(String leadId) {
        return last.get(leadId);
    }

    /** How many outcomes {@code leadId} got (a re-delivered lead may get two). */
    int outcomeCount(String leadId) {
        AtomicInteger n = outcomeCount.get(leadId);
        return n == null ? 0 : n.get();
    }

    /** How many dead-letter records {@code leadId} got, and its last error class (null when none). */
    int deadLetterCount(String leadId) {
        AtomicInteger n = deadLetterCount.get(leadId);
        return n == null ? 0 : n.get();
    }

    String deadLetterClass(String leadId) {
        return deadLetterClass.get(leadId);
    }

    /**
     * Waits until every one of {@code leadIds} has an outcome, or {@code timeout}; returns how many still have none.
     * Then reads both topics to their current end, so what follows sees everything written so far.
     */
    int awaitOutcomes(Collection<String> leadIds, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long missing = leadIds.stream().filter(id -> !last.containsKey(id)).count();
        while (missing > 0 && System.nanoTime() < deadline) {
            Thread.sleep(250);
            missing = leadIds.stream().filter(id -> !last.containsKey(id)).count();
        }
        catchUp();
        return (int) leadIds.stream().filter(id -> !last.containsKey(id)).count();
    }

    /** Waits until at least {@code n} of {@code leadIds} have an outcome (or {@code timeout}). */
    void awaitAtLeast(Collection<String> leadIds, int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (leadIds.stream().filter(last::containsKey).count() < n && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    /** Reads both topics to their end offsets as of now. */
    void catchUp() throws InterruptedException {
        outcomes.catchUp();
        deadLetters.catchUp();
    }

    @Override
    public void close() throws InterruptedException {
        outcomes.close();
        deadLetters.close();
    }
}
