package dev.leadpipe.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/compose/compose.yaml parses (anchors and merge keys resolved), runs Kafka from the apache/kafka image,
 * Azurite, Prometheus and Grafana, mounts files that exist, and its Prometheus scrapes the jobs of
 * deploy/monitoring/prometheus.yml at the compose services and ports. The services themselves: DeployCrossCheckTest.
 */
class ComposeFileTest {
    static final Path DIR = DeployFiles.deploy("compose");
    static final Map<String, Object> COMPOSE =
            DeployFiles.documents(DIR.resolve("compose.yaml")).get(0);

    @Test
    void runsKafkaAzuritePrometheusAndGrafanaBesideTheServices() {
        Map<String, Object> services = Yamls.map(COMPOSE, "services");
        assertThat(Yamls.string(services, "kafka", "image")).startsWith("apache/kafka:");
        assertThat(Yamls.string(services, "kafka", "environment", "KAFKA_PROCESS_ROLES"))
                .isEqualTo("broker,controller");
        assertThat(Yamls.string(services, "azurite", "image")).contains("azurite");
        assertThat(Yamls.string(services, "prometheus", "image")).startsWith("prom/prometheus:");
        assertThat(Yamls.string(services, "grafana", "image")).startsWith("grafana/grafana:");
    }

    @Test
    void everyMountedFileExists() {
        Map<String, Object> services = Yamls.map(COMPOSE, "services");
        services.forEach((name, svc) -> {
            if (Yamls.get(svc, "volumes") instanceof List<?> volumes) {
                for (Object v : volumes) {
                    String source = String.valueOf(v).split(":")[0];
                    if (source.startsWith(".") && !source.startsWith("./keys/")) {
                        assertThat(DIR.resolve(source))
                                .as(name + " mounts " + source)
                                .exists();
                    }
                }
            }
        });
        assertThat(DIR.resolve("../monitoring/grafana/leadpipe-dashboard.json")).isRegularFile();
    }

    @Test
    void everyDependencyAndNamedVolumeIsDeclared() {
        Map<String, Object> services = Yamls.map(COMPOSE, "services");
        Map<String, Object> volumes = Yamls.map(COMPOSE, "volumes");
        services.forEach((name, svc) -> {
            Object dependsOn = Yamls.get(svc, "depends_on");
            Iterable<?> deps =
                    dependsOn instanceof Map<?, ?> m ? m.keySet() : dependsOn instanceof List<?> l ? l : List.of();
            deps.forEach(d -> assertThat(services).as(name + " depends on " + d).containsKey(String.valueOf(d)));
            if (Yamls.get(svc, "volumes") instanceof List<?> mounts) {
                for (Object v : mounts) {
                    String source = String.valueOf(v).split(":")[0];
                    if (!source.startsWith(".") && !source.startsWith("/")) {
                        assertThat(volumes)
                                .as(name + " mounts volume " + source)
                                .containsKey(source);
                    }
                }
            }
        });
    }

    @Test
    void prometheusScrapesTheMonitoringJobsAtTheComposeServices() throws Exception {
        Map<String, Object> compose =
                DeployFiles.documents(DIR.resolve("prometheus.yml")).get(0);
        Map<String, Object> local = DeployFiles.documents(DeployFiles.deploy("monitoring/prometheus.yml"))
                .get(0);
        Map<String, String> targets = targets(compose);
        assertThat(targets.keySet())
                .containsExactlyInAnyOrderElementsOf(targets(local).keySet());
        assertThat(Yamls.get(compose, "rule_files")).isEqualTo(Yamls.get(local, "rule_files"));
        Map<String, Workload> byName =
                Workload.fromCompose(COMPOSE).stream().collect(Collectors.toMap(Workload::service, w -> w));
        targets.forEach((job, target) -> {
            String[] hostPort = target.split(":");
            Workload w = byName.get(hostPort[0]);
            assertThat(w)
                    .as("job " + job + " scrapes " + target + ", a compose service")
                    .isNotNull();
            assertThat(w.ports()).as("job " + job).containsValue(Integer.valueOf(hostPort[1]));
        });
        assertThat(Files.readString(DIR.resolve("prometheus.yml")))
                .contains("credentials_file: /etc/prometheus/keys/metrics");
    }

    private static Map<String, String> targets(Map<String, Object> prometheus) {
        return Yamls.list(prometheus, "scrape_configs").stream()
                .collect(Collectors.toMap(
                        c -> String.valueOf(c.get("job_name")),
                        c -> String.valueOf(((List<?>)
                                        Yamls.list(c, "static_configs").get(0).get("targets"))
                                .get(0))));
    }
}
