package dev.leadpipe.ops;

import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * One service's operational face: its Prometheus meter registry (every meter tagged {@code service}, plus the JVM's
 * meters) and its {@link Readiness}, exported as the gauge {@value #READY} (1 ready, 0 not). Services register their
 * own meters on {@link #registry()} and their checks on {@link #readiness()}; {@link OpsServer} serves both.
 */
public final class Ops implements AutoCloseable {
    /** The readiness gauge's Micrometer name ({@code leadpipe_ready} in Prometheus). */
    public static final String READY = "leadpipe.ready";

    private final String service;
    private final PrometheusMeterRegistry registry;
    private final Readiness readiness = new Readiness();
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final ReadWriteLock meterRemoval = new ReentrantReadWriteLock();

    private Ops(String service) {
        this.service = service;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("service", service);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        gc.bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder(READY, readiness, r -> r.ready() ? 1 : 0)
                .description("1 when every readiness check passes, else 0")
                .strongReference(true)
                .register(registry);
    }

    /** A registry and readiness for the named service ({@code ingest}, {@code router}, {@code sink-table}...). */
    public static Ops forService(String service) {
        return new Ops(service);
    }

    public String service() {
        return service;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public Readiness readiness() {
        return readiness;
    }

    /** The Prometheus text exposition of every meter; never taken while {@link #removingMeters} runs. */
    public String scrape() {
        meterRemoval.readLock().lock();
        try {
            return registry.scrape();
        } finally {
            meterRemoval.readLock().unlock();
        }
    }

    /**
     * Runs a change that removes meters from the registry (and may register the same series again) while no
     * {@link #scrape} is running. A scrape that overlapped a removal and the series' re-registration could see that
     * series twice, and the Prometheus registry then refuses the whole scrape ("Duplicate labels"). Only adding meters
     * needs no such care.
     */
    public void removingMeters(Runnable change) {
        meterRemoval.writeLock().lock();
        try {
            change.run();
        } finally {
            meterRemoval.writeLock().unlock();
        }
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
