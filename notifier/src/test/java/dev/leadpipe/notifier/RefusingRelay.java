package dev.leadpipe.notifier;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A tiny SMTP relay for tests that answers {@code RCPT TO} for the given addresses with a permanent refusal
 * ({@code 550 5.1.1 <address>: user unknown}, echoing the address as real relays do), for the addresses
 * {@link #defer deferred} with a temporary one ({@code 451 4.3.0}), and accepts everything else, keeping each
 * accepted message (its recipients and data) in arrival order. It counts the connections it was opened, and
 * can {@link #closeEvery close} a connection after a number of messages, as relays limiting messages per connection do
 * ({@code 421} to the next {@code MAIL FROM}, then the connection is closed).
 */
final class RefusingRelay implements AutoCloseable {
    /** One accepted message: its envelope recipients, its data (headers and body), when it arrived. */
    record Received(List<String> recipients, String data, long atNanos) {}

    private final Set<String> refused;
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Set<String> deferred = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicInteger connections =
            new java.util.concurrent.atomic.AtomicInteger();
    private volatile int messagesPerConnection = Integer.MAX_VALUE;
    private volatile long acceptMillis;

    RefusingRelay(Set<String> refused) throws IOException {
        this.refused = refused;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.submit(this::accept);
    }

    /** Answers RCPT for these addresses with 451 until {@link #stopDeferring()}. */
    void defer(String... addresses) {
        deferred.addAll(List.of(addresses));
    }

    void stopDeferring() {
        deferred.clear();
    }

    /** From now on, a connection is closed after this many accepted messages. */
    void closeEvery(int messages) {
        messagesPerConnection = messages;
    }

    /** From now on, each message's data is answered only after this long, as a relay far away or busy would. */
    void takeForEachMessage(java.time.Duration time) {
        acceptMillis = time.toMillis();
    }

    /** How many connections clients opened so far. */
    int connections() {
        return connections.get();
    }

    int port() {
        return server.getLocalPort();
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                threads.submit(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket;
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                OutputStream out = socket.getOutputStream()) {
            reply(out, "220 refusing-relay ESMTP");
            List<String> rcpts = new ArrayList<>();
            int accepted = 0;
            String line;
            while ((line = in.readLine()) != null) {
                String upper = line.toUpperCase(Locale.ROOT);
                if (upper.startsWith("EHLO") || upper.startsWith("HELO")) {
                    reply(out, "250 refusing-relay");
                } else if (upper.startsWith("MAIL FROM")) {
                    if (accepted >= messagesPerConnection) {
                        reply(out, "421 4.7.0 too many messages on this connection, closing");
                        return;
                    }
                    rcpts.clear();
                    reply(out, "250 2.1.0 OK");
                } else if (upper.startsWith("RCPT TO")) {
                    String address = line.substring(line.indexOf('<') + 1, line.lastIndexOf('>'));
                    if (refused.contains(address)) {
                        reply(out, "550 5.1.1 <" + address + ">: user unknown");
                    } else if (deferred.contains(address)) {
                        reply(out, "451 4.3.0 <" + address + ">: try again later");
                    } else {
                        rcpts.add(address);
                        reply(out, "250 2.1.5 OK");
                    }
                } else if (upper.equals("DATA")) {
                    reply(out, "354 go ahead");
                    StringBuilder data = new StringBuilder();
                    while ((line = in.readLine()) != null && !line.equals(".")) {
                        data.append(line.startsWith("..") ? line.substring(1) : line)
                                .append('\n');
                    }
                    if (acceptMillis > 0) {
                        try {
                            Thread.sleep(acceptMillis);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    received.add(new Received(List.copyOf(rcpts), data.toString(), System.nanoTime()));
                    accepted++;
                    reply(out, "250 2.0.0 queued");
                } else if (upper.equals("QUIT")) {
                    reply(out, "221 bye");
                    return;
                } else {
                    reply(out, "250 OK"); // RSET, NOOP
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static void reply(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
