package dev.leadpipe.local.monitoring;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** deploy/monitoring/ is valid for Prometheus, its alerts fire where they should, and it only uses documented metrics. */
@RequiresTools({"promtool"})
class MonitoringFilesTest {

    @Test
    void prometheusConfigIsValid() throws Exception {
        // --syntax-only: the ingest and status jobs' credentials_file (.leadpipe/keys/metrics) exists only once
        // bin/run-local ran
        promtool("check", "config", MonitoringFiles.prometheusConfigFile(), "--syntax-only");
    }

    @Test
    void alertRulesAreValid() throws Exception {
        promtool("check", "rules", MonitoringFiles.alertRulesFile());
    }

    @Test
    void alertRuleUnitTestsPass() throws Exception {
        promtool("test", "rules", MonitoringFiles.alertTestsFile());
    }

    @Test
    void everyAlertHasSeverityAndTexts() {
        List<MonitoringFiles.AlertRule> rules = MonitoringFiles.alertRules();
        assertThat(rules)
                .extracting(MonitoringFiles.AlertRule::name)
                .containsExactlyInAnyOrder(
                        "LeadpipeDeadLetterGrowth",
                        "LeadpipeOfferNotDelivering",
                        "LeadpipeLeadsWaitingTooLong",
                        "LeadpipeConsumerLag",
                        "LeadpipeDestinationErrorRatio",
                        "LeadpipeCircuitOpen",
                        "LeadpipeServiceNotReady",
                        "LeadpipeServiceDown");
        for (MonitoringFiles.AlertRule rule : rules) {
            assertThat(rule.group()).isEqualTo("leadpipe");
            assertThat(rule.labels()).as(rule.name()).containsKey("severity");
            assertThat(rule.annotations()).as(rule.name()).containsKeys("summary", "description");
        }
    }

    @Test
    void everyDashboardPanelHasAQuery() {
        List<MonitoringFiles.Panel> panels = MonitoringFiles.dashboardPanels();
        assertThat(panels).isNotEmpty();
        for (MonitoringFiles.Panel panel : panels) {
            if (!panel.isRow()) {
                assertThat(panel.exprs())
                        .as("queries of panel " + panel.id() + " " + panel.title())
                        .isNotEmpty();
            }
        }
    }

    @Test
    void rulesAndDashboardUseOnlyDocumentedMetrics() {
        Set<String> documented = MonitoringFiles.documentedMetrics();
        assertThat(documented)
                .as("metric names parsed from docs/monitoring.md")
                .contains(
                        "leadpipe_dlq_open",
                        "leadpipe_ready",
                        "leadpipe_sink_delivery_latency_seconds_bucket",
                        "leadpipe_sink_in_flight",
                        "leadpipe_sink_parked");
        SortedMap<String, List<String>> undocumented = new TreeMap<>(MonitoringFiles.metricUses());
        undocumented.keySet().removeAll(documented);
        assertThat(undocumented)
                .as("metrics used in deploy/monitoring but not in docs/monitoring.md (metric -> where)")
                .isEmpty();
        assertThat(MonitoringFiles.metricNamesUsed())
                .as("every alert's metric is used")
                .contains(
                        "leadpipe_dlq_open",
                        "leadpipe_offer_waiting_since_timestamp_seconds",
                        "leadpipe_consumer_lag",
                        "leadpipe_sink_attempts_total",
                        "leadpipe_sink_circuits_open",
                        "leadpipe_ready",
                        "leadpipe_offer_oldest_waiting_since_timestamp_seconds");
    }

    @Test
    void prometheusScrapesEveryServiceAtItsDocumentedPort() {
        List<Integer> ports = new ArrayList<>();
        for (Map.Entry<String, List<String>> job : MonitoringFiles.scrapeJobs().entrySet()) {
            assertThat(job.getValue()).as(job.getKey()).hasSize(1);
            ports.add(Integer.parseInt(job.getValue().get(0).replaceAll(".*:", "")));
        }
        assertThat(ports)
                .containsExactlyInAnyOrderElementsOf(MonitoringFiles.documentedDefaultPorts())
                .hasSize(8);
        assertThat(MonitoringFiles.scrapeJobs())
                .containsOnlyKeys(
                        "ingest",
                        "router",
                        "sink-dynamics",
                        "sink-salesforce",
                        "sink-table",
                        "sink-https",
                        "notifier",
                        "status");
    }

    @Test
    void promQlMetricNamesIgnoreLabelValuesAndFunctions() {
        assertThat(PromQl.metricNames(
                        "histogram_quantile(0.95, sum by (type, le) (rate(leadpipe_sink_delivery_latency_seconds_bucket"
                                + "{job=\"leadpipe_fake\"}[$__rate_interval]))) / leadpipe_ready"))
                .containsExactly("leadpipe_ready", "leadpipe_sink_delivery_latency_seconds_bucket");
    }

    private static void promtool(String command, String subcommand, Path file, String... options)
            throws IOException, InterruptedException {
        Path promtool = TestTools.locate("promtool", "/usr/bin/promtool");
        List<String> commandLine = new ArrayList<>(List.of(promtool.toString(), command, subcommand));
        commandLine.addAll(List.of(options));
        commandLine.add(file.getFileName().toString());
        Process p = new ProcessBuilder(commandLine)
                .directory(file.getParent().toFile())
                .redirectErrorStream(true)
                .start();
        String output;
        try (var in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        assertThat(p.exitValue())
                .as("promtool " + command + " " + subcommand + " " + file + " exit code; output:\n" + output)
                .isZero();
    }
}
