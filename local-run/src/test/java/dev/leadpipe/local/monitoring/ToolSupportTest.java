package dev.leadpipe.local.monitoring;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The test support itself, against the real tools: Prometheus evaluates alerts.yml, Chromium renders and screenshots. */
@RequiresTools
class ToolSupportTest {

    @Test
    void prometheusFiresDeadLetterGrowthOnTheRealRules() throws Exception {
        AtomicInteger scrapes = new AtomicInteger();
        // the backlog of class X is 0 for the first scrapes, then 3: it grew
        HttpServer exporter = serve(
                "/metrics",
                "text/plain; version=0.0.4; charset=utf-8",
                () -> "# TYPE leadpipe_dlq_open gauge\n" + "leadpipe_dlq_open{service=\"status\",error_class=\"X\"} "
                        + (scrapes.incrementAndGet() <= 3 ? 0 : 3) + "\n");
        try (PrometheusServer prometheus = PrometheusServer.start(
                Map.of("status", "127.0.0.1:" + exporter.getAddress().getPort()), MonitoringFiles.alertRulesFile())) {
            prometheus.awaitTargetsUp(Duration.ofSeconds(30));
            assertThat(prometheus.activeTargets()).containsEntry("status", "up");

            PrometheusServer.Alert alert =
                    prometheus.awaitAlertFiring("LeadpipeDeadLetterGrowth", Duration.ofSeconds(60));

            assertThat(alert.labels()).containsEntry("error_class", "X").containsEntry("severity", "warning");
            assertThat(alert.annotations().get("summary")).contains("X");
            assertThat(alert.annotations().get("description")).contains("docs/error-catalogue.md");
            assertThat(prometheus.query("leadpipe_dlq_open"))
                    .singleElement()
                    .satisfies(s -> assertThat(s.labels()).containsEntry("error_class", "X"))
                    .satisfies(s -> assertThat(s.value()).isEqualTo(3.0));
            assertThat(prometheus.alerts()).noneMatch(a -> a.name().equals("LeadpipeServiceDown") && a.firing());
        } finally {
            exporter.stop(0);
        }
    }

    @Test
    void chromiumRendersReadsAndScreenshotsALocalPage() throws Exception {
        String page = """
                <!doctype html><html><head><title>offers</title><style>
                body { margin: 0; font: 14px sans-serif; }
                td { padding: 24px 40px; }
                tr.failing { background: #d32f2f; color: #fff; }
                tr.healthy { background: #2e7d32; color: #fff; }
                .hidden { display: none; }
                .tall { height: 2400px; }
                </style></head><body>
                <table><tr class="healthy" id="ok"><td>contoso.table-offer</td><td>HEALTHY</td></tr>
                <tr class="failing" id="bad"><td>northwind.table-badkey-offer</td><td>FAILING</td><td>TABLE_AUTH_FAILED</td></tr></table>
                <p class="hidden" id="secret">not shown</p><div class="tall"></div><p id="end">end of page</p>
                </body></html>""";
        HttpServer server = serve("/", "text/html; charset=utf-8", () -> page);
        try (HeadlessChromium chromium = HeadlessChromium.start()) {
            chromium.open("http://127.0.0.1:" + server.getAddress().getPort() + "/");

            assertThat(chromium.title()).isEqualTo("offers");
            assertThat(chromium.text("#bad")).contains("northwind.table-badkey-offer", "FAILING", "TABLE_AUTH_FAILED");
            assertThat(chromium.texts("tr")).hasSize(2);
            assertThat(chromium.displayed("#bad")).isTrue();
            assertThat(chromium.displayed("#secret")).isFalse();
            assertThat(chromium.displayed("#nothing")).isFalse();
            assertThat(chromium.pageText()).doesNotContain("not shown");

            Path row = chromium.screenshot("#bad", "tool-support-failing-row");
            assertThat(Pixels.fractionNear(row, 0xD32F2F, 24))
                    .as("red share of " + row)
                    .isGreaterThan(0.7);
            assertThat(Pixels.fractionNear(row, 0x2E7D32, 24))
                    .as("green share of " + row)
                    .isLessThan(0.01);

            Path full = chromium.screenshot("tool-support-page");
            BufferedImage image = Pixels.read(full);
            assertThat(image.getHeight())
                    .as("full page, beyond the 1000 px window")
                    .isGreaterThan(2400);
            assertThat(Pixels.fractionNotWhite(full)).isGreaterThan(0.005);
        } finally {
            server.stop(0);
        }
    }

    private static HttpServer serve(String path, String contentType, java.util.function.Supplier<String> body)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(path, exchange -> {
            byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return server;
    }
}
