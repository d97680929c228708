package dev.leadpipe.leadctl;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How {@code leadctl destinations} and {@code leadctl status} find their service and what a user sees when it is not
 * the service or does not answer: one line and an exit code, the same for both commands.
 */
class ServiceHttpTest {
    private HttpServer server;
    private String url;
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] page = "<html>a web server, not leadpipe</html>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, page.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(page);
            }
        });
        server.createContext("/v1/status/offers/slow.offer", exchange -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        release.countDown();
        server.stop(0);
    }

    @Test
    void aServerThatIsNotTheServiceIsOneLineAndExit1() {
        Cli.Run status = Cli.run("status", "--status-url", url + "/");
        assertThat(status.exit()).as(status.toString()).isEqualTo(ExitCodes.FAILURE);
        assertThat(status.errLines())
                .containsExactly("leadctl: the status service at " + url
                        + " answered HTTP 200 without JSON: is it the status service?");

        Cli.Run destinations = Cli.run("destinations", "get", "contoso.offer", "--api-url", url);
        assertThat(destinations.exit()).as(destinations.toString()).isEqualTo(ExitCodes.FAILURE);
        assertThat(destinations.errLines())
                .containsExactly("leadctl: the ingest service at " + url
                        + " answered HTTP 200 without JSON: is it the ingest service?");
    }

    @Test
    void aUrlThatIsNotHttpIsAUsageError() {
        Cli.Run run = Cli.run("destinations", "get", "contoso.offer", "--api-url", "ftp://127.0.0.1:8080");
        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines())
                .containsExactly(
                        "leadctl: the ingest service URL is not an http(s) URL (--api-url): ftp://127.0.0.1:8080");
    }

    @Test
    void aServiceThatDoesNotAnswerInTimeIsExit3() {
        ServiceHttp slow = new ServiceHttp("status service", url, "--status-url");
        LeadctlException e = org.junit.jupiter.api.Assertions.assertThrows(
                LeadctlException.class,
                () -> slow.exchange("GET", "/v1/status/offers/slow.offer", null, java.time.Duration.ofSeconds(1)));
        assertThat(e.exitCode()).isEqualTo(ExitCodes.KAFKA_UNREACHABLE);
        assertThat(e.getMessage()).isEqualTo("the status service at " + url + " did not answer within 1 s");
    }

    @Test
    void theUrlIsTheOptionElseTheEnvironmentElseTheLocalRunsFileElseTheDefault(@TempDir Path dir) throws IOException {
        Leadctl bare = new Leadctl(Map.of(), dir);
        assertThat(bare.setting(null, "LEADPIPE_API_URL", ".leadpipe/api-url", "http://127.0.0.1:8080"))
                .isEqualTo("http://127.0.0.1:8080");
        Files.createDirectories(dir.resolve(".leadpipe"));
        Files.writeString(dir.resolve(".leadpipe/api-url"), "\n  http://from-file:1  \n");
        assertThat(bare.setting(" ", "LEADPIPE_API_URL", ".leadpipe/api-url", "http://127.0.0.1:8080"))
                .isEqualTo("http://from-file:1");
        Leadctl withEnv = new Leadctl(Map.of("LEADPIPE_API_URL", "http://from-env:2"), dir);
        assertThat(withEnv.setting(null, "LEADPIPE_API_URL", ".leadpipe/api-url", "http://127.0.0.1:8080"))
                .isEqualTo("http://from-env:2");
        assertThat(withEnv.setting("http://from-option:3", "LEADPIPE_API_URL", ".leadpipe/api-url", "x"))
                .isEqualTo("http://from-option:3");
        assertThat(ServiceHttp.baseUrl(" http://host:1/// ")).isEqualTo("http://host:1");
    }

    @Test
    void theCredentialIsTheEnvironmentElseTheTokenFileOptionElseTheLocalRunsFile(@TempDir Path dir) throws IOException {
        assertThat(new Leadctl(Map.of(), dir).token()).isNull();
        Files.createDirectories(dir.resolve(".leadpipe"));
        Files.writeString(dir.resolve(Leadctl.TOKEN_FILE), "\n  from-local-run  \n");
        assertThat(new Leadctl(Map.of(), dir).token()).isEqualTo("from-local-run");
        Files.writeString(dir.resolve("mine"), "from-option\n");
        Leadctl withOption = new Leadctl(Map.of(), dir);
        new picocli.CommandLine(withOption).parseArgs("--token-file", "mine", "status");
        assertThat(withOption.token()).isEqualTo("from-option");
        Leadctl withEnv = new Leadctl(Map.of(Leadctl.TOKEN_ENV, " from-env "), dir);
        new picocli.CommandLine(withEnv).parseArgs("--token-file", "mine", "status");
        assertThat(withEnv.token()).isEqualTo("from-env");

        Cli.Run missing = Cli.run(new Leadctl(Map.of(), dir), "--token-file", "absent", "status", "--status-url", url);
        assertThat(missing.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.errLines())
                .containsExactly("leadctl: --token-file absent cannot be read or holds no credential");
    }
}
