package dev.leadpipe.faults;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.core.json.Json;

/**
 * Posts leads to ingest's {@code POST /v1/leads/batch} (NDJSON) at a steady rate per offer, and records each lead
 * ingest acknowledged (202 for the item): its leadId, offer, phase and the time of the answer. A stream that falls
 * behind its schedule (ingest slower than the rate) catches up with bigger batches, at most
 * {@value #MAX_BATCH} leads a request; items ingest did not accept are posted again with the same leadId.
 *
 * <p>Each lead carries its own {@code leadId} ({@code <prefix>-<seq>}); the customer data is made up
 * ({@code c<seq>@fabrikam.example}) and appears in no report.
 */
final class LoadGenerator {
    static final int MAX_BATCH = 500;
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One acknowledged lead. */
    record Ack(String leadId, String offerId, String phase, Instant ackedAt) {}

    private final String ingestUrl;
    private final String key;
    private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();

    /** Posting to {@code ingestUrl} with {@code key} ({@code leads:write} or operator). */
    LoadGenerator(String ingestUrl, String key) {
        this.ingestUrl = ingestUrl;
        this.key = key;
    }

    /** A running stream of leads for one offer; {@link #join} waits for its last acknowledgement. */
    final class Stream {
        private final Thread thread;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        private Stream(String offerId, String phase, String idPrefix, int count, Duration over) {
            thread = Thread.ofVirtual().name("load-" + idPrefix).unstarted(() -> {
                try {
                    run(offerId, phase, idPrefix, count, over);
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            thread.start();
        }

        /** Waits until every lead of the stream was acknowledged; fails if posting failed for good. */
        void join() throws InterruptedException {
            thread.join();
            if (failure.get() != null) {
                throw new IllegalStateException("load stream failed: " + failure.get(), failure.get());
            }
        }
    }

    /**
     * Starts posting {@code count} leads for {@code offerId}, spread evenly over {@code over} (all at once, as fast
     * as ingest takes them, when {@code over} is zero), their leadIds {@code <idPrefix>-<seq>}.
     */
    Stream start(String offerId, String phase, String idPrefix, int count, Duration over) {
        return new Stream(offerId, phase, idPrefix, count, over);
    }

    /** {@code perSecond} leads a second for {@code length}. */
    Stream steady(String offerId, String phase, String idPrefix, double perSecond, Duration length) {
        return start(offerId, phase, idPrefix, (int) Math.round(perSecond * length.toMillis() / 1000.0), length);
    }

    /** Every lead acknowledged so far, in order of acknowledgement per stream. */
    List<Ack> acks() {
        return List.copyOf(acks);
    }

    private void run(String offerId, String phase, String idPrefix, int count, Duration over) throws Exception {
        long start = System.nanoTime();
        double perNano = over.isZero() ? Double.POSITIVE_INFINITY : count / (double) over.toNanos();
        List<Integer> pending = new ArrayList<>();
        int next = 0;
        while (next < count || !pending.isEmpty()) {
            long elapsed = System.nanoTime() - start;
            int due = (int) Math.min(count, Math.floor(perNano * elapsed));
            while (next < due && pending.size() < MAX_BATCH) {
                pending.add(next++);
            }
            if (pending.isEmpty()) {
                long nanosToNext = (long) Math.ceil((next + 1) / perNano) - elapsed;
                Thread.sleep(Math.max(1, Math.min(100, nanosToNext / 1_000_000)));
                continue;
            }
            List<Integer> batch = List.copyOf(pending);
            pending.clear();
            pending.addAll(post(offerId, phase, idPrefix, batch));
            if (!pending.isEmpty()) {
                Thread.sleep(200); // ingest refused some (Kafka busy): its Retry-After is a second; retry soon
            }
        }
    }

    /** Posts one batch; returns the sequence numbers not accepted. */
    private List<Integer> post(String offerId, String phase, String idPrefix, List<Integer> seqs) throws Exception {
        StringBuilder ndjson = new StringBuilder();
        for (int seq : seqs) {
            ndjson.append(lead(offerId, idPrefix + "-" + seq, seq)).append('\n');
        }
        HttpResponse<String> r;
        try {
            r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(ingestUrl + "/v1/leads/batch"))
                            .header("Content-Type", "application/x-ndjson")
                            .header("Authorization", "Bearer " + key)
                            .timeout(Duration.ofSeconds(60))
                            .POST(HttpRequest.BodyPublishers.ofString(ndjson.toString()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            return seqs;
        }
        Instant now = Instant.now();
        if (r.statusCode() != 202 && r.statusCode() != 207) {
            if (r.statusCode() == 503 || r.statusCode() == 429) {
                return seqs;
            }
            throw new IllegalStateException("ingest answered " + r.statusCode() + ": " + r.body());
        }
        List<Integer> refused = new ArrayList<>();
        JsonNode items = Json.MAPPER.readTree(r.body()).get("items");
        for (JsonNode item : items) {
            int seq = seqs.get(item.get("index").asInt());
            int status = item.get("status").asInt();
            if (status == 202) {
                acks.add(new Ack(item.get("leadId").asText(), offerId, phase, now));
            } else if (status == 503) {
                refused.add(seq);
            } else {
                throw new IllegalStateException("ingest refused lead " + idPrefix + "-" + seq + ": " + item);
            }
        }
        return refused;
    }

    private static String lead(String offerId, String leadId, int seq) {
        return "{\"leadId\":\"" + leadId + "\",\"offerId\":\"" + offerId + "\",\"UserDetails\":{\"FirstName\":\"Cust"
                + seq + "\",\"LastName\":\"Omer\",\"Email\":\"c" + seq + "@fabrikam.example\",\"Country\":\"US\","
                + "\"Company\":\"Co" + seq + "\"},\"LeadSource\":\"AzureMarketplace-INS|" + offerId
                + "\",\"ActionCode\":\"INS\",\"OfferTitle\":\"Fault suite\",\"Description\":\"lead " + seq + "\"}";
    }
}
