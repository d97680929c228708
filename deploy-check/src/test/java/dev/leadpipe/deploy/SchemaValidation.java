package dev.leadpipe.deploy;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;

/**
 * Validates rendered documents against the Kubernetes API (fabric8's kubernetes-model), the Strimzi API
 * ({@code io.strimzi:api}) and the Prometheus Operator's PodMonitor: each document is read into the typed class of
 * its {@code apiVersion} and {@code kind}; a field of the wrong type fails, and so does a field the schema does not
 * know. The models keep unknown fields in {@code additionalProperties} instead of refusing them, so every such map
 * in the typed object graph must be empty; and Strimzi reads an enum value it does not know as null, so a list
 * must hold no null.
 */
final class SchemaValidation {
    private SchemaValidation() {}

    static final Map<String, Class<?>> TYPES = Map.ofEntries(
            Map.entry("v1 Namespace", Namespace.class),
            Map.entry("v1 Secret", Secret.class),
            Map.entry("v1 ConfigMap", ConfigMap.class),
            Map.entry("v1 Service", Service.class),
            Map.entry("apps/v1 Deployment", Deployment.class),
            Map.entry("apps/v1 StatefulSet", StatefulSet.class),
            Map.entry("batch/v1 Job", Job.class),
            Map.entry("policy/v1 PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("autoscaling/v2 HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("monitoring.coreos.com/v1 PodMonitor", PodMonitor.class),
            Map.entry("kafka.strimzi.io/v1beta2 Kafka", Kafka.class),
            Map.entry("kafka.strimzi.io/v1beta2 KafkaNodePool", KafkaNodePool.class),
            Map.entry("kafka.strimzi.io/v1beta2 KafkaTopic", KafkaTopic.class),
            Map.entry("kafka.strimzi.io/v1beta2 KafkaUser", KafkaUser.class));

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    /** Every problem of {@code docs}, one line each, naming the document. */
    static List<String> problems(List<Map<String, Object>> docs) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> doc : docs) {
            String id = doc.get("apiVersion") + " " + doc.get("kind");
            String name = id + " " + Yamls.string(doc, "metadata", "name");
            Class<?> type = TYPES.get(id);
            if (type == null) {
                problems.add(name + ": no schema known for " + id);
                continue;
            }
            Object typed;
            try {
                typed = MAPPER.convertValue(doc, type);
            } catch (IllegalArgumentException e) {
                problems.add(name + ": " + e.getMessage().lines().findFirst().orElse(""));
                continue;
            }
            unknownFields(typed, "", problems, name, Collections.newSetFromMap(new IdentityHashMap<>()));
        }
        return problems;
    }

    private static void unknownFields(Object node, String path, List<String> problems, String doc, Set<Object> seen) {
        if (node == null || !seen.add(node)) {
            return;
        }
        if (node instanceof Collection<?> c) {
            int i = 0;
            for (Object item : c) {
                if (item == null) {
                    // an enum value the model does not know: Strimzi's forValue reads it as null
                    problems.add(doc + ": a value at " + path + "[" + i + "] is not one the schema allows");
                }
                unknownFields(item, path + "[" + i++ + "]", problems, doc, seen);
            }
            return;
        }
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> unknownFields(v, path + "." + k, problems, doc, seen));
            return;
        }
        String pkg = node.getClass().getPackageName();
        if (!pkg.startsWith("io.fabric8") && !pkg.startsWith("io.strimzi")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get")
                    || getter.getName().equals("getClass")
                    || getter.getReturnType().isPrimitive()
                    || getter.getReturnType() == String.class) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(node);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add(doc + ": unknown field(s) " + extra.keySet() + " at " + (path.isEmpty() ? "/" : path));
                }
                continue;
            }
            String field = getter.getName().substring(3);
            unknownFields(
                    value,
                    path + "." + Character.toLowerCase(field.charAt(0)) + field.substring(1),
                    problems,
                    doc,
                    seen);
        }
    }
}
