package dev.leadpipe.bench;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a {@link Stage} gets from the run: the broker every stage shares (a real KRaft broker in a JVM of its own),
 * the service JVMs it may start, lead-sized sample records, a work folder, and a volume scale.
 */
public interface Bench {

    /** The broker's bootstrap servers (PLAINTEXT, loopback). */
    String bootstrapServers();

    /** A fresh folder of this run for the stage's files. */
    Path workDir(String name);

    /**
     * Starts one leadpipe service from its runnable jar in a JVM of its own ({@code java -jar
     * <module>/target/<module>-<version>.jar}, as {@code bin/leadpipe SERVICE} does), with the broker's bootstrap
     * servers and {@code env} on top of a cleared environment, and waits until its {@code /health/ready} answers.
     *
     * @param service as bin/leadpipe names it: ingest, router, sink-https, sink-table, notifier, …
     * @param heap    the JVM's {@code -Xmx}, e.g. "256m"
     */
    ServiceJvm start(String service, Map<String, String> env, String heap) throws Exception;

    /** Lead-sized records shaped like the sample feed, with the same spread of sizes. */
    SampleLeads leads();

    /** 1.0 for the full run; smaller for a quick run (CI's smoke), which multiplies every volume and duration. */
    double scale();

    /** One progress line on stderr. */
    void progress(String line);
}
