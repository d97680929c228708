package dev.leadpipe.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import dev.leadpipe.ops.Ops;
import dev.leadpipe.ops.OpsServer;

/**
 * One in-process service's {@link Ops} and its ops server ({@code /metrics}, {@code /health/live},
 * {@code /health/ready}) on 127.0.0.1: on the service's default port when that is free (so
 * {@code deploy/monitoring/prometheus.yml} finds it), else on any free port. Closing stops the server and the registry;
 * close the service first.
 */
public final class LocalOps implements AutoCloseable {
    private final Ops ops;
    private final OpsServer server;

    private LocalOps(Ops ops, OpsServer server) {
        this.ops = ops;
        this.server = server;
    }

    /** Starts the ops server of {@code service} on {@code preferredPort} if free (0: any free port). */
    public static LocalOps start(String service, int preferredPort) {
        Ops ops = Ops.forService(service);
        try {
            int port = preferredPort != 0 && portFree(preferredPort) ? preferredPort : 0;
            return new LocalOps(ops, OpsServer.start("127.0.0.1", port, ops));
        } catch (RuntimeException e) {
            ops.close();
            throw e;
        }
    }

    public Ops ops() {
        return ops;
    }

    public int port() {
        return server.port();
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    static boolean portFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        server.close();
        ops.close();
    }
}
