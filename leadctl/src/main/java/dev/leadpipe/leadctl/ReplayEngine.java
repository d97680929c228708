package dev.leadpipe.leadctl;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;

import dev.leadpipe.core.dlq.DeadLetterHeaders;
import dev.leadpipe.core.dlq.DlqReplay;
import dev.leadpipe.core.dlq.PipelineHeaders;
import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.topic.Topics;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;

/**
 * Replays dead-lettered leads: sends each selected record's ORIGINAL value back to {@code leads}, keyed by its lead id
 * (the {@link DeadLetterHeaders#LEAD_ID} header, else the record key), with its original non-{@code leadpipe.dlq.*}
 * headers and {@link PipelineHeaders#REPLAY_COUNT} set to the record's {@link DeadLetterHeaders#REPLAY_COUNT} + 1, so
 * the router lets it past its duplicate filter and routes it with the offer's CURRENT destination.
 *
 * <p><b>Selection.</b> Only the newest record of each lead in the range read counts (a lead dead-lettered twice is
 * replayed once, and only if its newest record matches the filter). It is skipped, counted and reported when: it is
 * {@code MALFORMED_RECORD} (unless {@code includeMalformed}); it was already replayed (a committed record on
 * {@code leads-dlq-replays}, by this or any other run, whatever its selection); the lead's latest outcome on
 * {@code lead-outcomes} is DELIVERED or SENT_UNCONFIRMED (delivered since, unless {@code force}); its replay count has
 * reached {@code maxReplays} (a poison lead cannot loop forever).
 *
 * <p><b>At most once, however many runs.</b> A dead letter is replayed at most once, ever: a lead that fails again after
 * its replay is dead-lettered again, as a new dead letter. Each {@code leads-dlq} partition N is replayed only through
 * the transactional producer {@code leadctl-replay-leads-dlq-N} ({@link PartitionReplay}); a run starting it fences
 * any other run's (Kafka aborts that run's open transaction), then reads partition N's replay records read_committed
 * and sends only dead letters without one. Every replayed lead goes out in one transaction with its replay record and
 * the checkpoint's offset, so no run can commit a lead that another committed run has replayed: the later starter
 * sees the earlier's commits, and the earlier can commit nothing more. A fenced run stops ({@link Result#fenced()});
 * the run that fenced it replays the rest of that partition. Holds for different, overlapping selections and for
 * {@code --restart}, which only resets the checkpoint.
 *
 * <p><b>Checkpoint.</b> Each selection (the normalized filter plus max-replays, include-malformed and force; not
 * {@code --limit}, {@code --chunk-size} or {@code --dry-run}) has its own consumer group
 * {@code leadctl-replay-<first 16 hex of SHA-256 of the selection>}, whose committed offsets on {@code leads-dlq} say
 * how far the topic was handled for it, committed in each chunk's transaction. A run reads from the committed offsets
 * (the topic's beginning when there are none, or with {@code restart}) up to the end offsets captured at its start,
 * in two passes: the first plans (newest record per lead, filter, replay records, outcomes, cap), the second sends, a
 * partition at a time, in transactions of at most {@code chunkSize} leads. A stop (Ctrl-C, {@code --limit}) lets the
 * current chunk commit; a crash or a failed send aborts it, and the next run sends it again. A dry run reads the same
 * range and writes nothing.
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
            int chunkSize,
            boolean force) {
        String selection() {
            return filter.normalized() + ";max-replays=" + maxReplays + ";include-malformed=" + includeMalformed
                    + (force ? ";force" : "");
        }
    }

    /** The outcome of the planning pass. */
    record Plan(
            Map<TopicPartition, Long> start,
            Map<TopicPartition, Long> end,
            boolean resumed,
            long alreadyHandled,
            int toReplay,
            int alreadyReplayed,
            int delivered,
            int overCap,
            int malformed,
            int superseded,
            long recordsInRange) {
        boolean nothingToDo() {
            return toReplay == 0 && alreadyReplayed == 0 && delivered == 0 && overCap == 0 && malformed == 0;
        }
    }

    /**
     * The outcome of a run: leads replayed (committed; in a dry run, listed), and skipped: already replayed (by an
     * earlier run or one running at the same time), delivered since, over the cap, malformed. {@code fencedPartition}
     * is the {@code leads-dlq} partition another run took over, or null; {@code failure} why Kafka failed the run
     * (after the counted leads were committed), or null.
     */
    record Result(
            int replayed,
            int alreadyReplayed,
            int delivered,
            int overCap,
            int malformed,
            boolean complete,
            boolean interrupted,
            Integer fencedPartition,
            LeadctlException failure) {
        int skipped() {
            return alreadyReplayed + delivered + overCap + malformed;
        }

        boolean fenced() {
            return fencedPartition != null;
        }
    }

    /** Counts of the sending pass, shared with {@link PartitionReplay}. */
    static final class Tally {
        volatile int replayed;
        int pending;
        int alreadyReplayed;
        int delivered;
        int overCap;
        int malformed;
        boolean interrupted;
    }

    private final KafkaAccess kafka;
    private final Options options;
    private final PrintWriter out;
    private final String groupId;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final DlqScanner scanner;
    private final ReplayRecords replayRecords;
    private final ReplayDecisions decisions;
    private final Tally tally = new Tally();
    private Plan plan;

    ReplayEngine(KafkaAccess kafka, Options options, PrintWriter out, PrintWriter err) {
        this.kafka = kafka;
        this.options = options;
        this.out = out;
        this.groupId = groupId(options.selection());
        this.consumer = kafka.consumer(groupId);
        this.scanner = new DlqScanner(kafka, consumer);
        this.replayRecords = new ReplayRecords(kafka);
        this.decisions = new ReplayDecisions(options);
        replayRecords.requirePartitionsFor(scanner.partitions());
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

    /** Leads sent and committed (or, in a dry run, listed) so far in this run, plus those in the open transaction. */
    int replayedSoFar() {
        return tally.replayed + tally.pending;
    }

    /**
     * The planning pass: captures the end offsets, finds where the checkpoint stands, reads that range, the replay
     * records and the outcomes of the leads in it, and decides for each record whether it is replayed or skipped.
     * Returns null when {@code stop} said so before the end.
     */
    Plan plan(BooleanSupplier stop) {
        Map<TopicPartition, Long> end = scanner.endOffsets();
        Map<TopicPartition, Long> beginning = scanner.beginningOffsets();
        Map<TopicPartition, Long> start = new HashMap<>(beginning);
        boolean resumed = false;
        if (!options.restart()) {
            Map<TopicPartition, OffsetAndMetadata> committed;
            try {
                committed = consumer.committed(new HashSet<>(scanner.partitions()), COMMIT_TIMEOUT);
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
        List<DeadLetter> selected = new ArrayList<>();
        Set<String> leadIds = new HashSet<>();
        for (DeadLetter dl : newest.values()) {
            if (options.filter().matches(dl)) {
                selected.add(dl);
                if (dl.leadId() != null) {
                    leadIds.add(dl.leadId());
                }
            }
        }
        Map<Integer, Map<Long, DlqReplay>> replayed = replayRecords.replayedIn(scanner.partitions());
        Map<String, Outcome> outcomes = options.force() ? Map.of() : LatestOutcomes.of(kafka, leadIds);
        int[] counts = new int[ReplayDecisions.Action.values().length];
        for (DeadLetter dl : selected) {
            Outcome outcome = dl.leadId() == null ? null : outcomes.get(dl.leadId());
            counts[
                    decisions
                            .decide(dl, replayed.getOrDefault(dl.partition().partition(), Map.of()), outcome)
                            .ordinal()]++;
        }
        plan = new Plan(
                start,
                end,
                resumed,
                alreadyHandled,
                counts[ReplayDecisions.Action.REPLAY.ordinal()],
                counts[ReplayDecisions.Action.SKIP_REPLAYED.ordinal()],
                counts[ReplayDecisions.Action.SKIP_DELIVERED.ordinal()],
                counts[ReplayDecisions.Action.SKIP_CAP.ordinal()],
                counts[ReplayDecisions.Action.SKIP_MALFORMED.ordinal()],
                matchingRecords[0] - selected.size(),
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
     * The sending pass over the planned range (see the class comment), a {@code leads-dlq} partition at a time.
     * {@code stop} is checked before each record; {@code progress} is given the number of leads planned to be sent.
     */
    Result replay(BooleanSupplier stop, LongFunction<Progress> progress) {
        if (plan == null) {
            throw new IllegalStateException("plan first");
        }
        long expected = options.limit() == null ? plan.toReplay() : Math.min(plan.toReplay(), options.limit());
        if (!options.dryRun()) {
            // the checkpoint starts where this run starts, on every partition: after --restart, a partition this run
            // has not reached yet must not keep the offsets of an earlier, finished run
            commit(plan.start());
        }
        boolean complete = true;
        Integer fenced = null;
        LeadctlException failure = null;
        try (Progress bar = options.dryRun() ? Progress.none() : progress.apply(expected)) {
            for (TopicPartition tp : scanner.partitions()) {
                if (plan.start().getOrDefault(tp, 0L) >= plan.end().getOrDefault(tp, 0L)) {
                    continue;
                }
                PartitionReplay partition = new PartitionReplay(this, tp, bar);
                PartitionReplay.Ending ending = partition.run(stop);
                if (ending == PartitionReplay.Ending.FENCED) {
                    fenced = tp.partition();
                }
                if (ending == PartitionReplay.Ending.FAILED) {
                    failure = partition.failure();
                }
                if (ending != PartitionReplay.Ending.DONE) {
                    complete = false;
                    break;
                }
            }
        }
        return new Result(
                tally.replayed,
                tally.alreadyReplayed,
                tally.delivered,
                tally.overCap,
                tally.malformed,
                complete,
                tally.interrupted,
                fenced,
                failure);
    }

    KafkaAccess kafka() {
        return kafka;
    }

    Options options() {
        return options;
    }

    Plan currentPlan() {
        return plan;
    }

    Tally tally() {
        return tally;
    }

    DlqScanner scanner() {
        return scanner;
    }

    ReplayRecords replayRecords() {
        return replayRecords;
    }

    ReplayDecisions decisions() {
        return decisions;
    }

    PrintWriter out() {
        return out;
    }

    /** The metadata saved with the checkpoint's offsets: which command made them. */
    String checkpointMetadata() {
        String metadata = Leadctl.oneLine("leadctl dlq replay " + options.selection());
        return metadata.length() > 1000 ? metadata.substring(0, 1000) : metadata;
    }

    private void commit(Map<TopicPartition, Long> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
            commit.put(e.getKey(), new OffsetAndMetadata(e.getValue(), checkpointMetadata()));
        }
        try {
            consumer.commitSync(commit, COMMIT_TIMEOUT);
        } catch (KafkaException e) {
            throw new LeadctlException(
                    ExitCodes.KAFKA_UNREACHABLE,
                    "the replay checkpoint could not be saved (" + KafkaAccess.reason(e) + "); nothing was sent");
        }
    }

    /**
     * The record to send back to {@code leads}: original value and headers, the lead id as key, replay count + 1 (at
     * most {@link Integer#MAX_VALUE}: a count that wrapped negative would make the router drop the replay as a
     * duplicate).
     */
    static ProducerRecord<byte[], byte[]> toLeadsRecord(DeadLetter dl) {
        Headers headers = dl.originalHeadersCopy();
        DeadLetterHeaders.put(headers, PipelineHeaders.REPLAY_COUNT, nextReplayCount(dl));
        String leadId = dl.header(DeadLetterHeaders.LEAD_ID);
        byte[] key = leadId != null && !leadId.isBlank() ? leadId.getBytes(StandardCharsets.UTF_8) : dl.key();
        return new ProducerRecord<>(Topics.LEADS.name(), null, key, dl.value(), headers);
    }

    static int nextReplayCount(DeadLetter dl) {
        return dl.replayCount() == Integer.MAX_VALUE ? Integer.MAX_VALUE : dl.replayCount() + 1;
    }

    @Override
    public void close() {
        try {
            replayRecords.close();
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }
}
