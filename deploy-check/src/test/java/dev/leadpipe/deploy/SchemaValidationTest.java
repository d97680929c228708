package dev.leadpipe.deploy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The schema validation refuses what a cluster would: misspelled fields, wrong types, unknown kinds. */
class SchemaValidationTest {

    private static List<String> problems(String yaml) {
        return SchemaValidation.problems(DeployFiles.documents(yaml));
    }

    @Test
    void acceptsTheBaseAsWritten() {
        List<Map<String, Object>> base = DeployFiles.baseDocuments();
        assertThat(base).hasSizeGreaterThan(50);
        assertThat(SchemaValidation.problems(base)).isEmpty();
    }

    @Test
    void refusesAMisspelledKubernetesField() {
        assertThat(problems("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  replicas: 1
                  template:
                    spec:
                      containers:
                        - name: x
                          image: x
                          readinesProbe: {httpGet: {path: /health/ready, port: 8080}}
                """)).singleElement().asString().contains("readinesProbe");
    }

    @Test
    void refusesAMisspelledOrMistypedStrimziField() {
        assertThat(problems("""
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaTopic
                metadata: {name: leads}
                spec: {partitionz: 6, replicas: 3}
                """)).singleElement().asString().contains("partitionz");
        assertThat(problems("""
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaUser
                metadata: {name: u}
                spec:
                  authentication: {type: scram-sha-512}
                  authorization:
                    type: simple
                    acls:
                      - resource: {type: topic, name: leads}
                        operations: [Reed]
                """)).singleElement().asString().contains("operations[0] is not one the schema allows");
    }

    @Test
    void refusesAKindWithoutASchema() {
        assertThat(problems("""
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaTopic
                metadata: {name: leads}
                """))
                .containsExactly(
                        "kafka.strimzi.io/v1 KafkaTopic leads: no schema known for kafka.strimzi.io/v1 KafkaTopic");
    }
}
