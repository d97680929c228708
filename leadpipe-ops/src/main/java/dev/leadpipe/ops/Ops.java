package dev.leadpipe.ops;

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
                .description("1 when every readiness check passes, else 0").strongReference(true).register(registry);
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

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
