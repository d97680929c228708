package dev.leadpipe.leadctl;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.leadpipe.core.destination.DestinationType;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.retry.FinishedOffsets;
import dev.leadpipe.core.retry.RetryHeaders;
import dev.leadpipe.core.retry.RetryWakeup;
import dev.leadpipe.core.topic.TopicSpec;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code leadctl waiting retry-now --offer ID}: sends an offer's leads that wait in the retry tiers to their next attempt
 * at once, once the publisher says its destination is fixed. For each destination type (or {@code --destination}) it
 * reads the type's retry tiers from the sink group's committed offsets (skipping what the commit's metadata says is
 * finished) to their end now, copies each waiting lead of the offer — key, bytes and headers, its attempt history
 * kept, its due times and hold count dropped — to the type's delivery topic, then writes a {@link RetryWakeup} to
 * {@code retry-wakeups} so the sinks skip the originals when they reach them. Copies go first: if leadctl stops in
 * between, the originals still come back on their own. Each copy names its original ({@link RetryHeaders#COPY_OF}): a
 * sink that worked on the original meanwhile (it came due while this ran) skips the copy. A copy starts its hold backoff
 * over: should it meet the endpoint's circuit still open (a probe failed just before the fix), it looks again after one
 * open duration, not after the longest backoff its outage had grown to. Prints one line per type and a total; exit 0
 * also when nothing waits.
 */
@Command(
        name = "retry-now",
        mixinStandardHelpOptions = true,
        versionProvider = Leadctl.Version.class,
        description = {
            "Send an offer's waiting leads to their next delivery attempt now (after its destination was "
                    + "fixed), instead of at their next scheduled attempt."
        },
        footer = {"", "Exit codes: 0 ok (nothing waiting included), 1 failed, 2 bad arguments, 3 Kafka unreachable."})
final class WaitingRetryNowCommand extends LeadctlCommand {
    /** The sinks' default consumer group prefix ({@code SINK_GROUP_ID} unset). */
    static final String SINK_GROUP_PREFIX = "leadpipe-sink-";
    /** Retry headers a copy does not take from its original. */
    private static final Set<String> DROPPED_FROM_COPIES =
            Set.of(RetryHeaders.DUE_TIME, RetryHeaders.NEXT_ATTEMPT_TIME, RetryHeaders.HOLDS, RetryHeaders.COPY_OF);

    @Option(
            names = "--offer",
            required = true,
            paramLabel = "OFFER_ID",
            description = "The offer, publisherId.offerId.")
    String offerId;

    @Option(
            names = "--destination",
            paramLabel = "TYPE",
            converter = FilterOptions.DestinationTypeConverter.class,
            description = "Only this destination type's retry tiers (default: every type's).")
    DestinationType destination;

    @Option(
            names = "--group",
            paramLabel = "GROUP",
            description = "The sink's consumer group when its SINK_GROUP_ID is set (needs --destination; "
                    + "default leadpipe-sink-<type>).")
    String group;

    @Option(names = "--dry-run", description = "Count the waiting leads; send nothing.")
    boolean dryRun;

    @Override
    int execute() {
        if (offerId.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--offer must not be blank");
        }
        if (group != null && destination == null) {
            throw new ParameterException(spec.commandLine(), "--group needs --destination (one sink's group)");
        }
        List<DestinationType> types = destination != null
                ? List.of(destination)
                : List.of(DestinationType.values()).stream()
                        .filter(DestinationType::isDeliverable)
                        .toList();
        for (DestinationType t : types) {
            if (!t.isDeliverable()) {
                throw new ParameterException(
                        spec.commandLine(), "destination type " + t.wireName() + " has no sink and no retry tiers");
            }
        }
        KafkaAccess kafka = kafka(Topics.RETRY_WAKEUPS.name());
        int total = 0;
        for (DestinationType type : types) {
            Found found = find(kafka, type, group != null ? group : SINK_GROUP_PREFIX + type.wireName());
            if (found.leads().isEmpty()) {
                continue;
            }
            if (!dryRun) {
                send(kafka, type, found);
            }
            total += found.leads().size();
            out().println(type.wireName() + ": " + (dryRun ? "would send " : "sent ")
                    + Ages.count(found.leads().size())
                    + (found.leads().size() == 1 ? " waiting lead" : " waiting leads") + " of offer "
                    + Privacy.safe(offerId) + " to "
                    + (dryRun
                            ? "their next attempt now"
                            : "their next attempt now ("
                                    + Topics.deliveryTopic(type).name() + ")"));
        }
        if (total == 0) {
            out().println("no lead of offer " + Privacy.safe(offerId) + " waits in a retry tier");
        } else {
            out().println((dryRun ? "would send " : "sent ") + Ages.count(total) + (total == 1 ? " lead" : " leads")
                    + " in all" + (dryRun ? " (dry run: nothing sent)" : ""));
        }
        return ExitCodes.OK;
    }

    /** The offer's waiting tier records of one type (the latest per lead), and the range read per tier partition. */
    private record Found(Map<String, ConsumerRecord<byte[], byte[]>> leads, Map<String, Long> copiedBelow) {}

    private Found find(KafkaAccess kafka, DestinationType type, String sinkGroup) {
        Map<TopicPartition, OffsetAndMetadata> committed = committedOffsets(kafka, sinkGroup);
        Deserializer<Lead> leads = Topics.deliveryTopic(type).valueSerde().deserializer();
        Map<String, ConsumerRecord<byte[], byte[]>> found = new LinkedHashMap<>();
        Map<String, Long> copiedBelow = new HashMap<>();
        for (TopicSpec<String, byte[]> tier : Topics.retryTiers(type)) {
            try (var consumer = kafka.consumer(null)) {
                TopicScanner scanner = new TopicScanner(kafka, consumer, tier.name());
                Map<TopicPartition, Long> start = scanner.beginningOffsets();
                Map<TopicPartition, FinishedOffsets> finished = new HashMap<>();
                for (TopicPartition tp : scanner.partitions()) {
                    OffsetAndMetadata om = committed.get(tp);
                    if (om != null) {
                        start.put(tp, Math.max(start.get(tp), om.offset()));
                        finished.put(tp, FinishedOffsets.decode(om.offset(), om.metadata()));
                    }
                }
                Map<TopicPartition, Long> end = scanner.endOffsets();
                scanner.scanRecords(start, end, r -> {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    FinishedOffsets done = finished.get(tp);
                    if (r.key() == null || (done != null && done.isFinished(r.offset()))) {
                        return true;
                    }
                    Lead lead;
                    try {
                        lead = leads.deserialize(r.topic(), r.value());
                    } catch (RuntimeException e) {
                        return true; // not a lead: the sink dead-letters it as MALFORMED_RECORD itself
                    }
                    if (lead != null && offerId.equals(lead.offerId())) {
                        // a lead may have several unfinished tier records while a sink moves it on: the one due
                        // last is its newest (each is written after its predecessor came due)
                        found.merge(
                                new String(r.key(), StandardCharsets.UTF_8),
                                r,
                                (a, b) -> RetryHeaders.dueTime(b.headers()).isBefore(RetryHeaders.dueTime(a.headers()))
                                        ? a
                                        : b);
                    }
                    return true;
                });
                end.forEach((tp, e) -> {
                    if (e > start.getOrDefault(tp, 0L)) {
                        copiedBelow.put(RetryWakeup.partitionKey(tp.topic(), tp.partition()), e);
                    }
                });
            }
        }
        return new Found(found, copiedBelow);
    }

    private static Map<TopicPartition, OffsetAndMetadata> committedOffsets(KafkaAccess kafka, String sinkGroup) {
        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(sinkGroup)
                    .partitionsToOffsetAndMetadata()
                    .get(20, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> present = new HashMap<>();
            offsets.forEach((tp, om) -> {
                if (om != null) {
                    present.put(tp, om);
                }
            });
            return present;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LeadctlException(ExitCodes.INTERRUPTED, "interrupted while reading the sink group's offsets");
        } catch (ExecutionException | TimeoutException e) {
            throw kafka.unreachable(e);
        }
    }

    private void send(KafkaAccess kafka, DestinationType type, Found found) {
        String deliveries = Topics.deliveryTopic(type).name();
        byte[] wakeup = Topics.RETRY_WAKEUPS
                .valueSerde()
                .serializer()
                .serialize(
                        Topics.RETRY_WAKEUPS.name(),
                        new RetryWakeup(offerId, type.wireName(), Instant.now(), found.copiedBelow()));
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            List<Future<?>> sent = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : found.leads().values()) {
                sent.add(producer.send(
                        new ProducerRecord<>(deliveries, null, r.timestamp(), r.key(), r.value(), copyHeaders(r))));
            }
            awaitAll(kafka, sent);
            // the originals are skipped only once every copy is written
            awaitAll(
                    kafka,
                    List.of(producer.send(new ProducerRecord<>(
                            Topics.RETRY_WAKEUPS.name(),
                            RetryWakeup.key(type.wireName(), offerId).getBytes(StandardCharsets.UTF_8),
                            wakeup))));
        }
    }

    /**
     * The copy's headers: the lead's history kept, its due times dropped (due now), its hold count dropped (its backoff
     * starts over), and where the original is.
     */
    private static RecordHeaders copyHeaders(ConsumerRecord<byte[], byte[]> original) {
        List<Header> kept = new ArrayList<>();
        for (Header h : original.headers()) {
            if (!DROPPED_FROM_COPIES.contains(h.key())) {
                kept.add(h);
            }
        }
        RecordHeaders headers = new RecordHeaders(kept);
        RetryHeaders.put(
                headers,
                RetryHeaders.COPY_OF,
                RetryHeaders.location(original.topic(), original.partition(), original.offset()));
        return headers;
    }

    private static void awaitAll(KafkaAccess kafka, List<Future<?>> sent) {
        try {
            for (Future<?> f : sent) {
                f.get(60, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LeadctlException(ExitCodes.INTERRUPTED, "interrupted while sending; run the command again");
        } catch (ExecutionException | TimeoutException e) {
            throw kafka.unreachable(e);
        }
    }
}
