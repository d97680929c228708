package dev.leadpipe.sink.runtime;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.retry.FinishedOffsets;
import dev.leadpipe.core.retry.WaitingLead;
import dev.leadpipe.core.topic.TopicSpec;
import dev.leadpipe.core.topic.Topics;
import dev.leadpipe.kafka.testing.KafkaBrokerExtension;
import dev.leadpipe.kafka.testing.TopicReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the sink runtime's broker tests share: a real (embedded KRaft) broker per test class, a producer and an admin
 * client, the log capture (no line of any test may hold the canary secret or the customer's address), and per test a
 * run id that suffixes its offers, lead ids and consumer group, so tests sharing the broker do not see each other's
 * leads; each group starts at the current end of the delivery topic. Plus reading what came out: outcomes, dead
 * letters, waiting leads and commits.
 */
abstract class SinkBrokerTest {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static final DestinationType TYPE = DestinationType.HTTPS;
    static final TopicSpec<String, Lead> TOPIC = Topics.deliveryTopic(TYPE);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    static final TopicSpec<String, byte[]> RAW_OUTCOMES = new TopicSpec<>(
            Topics.LEAD_OUTCOMES.name(), Serdes.String(), Serdes.ByteArray(), Topics.LEAD_PARTITIONS, false);

    static CapturedLogs logs;
    static KafkaProducer<String, byte[]> producer;
    static Admin admin;

    protected String run;

    @BeforeAll
    static void setUpBroker() {
        logs = CapturedLogs.attach();
        producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        KAFKA.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all"),
                new StringSerializer(),
                new ByteArraySerializer());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()));
    }

    @AfterAll
    static void tearDownBroker() {
        producer.close();
        admin.close();
        logs.detach();
        logs.assertNoSecretOrAddress(); // every line any test of the class logged
    }

    @BeforeEach
    void newRun() {
        run = UUID.randomUUID().toString().substring(0, 8);
    }

    protected String offer(String name) {
        return "pub" + run + "." + name;
    }

    protected String lead(String name) {
        return name + "-" + run;
    }

    protected String group() {
        String group = "sink-test-" + run;
        SinkTestSupport.startAtEnd(admin, TYPE, group);
        return group;
    }

    protected SinkConfig config(String group) {
        return SinkTestSupport.fastConfig(KAFKA.bootstrapServers(), group);
    }

    protected static long committed(String group, int partition) {
        return committedOn(group, new TopicPartition(TOPIC.name(), partition));
    }

    /** The group's committed offset on {@code tp}, or -1. */
    protected static long committedOn(String group, TopicPartition tp) {
        try {
            OffsetAndMetadata om = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS)
                    .get(tp);
            return om == null ? -1 : om.offset();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    protected static void putDestination(String offerId, DestinationType type, String host, long version)
            throws Exception {
        LeadDestination d = SinkTestSupport.scriptedDestination(offerId, type, host, version);
        producer.send(new ProducerRecord<>(
                        Topics.LEAD_DESTINATIONS.name(),
                        offerId,
                        Topics.LEAD_DESTINATIONS
                                .valueSerde()
                                .serializer()
                                .serialize(Topics.LEAD_DESTINATIONS.name(), d)))
                .get(10, TimeUnit.SECONDS);
    }

    protected static void deleteDestination(String offerId) throws Exception {
        producer.send(new ProducerRecord<>(Topics.LEAD_DESTINATIONS.name(), offerId, null))
                .get(10, TimeUnit.SECONDS);
    }

    protected static byte[] bytes(Lead lead) {
        return TOPIC.valueSerde().serializer().serialize(TOPIC.name(), lead);
    }

    /** Writes a lead to the delivery topic as the router does: keyed by leadId, the lead's canonical JSON. */
    protected static RecordMetadata sendLead(String leadId, String offerId) throws Exception {
        return send(leadId, bytes(SinkTestSupport.customerLead(leadId, offerId)), null);
    }

    protected static RecordMetadata send(String key, byte[] value, Integer partition, Header... headers)
            throws Exception {
        return producer.send(new ProducerRecord<>(TOPIC.name(), partition, key, value, List.of(headers)))
                .get(10, TimeUnit.SECONDS);
    }

    /** This run's outcomes, read until {@code done} holds for them. */
    protected List<ConsumerRecord<String, Outcome>> outcomes(Predicate<List<ConsumerRecord<String, Outcome>>> done) {
        return ofRun(TopicReader.readUntil(
                KAFKA.bootstrapServers(), Topics.LEAD_OUTCOMES, r -> done.test(ofRun(r)), READ_TIMEOUT, Duration.ZERO));
    }

    protected List<ConsumerRecord<String, byte[]>> deadLetters(Predicate<List<ConsumerRecord<String, byte[]>>> done) {
        return ofRun(TopicReader.readUntil(
                KAFKA.bootstrapServers(),
                Topics.LEADS_DLQ,
                r -> done.test(ofRun(r)),
                READ_TIMEOUT,
                Duration.ofMillis(300)));
    }

    /** This run's dead letters on the topic now, for asserting there are none. */
    protected List<ConsumerRecord<String, byte[]>> deadLettersNow() {
        return ofRun(TopicReader.readAll(KAFKA.bootstrapServers(), Topics.LEADS_DLQ));
    }

    protected <V> List<ConsumerRecord<String, V>> ofRun(List<ConsumerRecord<String, V>> records) {
        return records.stream()
                .filter(r -> r.key() != null && r.key().endsWith("-" + run))
                .toList();
    }

    protected static <V> Set<String> keys(List<ConsumerRecord<String, V>> records) {
        return records.stream().map(ConsumerRecord::key).collect(Collectors.toSet());
    }

    protected static Map<String, Outcome> byLead(List<ConsumerRecord<String, Outcome>> records) {
        Map<String, Outcome> out = new HashMap<>();
        records.forEach(r -> out.put(r.key(), r.value()));
        return out;
    }

    protected static String header(ConsumerRecord<String, byte[]> record, String name) {
        return DeadLetterHeaders.get(record.headers(), name);
    }

    protected static double count(SimpleMeterRegistry registry, String name, String tag, String value) {
        var counter = registry.find(name).tag(tag, value).counter();
        return counter == null ? 0 : counter.count();
    }

    /** What the group's last commit of a delivery topic partition says is finished. */
    protected static FinishedOffsets committedState(String group, TopicPartition tp) {
        try {
            OffsetAndMetadata om = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS)
                    .get(tp);
            return om == null ? null : FinishedOffsets.decode(om.offset(), om.metadata());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * This run's leads on {@code lead-waiting} now: the latest record of each, null when that is a tombstone (the lead
     * has its outcome).
     */
    protected Map<String, WaitingLead> waitingNow() {
        Map<String, WaitingLead> latest = new HashMap<>();
        for (ConsumerRecord<String, WaitingLead> r :
                ofRun(TopicReader.readAll(KAFKA.bootstrapServers(), Topics.LEAD_WAITING))) {
            latest.put(r.key(), r.value());
        }
        return latest;
    }

    /** Every record of a lead on {@code lead-waiting}, oldest first (null for a tombstone). */
    protected List<WaitingLead> waitingHistory(String leadId) {
        return TopicReader.readAll(KAFKA.bootstrapServers(), Topics.LEAD_WAITING).stream()
                .filter(r -> leadId.equals(r.key()))
                .map(ConsumerRecord::value)
                .collect(Collectors.toList());
    }
}
