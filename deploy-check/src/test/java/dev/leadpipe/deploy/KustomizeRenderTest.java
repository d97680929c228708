package dev.leadpipe.deploy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kubectl kustomize} renders the base and the example overlay, and every document validates against the
 * Kubernetes, Strimzi and Prometheus Operator schemas; the references between documents resolve (Secrets,
 * ConfigMaps, scale targets, selectors). bin/ensure-test-tools installs kubectl (Debian's kubernetes-client) when
 * it is missing; the kustomizations are written for its kustomize v2 as well as today's v5.
 */
class KustomizeRenderTest {

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/example"})
    void rendersAndValidatesAgainstTheSchemas(String dir) {
        List<Map<String, Object>> docs = DeployFiles.render(dir);
        assertThat(docs)
                .extracting(d -> d.get("kind"))
                .contains(
                        "Kafka",
                        "KafkaNodePool",
                        "KafkaTopic",
                        "KafkaUser",
                        "Deployment",
                        "StatefulSet",
                        "PodDisruptionBudget",
                        "HorizontalPodAutoscaler",
                        "Secret",
                        "PodMonitor");
        assertThat(SchemaValidation.problems(docs)).isEmpty();
        assertThat(references(docs)).isEmpty();
    }

    /** Secrets, ConfigMaps, scale targets and selectors that point at nothing in the render. */
    static List<String> references(List<Map<String, Object>> docs) {
        Set<String> secrets = new HashSet<>();
        Set<String> configMaps = new HashSet<>();
        Set<String> workloads = new HashSet<>();
        for (Map<String, Object> d : docs) {
            String name = Yamls.string(d, "metadata", "name");
            switch (String.valueOf(d.get("kind"))) {
                case "Secret" -> secrets.add(name);
                case "ConfigMap" -> configMaps.add(name);
                case "KafkaUser" -> secrets.add(name); // the User Operator writes its credentials there
                case "Kafka" -> secrets.add(name + "-cluster-ca-cert"); // the cluster CA, written by Strimzi
                case "Deployment", "StatefulSet" -> workloads.add(d.get("kind") + "/" + name);
                default -> {}
            }
        }
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> d : docs) {
            String what = d.get("kind") + "/" + Yamls.string(d, "metadata", "name");
            Map<String, Object> pod = Yamls.map(d, "spec", "template", "spec");
            for (Map<String, Object> c : Yamls.list(pod, "containers")) {
                for (Map<String, Object> e : Yamls.list(c, "env")) {
                    String secret = Yamls.string(e, "valueFrom", "secretKeyRef", "name");
                    String configMap = Yamls.string(e, "valueFrom", "configMapKeyRef", "name");
                    if (secret != null && !secrets.contains(secret)) {
                        problems.add(what + " reads Secret " + secret + ", which nothing makes");
                    }
                    if (configMap != null && !configMaps.contains(configMap)) {
                        problems.add(what + " reads ConfigMap " + configMap + ", which nothing makes");
                    }
                }
            }
            for (Map<String, Object> v : Yamls.list(pod, "volumes")) {
                String secret = Yamls.string(v, "secret", "secretName");
                if (secret != null && !secrets.contains(secret)) {
                    problems.add(what + " mounts Secret " + secret + ", which nothing makes");
                }
            }
            if (what.startsWith("Deployment/") || what.startsWith("StatefulSet/")) {
                Map<String, Object> selector = Yamls.map(d, "spec", "selector", "matchLabels");
                Map<String, Object> labels = Yamls.map(d, "spec", "template", "metadata", "labels");
                if (selector.isEmpty() || !labels.entrySet().containsAll(selector.entrySet())) {
                    problems.add(what + ": selector " + selector + " does not select its pods " + labels);
                }
            }
            String target = Yamls.string(d, "spec", "scaleTargetRef", "kind");
            if (target != null
                    && !workloads.contains(target + "/" + Yamls.string(d, "spec", "scaleTargetRef", "name"))) {
                problems.add(what + " scales " + target + ", which is not in the render");
            }
        }
        return problems;
    }
}
