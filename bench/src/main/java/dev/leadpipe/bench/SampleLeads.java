package dev.leadpipe.bench;

/**
 * Lead records shaped like the sample feed (local-run's sample-feed.ndjson): the same fields, with the feed's spread
 * of sizes, made-up customer data. Deterministic for a seed.
 */
public interface SampleLeads {

    /** The i-th lead's JSON (one line, as ingest takes it and as the router reads it on {@code leads}). */
    String json(long i, String offerId, String leadId);

    /** The mean size of {@link #json} in bytes. */
    double meanBytes();
}
