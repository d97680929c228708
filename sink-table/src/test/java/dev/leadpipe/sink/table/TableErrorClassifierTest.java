package dev.leadpipe.sink.table;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLHandshakeException;

import com.sun.net.httpserver.HttpServer;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.sink.runtime.DeliveryException;
import dev.leadpipe.sink.runtime.DeliveryFailure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.leadpipe.sink.table.TableLeads.destination;
import static dev.leadpipe.sink.table.TableLeads.lead;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The status/code matrix of {@link TableErrorClassifier}: directly, and through real HTTP exchanges with a small
 * local server answering like the Table service (503 ServerBusy with Retry-After, 500, 429, 403, 400, a hang, a reset).
 */
class TableErrorClassifierTest {
    private static final String KEY = TableAccount.DEVELOPMENT_KEY;
    private static final String SAS_SIG = "k3y%2BSig%3D";

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    @ParameterizedTest(name = "{0} {1} -> {2}, transient={3}")
    @CsvSource({
        "403, AuthenticationFailed,            TABLE_AUTH_FAILED,      false",
        "403, AuthorizationFailure,            TABLE_AUTH_FAILED,      false",
        "403, AuthorizationPermissionMismatch, TABLE_AUTH_FAILED,      false",
        "401, '',                              TABLE_AUTH_FAILED,      false",
        "400, InvalidAuthenticationInfo,       TABLE_AUTH_FAILED,      false",
        "503, ServerBusy,                      TABLE_UNAVAILABLE,      true",
        "500, InternalError,                   TABLE_UNAVAILABLE,      true",
        "502, '',                              TABLE_UNAVAILABLE,      true",
        "504, '',                              TABLE_UNAVAILABLE,      true",
        "408, '',                              TABLE_UNAVAILABLE,      true",
        "429, '',                              TABLE_UNAVAILABLE,      true",
        "400, InvalidInput,                    DESTINATION_HTTP_ERROR, false",
        "404, ResourceNotFound,                DESTINATION_HTTP_ERROR, false",
        "409, EntityAlreadyExists,             DESTINATION_HTTP_ERROR, false",
        "413, RequestBodyTooLarge,             DESTINATION_HTTP_ERROR, false",
    })
    void statusAndCodeMatrix(int status, String code, ErrorClass expected, boolean transientExpected) {
        DeliveryFailure f =
                TableErrorClassifier.classifyStatus(status, code, "msg\nRequestId:1\nTime:2", null, Set.of());
        assertThat(f.errorClass()).isEqualTo(expected);
        assertThat(f.isTransient()).isEqualTo(transientExpected);
        assertThat(f.httpStatus()).isEqualTo(status);
        assertThat(f.detail()).isEqualTo((code.isEmpty() ? "HTTP " + status : code) + ": msg");
    }

    @Test
    void transportFailuresByCauseChain() {
        assertThat(classify(new RuntimeException(new UnknownHostException("nosuchaccount.table.core.windows.net"))))
                .returns(ErrorClass.TABLE_ACCOUNT_NOT_FOUND, DeliveryFailure::errorClass)
                .returns(false, DeliveryFailure::isTransient);
        for (Throwable transport : List.of(
                new ConnectException("Connection refused"),
                new SocketTimeoutException("Read timed out"),
                new TimeoutException("Channel response timed out"),
                new IOException("Connection reset by peer"))) {
            assertThat(classify(new RuntimeException("wrapped", transport)))
                    .as("%s", transport)
                    .returns(ErrorClass.TABLE_UNAVAILABLE, DeliveryFailure::errorClass)
                    .returns(true, DeliveryFailure::isTransient);
        }
        assertThat(classify(new RuntimeException(new SSLHandshakeException("PKIX path building failed"))))
                .returns(ErrorClass.DESTINATION_HTTP_ERROR, DeliveryFailure::errorClass)
                .returns(false, DeliveryFailure::isTransient);
        assertThat(classify(new IllegalStateException("something else")))
                .returns(ErrorClass.UNKNOWN, DeliveryFailure::errorClass)
                .returns(true, DeliveryFailure::isTransient);
    }

    @Test
    void secretValuesIncludeTheKeyAndSasPartsOfConnectionStrings() {
        String cs = "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + KEY;
        String sas = "TableEndpoint=https://acct.table.core.windows.net;SharedAccessSignature=sv=2019&sig=" + SAS_SIG;
        assertThat(TableErrorClassifier.secretValues(Map.of("connectionString", cs, "tableName", "contoso-private")))
                .as("a setting the table spec does not declare is kept out too")
                .contains(cs, KEY, "contoso-private")
                .doesNotContain("acct", "https");
        assertThat(TableErrorClassifier.secretValues(Map.of("connectionString", sas)))
                .contains(SAS_SIG, "k3y+Sig=");
    }

    @Test
    void serverBusyWithRetryAfterIsTransientAndTheSdkDoesNotRetry() throws Exception {
        startTableLikeServer(503, "ServerBusy", "The server is busy.", Map.of("Retry-After", "7"));
        DeliveryFailure f = deliverExpectingFailure(Duration.ofSeconds(5));
        assertThat(f.errorClass()).isEqualTo(ErrorClass.TABLE_UNAVAILABLE);
        assertThat(f.isTransient()).isTrue();
        assertThat(f.httpStatus()).isEqualTo(503);
        assertThat(f.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(f.detail()).isEqualTo("ServerBusy: The server is busy.");
        assertThat(requests.get())
                .as("one request: the SDK's own retries are off")
                .isEqualTo(1);
    }

    @Test
    void internalErrorIsTransient() throws Exception {
        startTableLikeServer(500, "InternalError", "The server encountered an internal error.", Map.of());
        DeliveryFailure f = deliverExpectingFailure(Duration.ofSeconds(5));
        assertThat(f.errorClass()).isEqualTo(ErrorClass.TABLE_UNAVAILABLE);
        assertThat(f.httpStatus()).isEqualTo(500);
        assertThat(f.retryAfter()).isNull();
        assertThat(requests.get()).isEqualTo(1);
    }

    @Test
    void throttlingHonoursTheMillisecondRetryHeader() throws Exception {
        startTableLikeServer(429, "TooManyRequests", "Too many requests.", Map.of("x-ms-retry-after-ms", "1500"));
        DeliveryFailure f = deliverExpectingFailure(Duration.ofSeconds(5));
        assertThat(f.errorClass()).isEqualTo(ErrorClass.TABLE_UNAVAILABLE);
        assertThat(f.isTransient()).isTrue();
        assertThat(f.retryAfter()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void authenticationFailedInAzuresXmlShapeIsPermanentAndRedacted() throws Exception {
        String xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>AuthenticationFailed</Code>"
                + "<Message>Server failed to authenticate the request for mei.lin@contoso.example with key " + KEY
                + "\nRequestId:0e5b\nTime:2026-11-24T08:00:00Z</Message></Error>";
        startServer(403, "application/xml", xml, Map.of("x-ms-error-code", "AuthenticationFailed"));
        DeliveryFailure f = deliverExpectingFailure(Duration.ofSeconds(5));
        assertThat(f.errorClass()).isEqualTo(ErrorClass.TABLE_AUTH_FAILED);
        assertThat(f.isTransient()).isFalse();
        assertThat(f.httpStatus()).isEqualTo(403);
        assertThat(f.detail())
                .startsWith("AuthenticationFailed: Server failed to authenticate the request for")
                .doesNotContain(KEY, "mei.lin", "RequestId");
    }

    @Test
    void anotherClientErrorIsAPermanentHttpErrorWithItsStatus() throws Exception {
        startTableLikeServer(400, "InvalidInput", "One of the request inputs is not valid.", Map.of());
        DeliveryFailure f = deliverExpectingFailure(Duration.ofSeconds(5));
        assertThat(f.errorClass()).isEqualTo(ErrorClass.DESTINATION_HTTP_ERROR);
        assertThat(f.httpStatus()).isEqualTo(400);
        assertThat(f.isTransient()).isFalse();
        assertThat(f.detail()).isEqualTo("InvalidInput: One of the request inputs is not valid.");
    }

    @Test
    void aServiceThatDoesNotAnswerInTimeIsTransientlyUnavailable() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        java.util.concurrent.CountDownLatch answer = new java.util.concurrent.CountDownLatch(1);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            try {
                answer.await(60, java.util.concurrent.TimeUnit.SECONDS); // no answer until the client has given up
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.start();
        try {
            // the server holds its answer for 60 s: returning well before shows the 800 ms timeout at work
            long started = System.nanoTime();
            DeliveryFailure f = deliverExpectingFailure(Duration.ofMillis(800));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
            System.out.println("no answer -> " + f);
            assertThat(f.errorClass()).isEqualTo(ErrorClass.TABLE_UNAVAILABLE);
            assertThat(f.isTransient()).isTrue();
        } finally {
            answer.countDown();
        }
    }

    @Test
    void aConnectionClosedWithoutAnAnswerIsTransientlyUnavailable() throws Exception {
        try (ServerSocket rude = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = Thread.ofVirtual().start(() -> {
                while (!rude.isClosed()) {
                    try (Socket s = rude.accept()) {
                        s.getInputStream().read(); // read a little of the request, then hang up
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            String cs = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + KEY
                    + ";TableEndpoint=http://127.0.0.1:" + rude.getLocalPort() + "/devstoreaccount1;";
            try (TableDestinationClient client = new TableDestinationClient(Duration.ofSeconds(5))) {
                DeliveryException e = catchThrowableOfType(
                        DeliveryException.class, () -> client.deliver(lead("lead-rude-1", "Contoso"), destination(cs)));
                assertThat(e).isNotNull();
                System.out.println("closed connection -> " + e.failure());
                assertThat(e.failure().errorClass()).isEqualTo(ErrorClass.TABLE_UNAVAILABLE);
                assertThat(e.failure().isTransient()).isTrue();
            }
            rude.close();
            acceptor.join(2000);
        }
    }

    private static DeliveryFailure classify(Throwable t) {
        return TableErrorClassifier.classify(t, Set.of());
    }

    /** Answers every request like the Table service: JSON odata.error body and x-ms-error-code. */
    private void startTableLikeServer(int status, String code, String message, Map<String, String> headers)
            throws IOException {
        String body = "{\"odata.error\":{\"code\":\"" + code + "\",\"message\":{\"lang\":\"en-US\",\"value\":\""
                + message + "\\nRequestId:5a2347da-5c8d-4f71\\nTime:2026-11-24T20:53:06.536Z\"}}}";
        Map<String, String> all = new java.util.HashMap<>(headers);
        all.put("x-ms-error-code", code);
        startServer(status, "application/json;odata=minimalmetadata;streaming=true;charset=utf-8", body, all);
    }

    private void startServer(int status, String contentType, String body, Map<String, String> headers)
            throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.getResponseHeaders().set("x-ms-request-id", "5a2347da-5c8d-4f71");
            headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    private DeliveryFailure deliverExpectingFailure(Duration timeout) {
        String cs = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + KEY
                + ";TableEndpoint=http://127.0.0.1:" + server.getAddress().getPort() + "/devstoreaccount1;";
        try (TableDestinationClient client = new TableDestinationClient(timeout)) {
            DeliveryException e = catchThrowableOfType(
                    DeliveryException.class, () -> client.deliver(lead("lead-stub-1", "Contoso"), destination(cs)));
            assertThat(e).as("delivery should fail").isNotNull();
            assertThat(e.getMessage()).doesNotContain(KEY);
            return e.failure();
        }
    }
}
