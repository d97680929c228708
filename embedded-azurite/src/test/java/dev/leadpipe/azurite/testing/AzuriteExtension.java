package dev.leadpipe.azurite.testing;

import dev.leadpipe.azurite.AzuriteServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension giving a test class a real Azurite Table service (a fresh one per test class, on a free port).
 * Register it as {@code @RegisterExtension static final AzuriteExtension AZURITE = new AzuriteExtension();} and use
 * {@link #connectionString()}. The default keeps data in memory; {@link #persistent()} keeps it in a temporary
 * directory so it survives {@code AZURITE.server().stop()} / {@code restart()}.
 */
public final class AzuriteExtension implements BeforeAllCallback, AfterAllCallback {
    private final boolean persistent;
    private AzuriteServer server;

    /** Azurite with in-memory storage. */
    public AzuriteExtension() {
        this(false);
    }

    private AzuriteExtension(boolean persistent) {
        this.persistent = persistent;
    }

    /** Azurite with a temporary location directory: data survives a stop and restart of the server. */
    public static AzuriteExtension persistent() {
        return new AzuriteExtension(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = persistent ? AzuriteServer.startPersistent() : AzuriteServer.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** The running server: stop it, restart it, read its port. */
    public AzuriteServer server() {
        if (server == null) {
            throw new IllegalStateException("Azurite starts in beforeAll: register the extension on a static field");
        }
        return server;
    }

    /** The development account's connection string at this server. */
    public String connectionString() {
        return server().connectionString();
    }

    /** {@code http://127.0.0.1:PORT/devstoreaccount1}. */
    public String tableEndpoint() {
        return server().tableEndpoint();
    }

    public int port() {
        return server().port();
    }
}
