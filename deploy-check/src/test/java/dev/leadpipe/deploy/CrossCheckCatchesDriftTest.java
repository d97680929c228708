package dev.leadpipe.deploy;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.leadpipe.deploy.CodeModel.TopicView;
import dev.leadpipe.ops.logging.LogConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cross-check notices a change made in the code only: each test hands it the real deploy/ files and a copy of
 * the code's model with one name or number changed, as a refactoring that forgot deploy/ would leave it.
 */
class CrossCheckCatchesDriftTest {
    static CodeModel code;
    static List<Map<String, Object>> base;
    static List<Workload> k8s;
    static List<Workload> compose;
    static CrossCheck.Images images;

    @BeforeAll
    static void read() {
        code = CodeModel.fromCode();
        base = DeployFiles.baseDocuments();
        k8s = Workload.fromK8s("base", base);
        compose = Workload.fromCompose(DeployFiles.documents(DeployFiles.deploy("compose/compose.yaml"))
                .get(0));
        images = BuildImages.read(DeployFiles.root());
    }

    @Test
    void aTopicRenamedInTheRegistry() {
        CodeModel renamed = code.withTopicRenamed("leads-dlq", "leads-dead-letters");
        assertThat(CrossCheck.topics(renamed, base))
                .contains(
                        "registry topic leads-dead-letters has no KafkaTopic",
                        "KafkaTopic leads-dlq is not a registry topic");
        assertThat(CrossCheck.users(renamed, base, k8s))
                .anyMatch(p -> p.contains("ACL on topic leads-dlq, not a registry topic"));
    }

    @Test
    void aTopicsPartitionsOrConfigsChangedInTheRegistry() {
        CodeModel more = code.withTopics(t -> t.name().equals("leads") ? new TopicView("leads", 12, t.configs()) : t);
        assertThat(CrossCheck.topics(more, base)).contains("KafkaTopic leads has 6 partitions, the registry 12");

        CodeModel kept = code.withTopics(t -> {
            Map<String, String> configs = new TreeMap<>(t.configs());
            if (t.name().equals("lead-outcomes")) {
                configs.put("retention.ms", "86400000");
            }
            if (t.name().equals("leads-dlq")) {
                configs.remove("retention.ms");
            }
            return new TopicView(t.name(), t.partitions(), configs);
        });
        assertThat(CrossCheck.topics(kept, base))
                .contains("KafkaTopic lead-outcomes has retention.ms=604800000, the registry 86400000")
                // a config the registry does not declare for a topic is drift, unless it is Kafka's default
                .contains("KafkaTopic leads-dlq sets retention.ms=-1, which the registry does not declare for it");
    }

    @Test
    void aSettingRenamedInAServicesDeclaration() {
        CodeModel renamed = code.withEnvRenamed("ROUTER_STATE_DIR", "ROUTER_STORE_DIR");
        assertThat(CrossCheck.workloads(renamed, k8s, images))
                .anyMatch(p -> p.contains("StatefulSet/router")
                        && p.contains("sets ROUTER_STATE_DIR, which router " + "does not declare"));
        assertThat(CrossCheck.workloads(renamed, compose, images))
                .anyMatch(p -> p.contains("compose service router sets ROUTER_STATE_DIR"));
    }

    @Test
    void aRequiredSettingRenamed() {
        CodeModel renamed = code.withEnvRenamed("KAFKA_BOOTSTRAP_SERVERS", "KAFKA_BOOTSTRAP");
        assertThat(CrossCheck.workloads(renamed, k8s, images))
                .anyMatch(p -> p.contains("does not set KAFKA_BOOTSTRAP, which ingest requires"))
                .anyMatch(p -> p.contains("sets KAFKA_BOOTSTRAP_SERVERS, which sink-table does not declare"));
    }

    @Test
    void aListenAddressOrPortSettingRenamedOrItsDefaultChanged() {
        assertThat(CrossCheck.workloads(code.withEnvRenamed("OPS_HOST", "OPS_BIND"), k8s, images))
                .anyMatch(p -> p.contains("does not set OPS_BIND=0.0.0.0"));
        assertThat(CrossCheck.workloads(code.withDefaultPort("router", 9201), k8s, images))
                .anyMatch(p -> p.contains("StatefulSet/router") && p.contains("listens on 9201"))
                .anyMatch(p -> p.contains("probes port ops (9101), but router listens on 9201"));
    }

    @Test
    void aKafkaSecuritySettingRenamedInLeadpipeCore() {
        CodeModel renamed = code.withEnvRenamed("KAFKA_SASL_JAAS_CONFIG", "KAFKA_SASL_JAAS");
        assertThat(CrossCheck.workloads(renamed, k8s, images))
                .anyMatch(p -> p.contains("sets KAFKA_SASL_JAAS_CONFIG, which ingest does not declare"))
                .anyMatch(p -> p.contains("sets KAFKA_SASL_JAAS_CONFIG, which router does not declare"));
        assertThat(CrossCheck.workloads(code.withEnvRenamed("KAFKA_SECURITY_PROTOCOL", "KAFKA_PROTOCOL"), k8s, images))
                .anyMatch(p -> p.contains("sets KAFKA_SECURITY_PROTOCOL, which notifier does not declare"));
    }

    @Test
    void aTopicSettingRenamedInLeadpipeCore() {
        assertThat(CrossCheck.workloads(code.withEnvRenamed("LEADPIPE_MANAGE_TOPICS", "LEADPIPE_TOPICS"), k8s, images))
                .anyMatch(p -> p.contains("sets LEADPIPE_MANAGE_TOPICS, which ingest does not declare"));
        CodeModel renamed = code.withEnvRenamed("KAFKA_MIN_INSYNC_REPLICAS", "KAFKA_MIN_ISR");
        assertThat(CrossCheck.workloads(renamed, compose, images))
                .anyMatch(p -> p.contains(
                        "compose service router sets KAFKA_MIN_INSYNC_REPLICAS, which router " + "does not declare"));
    }

    @Test
    void aLogSettingRenamedInLogConfig() {
        CodeModel renamed = code.withEnvRenamed(LogConfig.FORMAT_ENV, "LEADPIPE_LOG_STYLE");
        assertThat(CrossCheck.workloads(renamed, k8s, images))
                .anyMatch(p -> p.contains("sets LEADPIPE_LOG_FORMAT, which sink-table does not declare"));
        assertThat(CrossCheck.workloads(
                        code.withEnvRenamed(LogConfig.LEVEL_ENV, "LEADPIPE_LOG_LEVELS"), compose, images))
                .anyMatch(p -> p.contains(
                        "compose service status sets LEADPIPE_LOG_LEVEL, which status " + "does not declare"));
    }

    @Test
    void anImageNameTheBuildDoesNotMake() {
        CrossCheck.Images renamed = new CrossCheck.Images(java.util.Set.of("ingest-service"), images.version());
        assertThat(CrossCheck.workloads(code, k8s, renamed))
                .anyMatch(p -> p.contains("runs image leadpipe/ingest, which the build does not make"));
        CrossCheck.Images next = new CrossCheck.Images(images.names(), "0.2.0");
        assertThat(CrossCheck.workloads(code, compose, next))
                .anyMatch(p -> p.contains("runs tag 0.1.0-SNAPSHOT, not the project version 0.2.0"));
    }
}
