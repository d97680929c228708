package dev.leadpipe.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.leadpipe.core.json.Json;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.UserDetails;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.outcome.OutcomeType;
import dev.leadpipe.core.topic.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A test lead's trip through the real pipeline: writes a new marketplace-style test lead for an offer to
 * {@code leads} and completes with its outcome as {@link TestLeadEndpoints} answers it (DELIVERED: its record id;
 * SENT_UNCONFIRMED: {@code confirmed} false, a message and the sink's advice as {@code detail}; SUPPRESSED and
 * DEAD_LETTERED: the class, its remediation and the detail), or fails with {@link Timeout}
 * when no outcome came within {@code timeout} (the lead may still be retried). Knows nothing of HTTP.
 */
record TestLeadRoundTrip(KafkaWriter writer, OutcomeAwaiter outcomes, Clock clock, Duration timeout) {
    private static final Logger LOG = LoggerFactory.getLogger(TestLeadRoundTrip.class);
    /** .NET ticks (100 ns since 0001-01-01) at the Unix epoch: the marketplace's test leads carry ticks. */
    private static final long TICKS_AT_EPOCH = 621_355_968_000_000_000L;

    /** Writes a new test lead for the offer and completes with its outcome as answered, or fails with a timeout. */
    CompletableFuture<ObjectNode> send(String offerId) {
        Instant now = clock.instant();
        Lead lead = testLead(offerId, now);
        CompletableFuture<Outcome> outcome = outcomes.await(lead.leadId());
        long started = System.nanoTime();
        LOG.info("validating the lead destination of offer {} with test lead {}", offerId, lead.leadId());
        return writer.send(Topics.LEADS, lead.leadId(), lead)
                .thenCompose(written -> outcome.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS))
                .thenApply(o -> answer(o, Duration.ofNanos(System.nanoTime() - started)))
                .whenComplete((r, e) -> outcomes.forget(lead.leadId()))
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(
                        KafkaWriter.unwrap(e) instanceof TimeoutException ? new Timeout(lead.leadId()) : e));
    }

    private static ObjectNode answer(Outcome o, Duration elapsed) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("offerId", o.offerId());
        json.put("leadId", o.leadId());
        json.put("outcome", o.outcome().name().toLowerCase(java.util.Locale.ROOT));
        if (o.destinationType() != null) {
            json.put("destinationType", o.destinationType());
        }
        if (o.outcome() == OutcomeType.DELIVERED) {
            json.put("destinationRecordId", o.destinationRecordId());
        } else if (o.outcome() == OutcomeType.SENT_UNCONFIRMED) {
            json.put("confirmed", false);
            json.put(
                    "message",
                    "the test lead " + o.leadId() + " was sent to the " + o.destinationType()
                            + " destination, which cannot confirm it kept it: sent, not confirmed");
            if (o.detail() != null) {
                json.put("detail", o.detail());
            }
        } else if (o.errorClass() != null) {
            json.put("errorClass", o.errorClass().code());
            json.put("remediation", o.errorClass().remediation());
            if (o.detail() != null) {
                json.put("detail", o.detail());
            }
        }
        if (o.attempts() != null) {
            json.put("attempts", o.attempts());
        }
        json.put("elapsedMs", elapsed.toMillis());
        return json;
    }

    /** The marketplace-style test lead: every personal field {@code MSFT_TEST_<ticks>}, leadId the same. */
    static Lead testLead(String offerId, Instant now) {
        long ticks = TICKS_AT_EPOCH + now.getEpochSecond() * 10_000_000L + now.getNano() / 100;
        String marker = Lead.TEST_LEAD_PREFIX + ticks;
        UserDetails user =
                new UserDetails(marker, marker, marker + "@test.com", "1234567890", "US", marker, marker, null);
        return new Lead(
                marker, offerId, now, true, user, "AzureMarketplace-INS|" + offerId, "INS", marker, marker, null);
    }

    /** No outcome came within the timeout. */
    static final class Timeout extends RuntimeException {
        final String leadId;

        Timeout(String leadId) {
            super("no outcome for " + leadId, null, false, false);
            this.leadId = leadId;
        }
    }
}
