package dev.leadpipe.leadctl;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.dlq.DeadLetterRecord;
import dev.leadpipe.core.dlq.PipelineHeaders;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Dead-letter records shaped like the router's (DeadLetterProcessor), written straight to leads-dlq. */
final class DlqSeed {
    private DlqSeed() {}

    /** A lead's canonical JSON, with personal data (an e-mail address built from the lead id). */
    static byte[] leadJson(String leadId, String offerId) {
        String json = """
                {"leadId":"%s","offerId":"%s","receivedAt":"2025-06-01T10:00:00Z","test":false,\
                "UserDetails":{"FirstName":"Ada","LastName":"Lovelace","Email":"%s","Phone":"+44 20 7946 0000",\
                "Country":"GB","Company":"Analytical Engines","Title":"CTO"},\
                "LeadSource":"AzureMarketplace-INS|%s","ActionCode":"INS","OfferTitle":"Contoso Widgets",\
                "Description":"call me at %s"}""".formatted(leadId, offerId, email(leadId), offerId, email(leadId));
        return json.getBytes(StandardCharsets.UTF_8);
    }

    static String email(String leadId) {
        return "customer." + leadId.toLowerCase() + "@example.com";
    }

    /** Builder of one dead-letter record. */
    static final class Dl {
        String leadId;
        String key;
        String offerId;
        ErrorClass error = ErrorClass.NO_DESTINATION_CONFIGURED;
        String destinationType = "none";
        int attempts = 0;
        int replayCount = 0;
        Instant lastFailure = Instant.now();
        Long timestamp;
        byte[] value;
        boolean originalReplayHeader;
        String upstreamDetail;

        Dl(String leadId, String offerId) {
            this.leadId = leadId;
            this.key = leadId;
            this.offerId = offerId;
        }

        Dl error(ErrorClass e, String type) {
            this.error = e;
            this.destinationType = type;
            return this;
        }

        Dl replayCount(int n) {
            this.replayCount = n;
            return this;
        }

        Dl failedAgo(Duration ago) {
            this.lastFailure = Instant.now().minus(ago);
            return this;
        }

        Dl attempts(int n) {
            this.attempts = n;
            return this;
        }

        Dl timestamp(long ts) {
            this.timestamp = ts;
            return this;
        }

        Dl value(byte[] v) {
            this.value = v;
            return this;
        }

        Dl withOriginalReplayHeader() {
            this.originalReplayHeader = true;
            return this;
        }

        Dl upstreamDetail(String d) {
            this.upstreamDetail = d;
            return this;
        }

        byte[] valueBytes() {
            return value != null ? value : leadJson(leadId, offerId);
        }

        ProducerRecord<String, byte[]> record() {
            Headers headers = new RecordHeaders();
            headers.add("traceparent", ("00-" + leadId + "-01").getBytes(StandardCharsets.UTF_8));
            if (originalReplayHeader && replayCount > 0) {
                headers.add(
                        PipelineHeaders.REPLAY_COUNT,
                        String.valueOf(replayCount).getBytes(StandardCharsets.UTF_8));
            }
            if (leadId != null) {
                DeadLetterHeaders.put(headers, DeadLetterHeaders.LEAD_ID, leadId);
            }
            DeadLetterHeaders.put(headers, DeadLetterHeaders.ERROR_CLASS, error.code());
            DeadLetterHeaders.put(headers, DeadLetterHeaders.ERROR_KIND, DeadLetterRecord.kind(error, 0));
            DeadLetterHeaders.put(headers, DeadLetterHeaders.REMEDIATION, error.remediation());
            DeadLetterHeaders.put(headers, DeadLetterHeaders.UPSTREAM_DETAIL, upstreamDetail);
            DeadLetterHeaders.put(headers, DeadLetterHeaders.DESTINATION_TYPE, destinationType);
            DeadLetterHeaders.put(headers, DeadLetterHeaders.OFFER_ID, offerId);
            DeadLetterHeaders.put(headers, DeadLetterHeaders.ATTEMPTS, attempts);
            DeadLetterHeaders.put(
                    headers,
                    DeadLetterHeaders.FIRST_FAILURE_TIME,
                    lastFailure.minusSeconds(60).toString());
            DeadLetterHeaders.put(headers, DeadLetterHeaders.LAST_FAILURE_TIME, lastFailure.toString());
            DeadLetterHeaders.put(headers, DeadLetterHeaders.SOURCE_TOPIC, Topics.LEADS.name());
            DeadLetterHeaders.put(headers, DeadLetterHeaders.SOURCE_PARTITION, 2);
            DeadLetterHeaders.put(headers, DeadLetterHeaders.SOURCE_OFFSET, 41);
            DeadLetterHeaders.put(headers, DeadLetterHeaders.REPLAY_COUNT, replayCount);
            long ts = timestamp != null ? timestamp : lastFailure.toEpochMilli();
            return new ProducerRecord<>(Topics.LEADS_DLQ.name(), null, ts, key, valueBytes(), headers);
        }
    }

    static Dl dl(String leadId, String offerId) {
        return new Dl(leadId, offerId);
    }

    /** Writes the records (acks=all) and waits for every acknowledgement. */
    static void send(String bootstrap, Dl... records) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true),
                new StringSerializer(),
                new ByteArraySerializer())) {
            for (Dl d : records) {
                producer.send(d.record()).get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Every record on {@code leads} whose key is one of {@code leadIds}: the topic read from its beginning up to its
     * end offsets now. Exact, because leadctl returns only after Kafka acknowledged everything it wrote; when fewer
     * than {@code atLeast} are found it keeps re-reading for a while (in case of a slow broker) before answering.
     */
    static List<ConsumerRecord<String, byte[]>> leadsFor(String bootstrap, List<String> leadIds, int atLeast) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            List<ConsumerRecord<String, byte[]>> found = readToEnd(bootstrap, Topics.LEADS.name()).stream()
                    .filter(c -> leadIds.contains(c.key()))
                    .toList();
            if (found.size() >= atLeast || System.nanoTime() > deadline) {
                return found;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return found;
            }
        }
    }

    /** A topic from its beginning to its current end offsets, read_committed, as String keys and raw values. */
    static List<ConsumerRecord<String, byte[]>> readToEnd(String bootstrap, String topic) {
        List<ConsumerRecord<String, byte[]>> out = new java.util.ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> tps = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            Map<TopicPartition, Long> end = consumer.endOffsets(tps, Duration.ofSeconds(30));
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }
}
