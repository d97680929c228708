package dev.leadpipe.leadctl;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;

import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.dlq.PipelineHeaders;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Headers;

/**
 * Replays dead-lettered leads: sends each selected record's ORIGINAL value back to {@code leads}, keyed by its lead id
 * (the {@link DeadLetterHeaders#LEAD_ID} header, else the record key), with its original non-{@code leadpipe.dlq.*}
 * headers and {@link PipelineHeaders#REPLAY_COUNT} set to the record's {@link DeadLetterHeaders#REPLAY_COUNT} + 1, so
 * the router lets it past its duplicate filter and routes it with the offer's CURRENT destination.
 *
 * <p><b>Selection.</b> Only the newest record of each lead in the range read counts (a lead dead-lettered twice is
 * replayed once, and only if its newest record matches the filter). A record whose replay count has reached
 * {@code maxReplays} is skipped and reported (a poison lead cannot loop forever); a {@code MALFORMED_RECORD} record is
 * skipped with a note unless {@code includeMalformed}.
 *
 * <p><b>Checkpoint.</b> Each selection (the normalized filter plus max-replays and include-malformed; not
 * {@code --limit}, {@code --chunk-size} or {@code --dry-run}) has its own consumer group
 * {@code leadctl-replay-<first 16 hex of SHA-256 of the selection>}, whose committed offsets on {@code leads-dlq} say
 * how far the topic was handled for it. A run reads from the committed offsets (the topic's beginning when there are
 * none, or with {@code restart}) up to the end offsets captured at its start, in two passes: the first plans
 * (newest record per lead, filter, cap), the second sends. Sends go out in chunks of {@code chunkSize}; after every
 * chunk the producer (acks=all, idempotent) is flushed, every send must be acknowledged, and only then are the
 * offsets of the records examined so far committed. A stop (Ctrl-C, {@code --limit}) lets the current chunk finish
 * and be committed; a crash re-sends at most the unacknowledged chunk on the next run (at-least-once: a replayed lead
 * sent twice is harmless, the router lets replays pass and the sinks upsert). A failed send stops the run without
 * committing its chunk. A dry run reads the same range and commits nothing.
 */
final class ReplayEngine implements AutoCloseable {
    static final String GROUP_PREFIX = "leadctl-replay-";
    static final int DEFAULT_CHUNK_SIZE = 500;
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(30);

    /** What to replay and how. {@code limit} null means no limit. */
    record Options(
            DlqFilter filter,
            int maxReplays,
            boolean includeMalformed,
            boolean dryRun,
            Integer limit,
            boolean restart,
            int chunkSize) {
        String selection() {
            return filter.normalized() + ";max-replays=" + maxReplays + ";include-malformed=" + includeMalformed;
        }
    }

    enum Action {
        REPLAY,
        SKIP_CAP,
        SKIP_MALFORMED
    }

    private record Pos(int partition, long offset) {}

    /** The outcome of the planning pass. */
    record Plan(
            Map<TopicPartition, Long> start,
            Map<TopicPartition, Long> end,
            boolean resumed,
            long alreadyHandled,
            int toReplay,
            int overCap,
            int malformed,
            int superseded,
            long recordsInRange) {
        boolean nothingToDo() {
            return toReplay == 0 && overCap == 0 && malformed == 0;
        }
    }

    /** The outcome of a run. */
    record Result(int replayed, int overCap, int malformed, boolean complete, boolean interrupted) {
        int skipped() {
            return overCap + malformed;
        }
    }

    private final KafkaAccess kafka;
    private final Options options;
    private final PrintWriter out;
    private final PrintWriter err;
    private final String groupId;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final DlqScanner scanner;
    private final Map<Pos, Action> actions = new HashMap<>();
    private Plan plan;
    private volatile int replayed;

    ReplayEngine(KafkaAccess kafka, Options options, PrintWriter out, PrintWriter err) {
        this.kafka = kafka;
        this.options = options;
        this.out = out;
        this.err = err;
        this.groupId = groupId(options.selection());
        this.consumer = kafka.consumer(groupId);
        this.scanner = new DlqScanner(kafka, consumer);
    }

    /** The checkpoint's consumer group of a selection. */
    static String groupId(String selection) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(selection.getBytes(StandardCharsets.UTF_8));
            return GROUP_PREFIX + HexFormat.of().formatHex(digest).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    String groupId() {
        return groupId;
    }

    /** Leads sent (or, in a dry run, listed) so far in this run. */
    int replayedSoFar() {
        return replayed;
    }

    /**
     * The planning pass: captures the end offsets, finds where the checkpoint stands, reads that range and decides
     * for each record whether it is replayed or skipped. Returns null when {@code stop} said so before the end.
     */
    Plan plan(BooleanSupplier stop) {
        Map<TopicPartition, Long> end = scanner.endOffsets();
        Map<TopicPartition, Long> beginning = scanner.beginningOffsets();
        Map<TopicPartition, Long> start = new HashMap<>(beginning);
        boolean resumed = false;
        if (!options.restart()) {
            Map<TopicPartition, OffsetAndMetadata> committed;
            try {
                committed = consumer.committed(new java.util.HashSet<>(scanner.partitions()), COMMIT_TIMEOUT);
            } catch (KafkaException e) {
                throw kafka.unreachable(e);
            }
            for (TopicPartition tp : scanner.partitions()) {
                OffsetAndMetadata c = committed.get(tp);
                if (c != null) {
                    resumed = true;
                    start.put(
                            tp,
                            Math.min(Math.max(c.offset(), beginning.getOrDefault(tp, 0L)), end.getOrDefault(tp, 0L)));
                }
            }
        }
        long alreadyHandled = resumed ? DlqScanner.total(beginning, start, scanner.partitions()) : 0;
        long inRange = DlqScanner.total(start, end, scanner.partitions());

        Map<String, DeadLetter> newest = new HashMap<>();
        int[] matchingRecords = new int[1];
        boolean complete = scanner.scan(start, end, dl -> {
            if (stop.getAsBoolean()) {
                return false;
            }
            DeadLetter light = dl.withoutPayload();
            if (options.filter().matches(light)) {
                matchingRecords[0]++;
            }
            newest.merge(light.identity(), light, (a, b) -> b.isNewerThan(a) ? b : a);
            return true;
        });
        if (!complete) {
            return null;
        }
        int toReplay = 0;
        int overCap = 0;
        int malformed = 0;
        int newestMatching = 0;
        for (DeadLetter dl : newest.values()) {
            if (!options.filter().matches(dl)) {
                continue;
            }
            newestMatching++;
            Action action;
            if (dl.isMalformed() && !options.includeMalformed()) {
                action = Action.SKIP_MALFORMED;
                malformed++;
            } else if (dl.replayCount() >= options.maxReplays()) {
                action = Action.SKIP_CAP;
                overCap++;
            } else {
                action = Action.REPLAY;
                toReplay++;
            }
            actions.put(new Pos(dl.partition().partition(), dl.offset()), action);
        }
        plan = new Plan(
                start,
                end,
                resumed,
                alreadyHandled,
                toReplay,
                overCap,
                malformed,
                matchingRecords[0] - newestMatching,
                inRange);
        return plan;
    }

    /**
     * Advances the checkpoint to the end of the planned range without sending anything: used when the plan has
     * nothing to do, so the next identical run starts where this one ended.
     */
    void commitEnd() {
        if (!options.dryRun()) {
            commit(plan.end());
        }
    }

    /**
     * The sending pass over the planned range (see the class comment). {@code stop} is checked before each record;
     * {@code progress} is given the number of leads that will be sent.
     */
    Result replay(BooleanSupplier stop, LongFunction<Progress> progress) {
        if (plan == null) {
            throw new IllegalStateException("plan first");
        }
        long expected = options.limit() == null ? plan.toReplay() : Math.min(plan.toReplay(), options.limit());
        Map<TopicPartition, Long> examined = new HashMap<>();
        AtomicReference<Exception> sendFailure = new AtomicReference<>();
        int[] overCap = new int[1];
        int[] malformed = new int[1];
        int[] inChunk = new int[1];
        boolean[] interrupted = new boolean[1];
        if (!options.dryRun()) {
            // the checkpoint starts where this run starts, on every partition: after --restart, a partition this run
            // has not reached yet must not keep the offsets of an earlier, finished run
            commit(plan.start());
        }
        KafkaProducer<byte[], byte[]> producer = options.dryRun() ? null : kafka.producer();
        boolean complete;
        try (Progress bar = options.dryRun() ? Progress.none() : progress.apply(expected)) {
            complete = scanner.scan(plan.start(), plan.end(), dl -> {
                if (options.limit() != null && replayed >= options.limit()) {
                    return false;
                }
                if (stop.getAsBoolean()) {
                    interrupted[0] = true;
                    return false;
                }
                Action action = actions.get(new Pos(dl.partition().partition(), dl.offset()));
                if (action == Action.REPLAY) {
                    if (producer == null) {
                        out.println("would replay " + describe(dl) + ", replay " + (dl.replayCount() + 1)
                                + " of at most " + options.maxReplays());
                    } else {
                        producer.send(toLeadsRecord(dl), (md, e) -> {
                            if (e != null) {
                                sendFailure.compareAndSet(null, e);
                            } else {
                                bar.step();
                            }
                        });
                        inChunk[0]++;
                    }
                    replayed++;
                } else if (action == Action.SKIP_CAP) {
                    overCap[0]++;
                    out.println("skipped " + describe(dl) + ": already replayed " + dl.replayCount()
                            + " times (--max-replays " + options.maxReplays() + ")");
                } else if (action == Action.SKIP_MALFORMED) {
                    malformed[0]++;
                    out.println("skipped " + describe(dl) + ": MALFORMED_RECORD, replaying unreadable bytes cannot help"
                            + " (--include-malformed sends it anyway)");
                }
                examined.put(dl.partition(), dl.offset() + 1);
                if (producer != null && inChunk[0] >= options.chunkSize()) {
                    acknowledgeAndCommit(producer, sendFailure, examined);
                    inChunk[0] = 0;
                }
                return true;
            });
            if (producer != null) {
                acknowledgeAndCommit(producer, sendFailure, complete ? plan.end() : examined);
            }
        } finally {
            if (producer != null) {
                producer.close(Duration.ofSeconds(10));
            }
        }
        return new Result(replayed, overCap[0], malformed[0], complete, interrupted[0]);
    }

    /** Waits for every send to be acknowledged, then commits the offsets; a failed send commits nothing. */
    private void acknowledgeAndCommit(
            KafkaProducer<byte[], byte[]> producer,
            AtomicReference<Exception> sendFailure,
            Map<TopicPartition, Long> offsets) {
        try {
            producer.flush();
        } catch (KafkaException e) {
            sendFailure.compareAndSet(null, e);
        }
        Exception failure = sendFailure.get();
        if (failure != null) {
            out.flush();
            int code = failure instanceof RetriableException
                            || failure instanceof org.apache.kafka.common.errors.TimeoutException
                    ? ExitCodes.KAFKA_UNREACHABLE
                    : ExitCodes.FAILURE;
            throw new LeadctlException(
                    code,
                    "replay stopped: Kafka at " + kafka.bootstrapServers()
                            + " did not acknowledge a replayed lead (" + KafkaAccess.reason(failure)
                            + "); the leads of the last "
                            + "chunk are not checkpointed and will be sent again when you re-run the same command");
        }
        commit(offsets);
    }

    private void commit(Map<TopicPartition, Long> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        String metadata = Leadctl.oneLine("leadctl dlq replay " + options.selection());
        if (metadata.length() > 1000) {
            metadata = metadata.substring(0, 1000);
        }
        for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
            commit.put(e.getKey(), new OffsetAndMetadata(e.getValue(), metadata));
        }
        try {
            consumer.commitSync(commit, COMMIT_TIMEOUT);
        } catch (KafkaException e) {
            throw new LeadctlException(
                    ExitCodes.KAFKA_UNREACHABLE,
                    "replayed leads were acknowledged but the checkpoint " + "could not be saved ("
                            + KafkaAccess.reason(e) + "); re-running sends them again");
        }
    }

    /**
     * The record to send back to {@code leads}: original value and headers, the lead id as key, replay count + 1 (at
     * most {@link Integer#MAX_VALUE}: a count that wrapped negative would make the router drop the replay as a
     * duplicate).
     */
    static ProducerRecord<byte[], byte[]> toLeadsRecord(DeadLetter dl) {
        Headers headers = dl.originalHeadersCopy();
        int count = dl.replayCount() == Integer.MAX_VALUE ? Integer.MAX_VALUE : dl.replayCount() + 1;
        DeadLetterHeaders.put(headers, PipelineHeaders.REPLAY_COUNT, count);
        String leadId = dl.header(DeadLetterHeaders.LEAD_ID);
        byte[] key = leadId != null && !leadId.isBlank() ? leadId.getBytes(StandardCharsets.UTF_8) : dl.key();
        return new ProducerRecord<>(Topics.LEADS.name(), null, key, dl.value(), headers);
    }

    private static String describe(DeadLetter dl) {
        String id = dl.leadId() == null ? "(no lead id, " + dl.position() + ")" : dl.leadId();
        List<String> parts = new java.util.ArrayList<>();
        parts.add(dl.errorClass() == null ? "no class" : dl.errorClass());
        if (dl.offerId() != null) {
            parts.add("offer " + dl.offerId());
        }
        if (dl.destinationType() != null) {
            parts.add("destination " + dl.destinationType());
        }
        return Privacy.safe(id + " (" + String.join(", ", parts) + ")");
    }

    @Override
    public void close() {
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
