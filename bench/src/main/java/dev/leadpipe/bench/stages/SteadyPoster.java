package dev.leadpipe.bench.stages;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import dev.leadpipe.bench.SampleLeads;
import dev.leadpipe.core.json.Json;

/**
 * Open-loop load on ingest at a fixed offered rate: every {@value #TICK_MS} ms the leads due by then go out as one
 * NDJSON batch ({@code POST /v1/leads/batch}), without waiting for earlier answers (at most {@value #IN_FLIGHT}
 * requests in flight; beyond that the schedule slips, and the achieved rate shows it). Notes when ingest accepted each
 * lead (nanoTime of the 202 answer).
 */
final class SteadyPoster {
    static final int TICK_MS = 20;
    static final int IN_FLIGHT = 64;
    private final IngestRequests ingest;
    private final SampleLeads leads;
    private final AtomicLong sequence = new AtomicLong();

    /** One step's leads: leadId → nanoTime ingest accepted it; refused = leads ingest did not take. */
    record Step(Map<String, Long> accepted, long refused, long startNanos, long endNanos) {}

    SteadyPoster(String baseUrl, String apiKey, SampleLeads leads) {
        this.ingest = new IngestRequests(baseUrl, apiKey);
        this.leads = leads;
    }

    /**
     * Posts {@code perSecond} leads a second during {@code length}, lead i for {@code offers[i mod n]}; returns when
     * all are answered.
     */
    Step run(List<String> offers, String tag, double perSecond, Duration length) throws InterruptedException {
        Map<String, Long> accepted = new ConcurrentHashMap<>();
        AtomicLong refused = new AtomicLong();
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        long total = Math.round(perSecond * length.toNanos() / 1e9);
        long sent = 0;
        while (sent < total) {
            long elapsed = System.nanoTime() - start;
            long due = Math.min(total, (long) Math.floor(perSecond * elapsed / 1e9) + 1);
            if (due > sent) {
                List<String> ids = new ArrayList<>();
                StringBuilder body = new StringBuilder();
                for (long k = sent; k < due; k++) {
                    long i = sequence.getAndIncrement();
                    String id = tag + "-" + i;
                    ids.add(id);
                    body.append(leads.json(i, offers.get((int) (i % offers.size())), id))
                            .append('\n');
                }
                sent = due;
                inFlight.acquire();
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        post(body.toString(), ids, accepted, refused);
                    } finally {
                        inFlight.release();
                    }
                }));
            }
            long next = start + (long) ((sent) / perSecond * 1e9);
            long sleepNanos = Math.min(TICK_MS * 1_000_000L, next - System.nanoTime());
            if (sleepNanos > 0) {
                Thread.sleep(sleepNanos / 1_000_000, (int) (sleepNanos % 1_000_000));
            }
        }
        long end = System.nanoTime();
        for (Thread t : threads) {
            t.join();
        }
        return new Step(Map.copyOf(accepted), refused.get(), start, end);
    }

    private void post(String ndjson, List<String> ids, Map<String, Long> accepted, AtomicLong refused) {
        try {
            HttpResponse<String> r = ingest.send(ingest.batch(ndjson, Duration.ofSeconds(30)));
            long now = System.nanoTime();
            if (r.statusCode() == 202) {
                ids.forEach(id -> accepted.put(id, now));
            } else if (r.statusCode() == 207) {
                for (JsonNode item : Json.MAPPER.readTree(r.body()).get("items")) {
                    if (item.get("status").asInt() == 202) {
                        accepted.put(ids.get(item.get("index").asInt()), now);
                    } else {
                        refused.incrementAndGet();
                    }
                }
            } else {
                refused.addAndGet(ids.size());
            }
        } catch (Exception e) {
            refused.addAndGet(ids.size());
        }
    }
}
