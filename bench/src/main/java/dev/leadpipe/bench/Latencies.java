package dev.leadpipe.bench;

import java.util.Arrays;

/**
 * Latency samples (nanoseconds) and their percentiles by the nearest-rank method: the p-th percentile of n sorted
 * samples is the ⌈p/100 × n⌉-th. Thread-safe; made for up to a few million samples.
 */
public final class Latencies {
    private long[] samples = new long[1024];
    private int size;

    /** Adds one sample in nanoseconds. */
    public synchronized void add(long nanos) {
        if (size == samples.length) {
            samples = Arrays.copyOf(samples, size * 2);
        }
        samples[size++] = nanos;
    }

    /** Adds every sample of {@code other}. */
    public void addAll(Latencies other) {
        for (long s : other.sorted()) {
            add(s);
        }
    }

    public synchronized int count() {
        return size;
    }

    /** The {@code p}-th percentile (0 &lt; p ≤ 100) in milliseconds; NaN without samples. */
    public double percentileMillis(double p) {
        long[] sorted = sorted();
        return percentile(sorted, p) / 1e6;
    }

    /** The largest sample in milliseconds; NaN without samples. */
    public double maxMillis() {
        return percentileMillis(100);
    }

    /** The nearest-rank {@code p}-th percentile of {@code sorted} (ascending), NaN when empty. */
    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        if (p <= 0 || p > 100) {
            throw new IllegalArgumentException("a percentile is in (0, 100]: " + p);
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(1, rank) - 1];
    }

    private synchronized long[] sorted() {
        long[] copy = Arrays.copyOf(samples, size);
        Arrays.sort(copy);
        return copy;
    }
}
