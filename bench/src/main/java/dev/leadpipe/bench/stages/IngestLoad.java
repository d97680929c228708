package dev.leadpipe.bench.stages;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.leadpipe.bench.Latencies;
import dev.leadpipe.bench.SampleLeads;

/**
 * Closed-loop HTTP load on ingest: {@code connections} virtual threads, each sending one request after the other over
 * keep-alive HTTP/1.1 connections for a fixed time, single leads ({@code POST /v1/leads}) or NDJSON batches
 * ({@code POST /v1/leads/batch}). Counts the leads ingest accepted (202, or 202 items of a 207) and each request's
 * latency; what is sent during the warm-up is not counted.
 */
final class IngestLoad {
    private final IngestRequests ingest;
    private final SampleLeads leads;
    private final AtomicLong sequence = new AtomicLong();

    /** What a load measured: leads accepted a second, request latencies, requests refused or failed. */
    record Result(double leadsPerSecond, Latencies latencies, long errors, long requests) {}

    IngestLoad(String baseUrl, String apiKey, SampleLeads leads) {
        this.ingest = new IngestRequests(baseUrl, apiKey);
        this.leads = leads;
    }

    /** {@code connections} loops, each posting {@code batch} leads a request (1: the single-lead endpoint). */
    Result run(String tag, int connections, int batch, Duration warmUp, Duration measure) throws Exception {
        long begin = System.nanoTime();
        long countFrom = begin + warmUp.toNanos();
        long end = countFrom + measure.toNanos();
        Latencies latencies = new Latencies();
        AtomicLong accepted = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong requests = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            threads.add(Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < end) {
                    HttpRequest request = batch == 1 ? single(tag) : batch(tag, batch);
                    long t0 = System.nanoTime();
                    int ok;
                    try {
                        HttpResponse<String> r = ingest.send(request);
                        ok = acceptedIn(r, batch);
                    } catch (Exception e) {
                        ok = -1;
                    }
                    long t1 = System.nanoTime();
                    if (t0 >= countFrom && t1 <= end) {
                        requests.incrementAndGet();
                        latencies.add(t1 - t0);
                        if (ok < 0) {
                            errors.incrementAndGet();
                        } else {
                            accepted.addAndGet(ok);
                        }
                    }
                    if (ok < 0) {
                        sleep(50);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return new Result(accepted.get() / (measure.toNanos() / 1e9), latencies, errors.get(), requests.get());
    }

    private HttpRequest single(String tag) {
        long i = sequence.getAndIncrement();
        return ingest.single(leads.json(i, "bench.ingest-offer", tag + "-" + i), Duration.ofSeconds(30));
    }

    private HttpRequest batch(String tag, int size) {
        StringBuilder b = new StringBuilder(size * 300);
        for (int k = 0; k < size; k++) {
            long i = sequence.getAndIncrement();
            b.append(leads.json(i, "bench.ingest-offer", tag + "-" + i)).append('\n');
        }
        return ingest.batch(b.toString(), Duration.ofSeconds(60));
    }

    /** Leads accepted by one answer; -1 when the whole request was refused. */
    private static int acceptedIn(HttpResponse<String> r, int batch) {
        if (r.statusCode() == 202) {
            return batch;
        }
        if (r.statusCode() == 207) {
            int n = 0;
            for (int at = r.body().indexOf("\"status\":202");
                    at >= 0;
                    at = r.body().indexOf("\"status\":202", at + 1)) {
                n++;
            }
            return n;
        }
        return -1;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
