package dev.leadpipe.deploy;

import java.util.Set;

import dev.leadpipe.core.KafkaClientSecurity;
import dev.leadpipe.core.KafkaSettings;
import dev.leadpipe.core.secret.SecretKeyring;
import dev.leadpipe.core.topic.TopicPolicy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scan finds leadpipe-core's shared variables by reading its classes, so the Kafka client security and topic
 * settings are found in whichever class declares them, and a workload setting one under another name fails the check.
 */
class CoreSettingsScanTest {

    @Test
    void findsTheSharedSettingsAndEnvConstantsOfLeadpipeCore() {
        assertThat(CoreSettingsScan.sharedEnv(Set.of()))
                .contains(
                        KafkaSettings.BOOTSTRAP_ENV, // a Setting and an *_ENV constant
                        KafkaSettings.REPLICATION_FACTOR_ENV,
                        TopicPolicy.MANAGE_TOPICS_ENV, // a topic setting
                        TopicPolicy.MIN_INSYNC_REPLICAS_ENV,
                        KafkaClientSecurity.SASL_JAAS_CONFIG.env(), // a Kafka client security setting
                        SecretKeyring.KEYS_ENV) // an *_ENV constant only
                .allMatch(env -> env.startsWith("KAFKA_") || env.startsWith("LEADPIPE_"));
    }

    @Test
    void leavesOutTheVariablesOnlySomeServicesRead() {
        assertThat(CodeModel.SHARED_CORE_ENV)
                .contains(KafkaSettings.BOOTSTRAP_ENV)
                .doesNotContain(SecretKeyring.KEYS_ENV, SecretKeyring.KEYS_FILE_ENV);
    }
}
