package dev.leadpipe.status;

import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.leadpipe.ops.Ops;

/**
 * The status service as a process: reads {@link StatusConfig#fromEnvironment()} ({@code KAFKA_BOOTSTRAP_SERVERS},
 * {@code STATUS_HOST}, {@code STATUS_PORT}, {@code STATUS_STATE_DIR}, {@code STATUS_OFFER_SERIES_LIMIT}) and runs
 * until SIGTERM / Ctrl-C. Exits 2 with one line naming every bad setting, 1 if it does not start or stops for good.
 */
public final class StatusApp {
    private static final Logger LOG = LoggerFactory.getLogger(StatusApp.class);

    private StatusApp() {
    }

    public static void main(String[] args) throws InterruptedException {
        StatusConfig config;
        try {
            config = StatusConfig.fromEnvironment();
        } catch (IllegalArgumentException e) {
            System.err.println("status: " + e.getMessage());
            System.exit(2);
            return;
        }
        Ops ops = Ops.forService("status");
        StatusService service;
        try {
            service = StatusService.start(config, ops);
        } catch (RuntimeException e) {
            LOG.error("the status service did not start: {}", e.getMessage());
            ops.close();
            System.exit(1);
            return;
        }
        AtomicBoolean shuttingDown = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shuttingDown.set(true);
            service.close();
            ops.close();
        }, "status-shutdown"));
        service.awaitTermination();
        if (!shuttingDown.get() && service.state() == KafkaStreams.State.ERROR) {
            LOG.error("the status service stopped after an unrecoverable error");
            service.close();
            System.exit(1);
        }
    }
}
