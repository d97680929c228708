package dev.leadpipe.bench;

/** A leadpipe service running in its own JVM, started by {@link Bench#start}; {@link #close} stops it (SIGTERM). */
public interface ServiceJvm extends AutoCloseable {

    /** The service's name as bin/leadpipe has it. */
    String service();

    /** Its HTTP port (ingest's API port, or the ops port with /metrics and health). */
    int port();

    /** The heap and CPU the JVM used since it started: peak heap used, CPU seconds. */
    ResourceUse use();

    @Override
    void close();

    /** Peak heap used (after any collection, sampled) in MiB and the process's CPU time in seconds. */
    record ResourceUse(double peakHeapMiB, double cpuSeconds) {}
}
