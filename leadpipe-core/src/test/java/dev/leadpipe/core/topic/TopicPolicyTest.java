package dev.leadpipe.core.topic;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopicPolicyTest {

    @Test
    void minInsyncReplicasDefaultsToTwoWhereTheReplicationFactorLeavesAReplicaToSpare() {
        assertThat(TopicPolicy.defaults(1).effectiveMinInsyncReplicas()).isEqualTo(1);
        assertThat(TopicPolicy.defaults(2).effectiveMinInsyncReplicas()).isEqualTo(1);
        assertThat(TopicPolicy.defaults(3).effectiveMinInsyncReplicas()).isEqualTo(2);
        assertThat(TopicPolicy.defaults(5).effectiveMinInsyncReplicas()).isEqualTo(2);
        assertThat(TopicPolicy.defaults(1).withMinInsyncReplicas(2).effectiveMinInsyncReplicas())
                .isEqualTo(2);
    }

    @Test
    void anEmptyEnvironmentManagesTopicsAndKeepsDeadLettersForever() {
        TopicPolicy policy = TopicPolicy.fromEnvironment(Map.of());
        assertThat(policy).isEqualTo(TopicPolicy.defaults(1));
        assertThat(policy.manageTopics()).isTrue();
        assertThat(policy.dlqRetentionMs()).isEqualTo(-1);
        assertThat(policy.toString()).contains("dlqRetention=forever", "manageTopics=true");
    }

    @Test
    void theVariablesAreRead() {
        TopicPolicy policy = TopicPolicy.fromEnvironment(Map.of(
                "KAFKA_REPLICATION_FACTOR", "3",
                "KAFKA_MIN_INSYNC_REPLICAS", "3",
                "LEADPIPE_DLQ_RETENTION", "30d",
                "LEADPIPE_MANAGE_TOPICS", "false"));
        assertThat(policy).isEqualTo(new TopicPolicy(3, Optional.of(3), Optional.of(Duration.ofDays(30)), false));
        assertThat(TopicPolicy.fromEnvironment(Map.of("LEADPIPE_DLQ_RETENTION", "Infinite"))
                        .dlqRetention())
                .isEmpty();
        assertThat(TopicPolicy.fromEnvironment(Map.of("LEADPIPE_DLQ_RETENTION", "forever"))
                        .dlqRetention())
                .isEmpty();
    }

    @Test
    void badValuesAreNamedTogetherWithoutTheirValues() {
        assertThatThrownBy(() -> TopicPolicy.fromEnvironment(Map.of(
                        "KAFKA_MIN_INSYNC_REPLICAS", "0",
                        "LEADPIPE_DLQ_RETENTION", "someday",
                        "LEADPIPE_MANAGE_TOPICS", "perhaps")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll(
                        "KAFKA_MIN_INSYNC_REPLICAS", "LEADPIPE_DLQ_RETENTION", "LEADPIPE_MANAGE_TOPICS")
                .hasMessageNotContainingAny("someday", "perhaps");
        assertThatThrownBy(() -> TopicPolicy.fromEnvironment(Map.of("LEADPIPE_DLQ_RETENTION", "0s")))
                .hasMessageContaining("LEADPIPE_DLQ_RETENTION must be forever or a positive duration");
    }
}
