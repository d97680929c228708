package dev.leadpipe.azurite.testing;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.leadpipe.azurite.AzuriteInstall;
import dev.leadpipe.azurite.AzuriteServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** AzuriteServer against the real emulator, spoken to over its REST API with SharedKeyLite signatures. */
class AzuriteServerTest {

    @RegisterExtension
    static final AzuriteExtension AZURITE = new AzuriteExtension();

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void extensionServerAnswersAsTheTableServiceAndChecksSignatures() throws Exception {
        AzuriteServer server = AZURITE.server();
        assertThat(server.isRunning()).isTrue();
        assertThat(AZURITE.connectionString())
                .isEqualTo("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
                        + "AccountKey=" + AzuriteServer.ACCOUNT_KEY + ";TableEndpoint=http://127.0.0.1:"
                        + AZURITE.port()
                        + "/devstoreaccount1;");

        HttpResponse<String> unsigned = HTTP.send(
                HttpRequest.newBuilder(URI.create(AZURITE.tableEndpoint() + "/Tables"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).isEqualTo(403);
        assertThat(unsigned.headers().firstValue("Server")).hasValue("Azurite-Table/" + AzuriteInstall.VERSION);

        assertThat(createTable(server, "Answers").statusCode()).isEqualTo(201);
        assertThat(getTable(server, "Answers").statusCode()).isEqualTo(200);
        assertThat(getTable(server, "Missing").statusCode()).isEqualTo(404);
    }

    @Test
    void dataSurvivesStopAndRestartWithALocationDirectory() throws Exception {
        try (AzuriteServer server = AzuriteServer.startPersistent()) {
            Path location = server.location().orElseThrow();
            int port = server.port();
            assertThat(createTable(server, "Survivors").statusCode()).isEqualTo(201);

            long pid = server.pid().orElseThrow();
            server.stop();
            assertThat(server.isRunning()).isFalse();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
                    .isIn(java.util.Optional.empty(), java.util.Optional.of(false));
            assertThatThrownBy(() -> connect(port)).isInstanceOf(ConnectException.class);

            server.restart();
            assertThat(server.port()).isEqualTo(port);
            assertThat(getTable(server, "Survivors").statusCode()).isEqualTo(200);

            server.restart(); // a restart of a running server: stop, then start
            assertThat(getTable(server, "Survivors").statusCode()).isEqualTo(200);
            server.close();
            assertThat(location).doesNotExist();
        }
    }

    @Test
    void inMemoryDataIsLostOnRestart() throws Exception {
        try (AzuriteServer server = AzuriteServer.start()) {
            assertThat(server.isPersistent()).isFalse();
            assertThat(createTable(server, "Ephemeral").statusCode()).isEqualTo(201);
            server.restart();
            assertThat(getTable(server, "Ephemeral").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void fixedPortAndNoProcessLeftAfterClose() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        long pid;
        Path log;
        try (AzuriteServer server = AzuriteServer.builder().port(port).start()) {
            assertThat(server.port()).isEqualTo(port);
            assertThat(server.tableEndpoint()).isEqualTo("http://127.0.0.1:" + port + "/devstoreaccount1");
            pid = server.pid().orElseThrow();
            log = server.logFile();
        }
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(Files.readString(log)).contains("successfully started", "successfully closed");
    }

    @Test
    void aTakenFixedPortFailsClearly() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() ->
                            AzuriteServer.builder().port(taken.getLocalPort()).start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("did not start")
                    .hasMessageContaining("EADDRINUSE");
        }
    }

    private static void connect(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        }
    }

    static HttpResponse<String> createTable(AzuriteServer server, String table) throws Exception {
        return send(server, "POST", "/Tables", "{\"TableName\":\"" + table + "\"}");
    }

    static HttpResponse<String> getTable(AzuriteServer server, String table) throws Exception {
        return send(server, "GET", "/Tables('" + table + "')", null);
    }

    /** One Table REST call signed with SharedKeyLite, as the SDKs do it. */
    private static HttpResponse<String> send(AzuriteServer server, String method, String path, String json)
            throws Exception {
        String date =
                DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.US).format(ZonedDateTime.now(ZoneOffset.UTC));
        URI uri = URI.create(server.tableEndpoint() + path);
        String canonicalResource = "/" + AzuriteServer.ACCOUNT_NAME + uri.getRawPath();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(AzuriteServer.ACCOUNT_KEY), "HmacSHA256"));
        String signature = Base64.getEncoder()
                .encodeToString(mac.doFinal((date + "\n" + canonicalResource).getBytes(StandardCharsets.UTF_8)));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(10))
                .header("x-ms-date", date)
                .header("x-ms-version", "2019-02-02")
                .header("DataServiceVersion", "3.0")
                .header("Accept", "application/json;odata=nometadata")
                .header("Authorization", "SharedKeyLite " + AzuriteServer.ACCOUNT_NAME + ":" + signature);
        if (json != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
