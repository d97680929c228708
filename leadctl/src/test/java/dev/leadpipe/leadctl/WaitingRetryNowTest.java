package dev.leadpipe.leadctl;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.UserDetails;
import dev.leadpipe.core.retry.FinishedOffsets;
import dev.leadpipe.core.retry.RetryHeaders;
import dev.leadpipe.core.retry.RetryWakeup;
import dev.leadpipe.core.topic.TopicSpec;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicReader;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code waiting retry-now} against a real broker whose retry tiers hold leads as a sink writes them: the offer's
 * waiting leads are copied to the delivery topic with their history and due now, the ones the sink group already
 * finished are left alone, and a wake-up tells the sinks to skip the originals.
 */
class WaitingRetryNowTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static final String RUN = "r" + UUID.randomUUID().toString().substring(0, 8);
    static final String FIXED = RUN + ".fixed";
    static final String OTHER = RUN + ".other";
    static final DestinationType TYPE = DestinationType.HTTPS;
    static final TopicSpec<String, Lead> DELIVERIES = Topics.deliveryTopic(TYPE);

    @Test
    void sendsTheOffersWaitingLeadsToTheirNextAttemptAndTellsTheSinksToSkipTheOriginals() throws Exception {
        String tier = Topics.retryTiers(TYPE).get(3).name();
        RecordMetadata first = writeTierRecord(tier, lead(RUN + "-1", FIXED), 3);
        RecordMetadata second = writeTierRecord(tier, lead(RUN + "-2", FIXED), 1);
        RecordMetadata third = writeTierRecord(tier, lead(RUN + "-3", OTHER), 2);
        RecordMetadata finished = writeTierRecord(tier, lead(RUN + "-4", FIXED), 2);
        // -5 is being moved on by a sink: its tier record in the slowest tier came due and was attempted again, and
        // the newer record (due later) went to the first tier, which is read first
        Instant now = Instant.now();
        RecordMetadata superseded = writeTierRecord(tier, lead(RUN + "-5", FIXED), 5, now.minusSeconds(1));
        RecordMetadata newest =
                writeTierRecord(Topics.retryTiers(TYPE).get(0).name(), lead(RUN + "-5", FIXED), 6, now.plusSeconds(10));
        // the sink already finished -4, above unfinished ones (its commit's metadata says so): it no longer waits
        commitAsSink(
                new TopicPartition(finished.topic(), finished.partition()),
                FinishedOffsets.of(
                        finished.offset() + 1,
                        new TreeSet<>(List.of(first.offset(), second.offset(), third.offset()))));
        assertThat(superseded.offset()).isGreaterThan(finished.offset()); // not covered by the commit: unfinished

        Cli.Run dry = Cli.run(
                "--bootstrap-servers", KAFKA.bootstrapServers(), "waiting", "retry-now", "--offer", FIXED, "--dry-run");
        assertThat(dry.exit()).as(dry.toString()).isZero();
        assertThat(dry.out()).contains("https: would send 3 waiting leads of offer " + FIXED, "dry run: nothing sent");
        assertThat(copies()).isEmpty();

        Cli.Run run =
                Cli.run("--bootstrap-servers", KAFKA.bootstrapServers(), "waiting", "retry-now", "--offer", FIXED);
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("https: sent 3 waiting leads of offer " + FIXED, "sent 3 leads in all");

        List<ConsumerRecord<String, Lead>> copies = copies();
        assertThat(copies)
                .extracting(ConsumerRecord::key)
                .containsExactlyInAnyOrder(RUN + "-1", RUN + "-2", RUN + "-5");
        ConsumerRecord<String, Lead> copy = copies.stream()
                .filter(r -> r.key().equals(RUN + "-1"))
                .findFirst()
                .orElseThrow();
        assertThat(RetryHeaders.get(copy.headers(), RetryHeaders.ATTEMPTS))
                .as("its history kept")
                .isEqualTo("3");
        assertThat(RetryHeaders.get(copy.headers(), RetryHeaders.WAITING_SINCE)).isNotNull();
        assertThat(RetryHeaders.get(copy.headers(), RetryHeaders.DUE_TIME))
                .as("due now")
                .isNull();
        assertThat(RetryHeaders.get(copy.headers(), RetryHeaders.NEXT_ATTEMPT_TIME))
                .isNull();
        assertThat(RetryHeaders.get(copy.headers(), RetryHeaders.HOLDS))
                .as("its hold backoff starts over")
                .isNull();
        assertThat(copy.value().offerId()).isEqualTo(FIXED);
        assertThat(RetryHeaders.copyOf(copy.headers()))
                .as("the copy names its original")
                .contains(new RetryHeaders.RecordLocation(
                        new TopicPartition(first.topic(), first.partition()), first.offset()));
        ConsumerRecord<String, Lead> moved = copies.stream()
                .filter(r -> r.key().equals(RUN + "-5"))
                .findFirst()
                .orElseThrow();
        assertThat(RetryHeaders.get(moved.headers(), RetryHeaders.ATTEMPTS))
                .as("the newest record copied")
                .isEqualTo("6");
        assertThat(RetryHeaders.copyOf(moved.headers()))
                .contains(new RetryHeaders.RecordLocation(
                        new TopicPartition(newest.topic(), newest.partition()), newest.offset()));

        List<ConsumerRecord<String, RetryWakeup>> wakeups =
                TopicReader.readAll(KAFKA.bootstrapServers(), Topics.RETRY_WAKEUPS).stream()
                        .filter(r -> r.key().equals(RetryWakeup.key("https", FIXED)))
                        .toList();
        assertThat(wakeups).hasSize(1);
        RetryWakeup wakeup = wakeups.get(0).value();
        assertThat(wakeup.copied(first.topic(), first.partition(), first.offset()))
                .isTrue();
        assertThat(wakeups.get(0).value().offerId()).isEqualTo(FIXED);

        Cli.Run none = Cli.run(
                "--bootstrap-servers", KAFKA.bootstrapServers(), "waiting", "retry-now", "--offer", RUN + ".quiet");
        assertThat(none.exit()).isZero();
        assertThat(none.out()).contains("no lead of offer " + RUN + ".quiet waits in a retry tier");

        Cli.Run bad = Cli.run(
                "--bootstrap-servers",
                KAFKA.bootstrapServers(),
                "waiting",
                "retry-now",
                "--offer",
                FIXED,
                "--group",
                "custom");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--group needs --destination");
    }

    private static Lead lead(String leadId, String offerId) {
        return new Lead(
                leadId,
                offerId,
                Instant.now(),
                false,
                new UserDetails("Ann", "Lee", "ann.lee@contoso.example", null, null, "Contoso", null, null),
                "AzureMarketplace-INS|" + offerId,
                "INS",
                "Widget",
                null,
                null);
    }

    /** A tier record as a sink writes it: the lead's bytes and its retry history. */
    private static RecordMetadata writeTierRecord(String tier, Lead lead, int attempts) throws Exception {
        return writeTierRecord(tier, lead, attempts, Instant.now().plusSeconds(3_000));
    }

    private static RecordMetadata writeTierRecord(String tier, Lead lead, int attempts, Instant due) throws Exception {
        RecordHeaders headers = new RecordHeaders();
        Instant since = Instant.now().minusSeconds(3_600);
        RetryHeaders.put(headers, RetryHeaders.ATTEMPTS, attempts);
        RetryHeaders.put(headers, RetryHeaders.HOLDS, 40);
        RetryHeaders.put(headers, RetryHeaders.REASON, "CIRCUIT_OPEN");
        RetryHeaders.put(headers, RetryHeaders.WAITING_SINCE, since);
        RetryHeaders.put(headers, RetryHeaders.NEXT_ATTEMPT_TIME, due);
        RetryHeaders.put(headers, RetryHeaders.DUE_TIME, due);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            byte[] value = DELIVERIES.valueSerde().serializer().serialize(DELIVERIES.name(), lead);
            return producer.send(new ProducerRecord<>(tier, 0, lead.leadId(), value, headers))
                    .get(10, TimeUnit.SECONDS);
        }
    }

    private static void commitAsSink(TopicPartition tp, FinishedOffsets state) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            admin.alterConsumerGroupOffsets(
                            WaitingRetryNowCommand.SINK_GROUP_PREFIX + "https",
                            Map.of(tp, new OffsetAndMetadata(state.position(), state.metadata())))
                    .all()
                    .get(10, TimeUnit.SECONDS);
        }
    }

    private static List<ConsumerRecord<String, Lead>> copies() {
        return TopicReader.readAll(KAFKA.bootstrapServers(), DELIVERIES).stream()
                .filter(r -> r.key() != null && r.key().startsWith(RUN))
                .toList();
    }
}
