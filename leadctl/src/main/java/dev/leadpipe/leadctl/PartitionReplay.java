package dev.leadpipe.leadctl;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.BooleanSupplier;

import dev.leadpipe.core.dlq.DlqReplay;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * The sending pass of a {@link ReplayEngine} over one {@code leads-dlq} partition N, between the planned start and end
 * offsets. Not in a dry run:
 * <ol>
 *   <li>starts the transactional producer {@code leadctl-replay-leads-dlq-N} ({@code initTransactions}): Kafka fences
 *       any other run's producer for partition N and aborts its open transaction, and answers only once that run's
 *       transactions have ended;</li>
 *   <li>reads partition N's replay records ({@link ReplayRecords}) read_committed to their end: every dead letter of
 *       the partition whose replay any run committed;</li>
 *   <li>reads the partition's dead letters in order and sends each one the plan replays and no replay record names,
 *       with its replay record, in a transaction that also commits the selection's checkpoint offset; a transaction
 *       is committed every {@code chunkSize} leads and at the end (Ctrl-C and {@code --limit} end it early).</li>
 * </ol>
 * If another run fences this one, the open transaction is aborted by Kafka (its leads are never seen by read_committed
 * readers) and {@link Ending#FENCED} is returned. That includes a commit that loses the race with the other run's
 * start: the coordinator has then aborted the transaction itself and may answer the commit with an unexpected error
 * (the client's "Unhandled error in EndTxnResponse", or {@code INVALID_TXN_STATE}, under transactions V2, see
 * KAFKA-20785) instead of {@code PRODUCER_FENCED}; seen in {@code DlqReplayConcurrencyTest}. Any other Kafka failure aborts the open transaction and ends with {@link Ending#FAILED}
 * ({@link #failure()}: one line). Either way nothing of the open chunk is committed, and the leads committed before
 * stay counted. In a dry run it prints what would be replayed and skipped, and writes nothing.
 */
final class PartitionReplay {
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    /** How the partition's pass ended. */
    enum Ending {
        DONE,
        STOPPED,
        FENCED,
        FAILED
    }

    /** A failure of the producer inside the scan, carried out of it unchanged. */
    private static final class ProducerFailure extends RuntimeException {
        ProducerFailure(KafkaException cause) {
            super(cause);
        }

        KafkaException kafka() {
            return (KafkaException) getCause();
        }
    }

    private final ReplayEngine engine;
    private final ReplayEngine.Options options;
    private final ReplayEngine.Tally tally;
    private final TopicPartition tp;
    private final long start;
    private final long end;
    private final Progress bar;
    private KafkaProducer<byte[], byte[]> producer;
    private boolean open;
    private long committed;
    private LeadctlException failure;

    PartitionReplay(ReplayEngine engine, TopicPartition tp, Progress bar) {
        this.engine = engine;
        this.options = engine.options();
        this.tally = engine.tally();
        this.tp = tp;
        this.start = engine.currentPlan().start().getOrDefault(tp, 0L);
        this.end = engine.currentPlan().end().getOrDefault(tp, 0L);
        this.bar = bar;
        this.committed = start;
    }

    Ending run(BooleanSupplier stop) {
        Map<Long, DlqReplay> replayedNow = Map.of();
        try {
            if (!options.dryRun()) {
                producer = engine.kafka().transactionalProducer(ReplayRecords.transactionalId(tp.partition()));
                producer.initTransactions();
                replayedNow = engine.replayRecords().replayedIn(tp.partition());
            }
            Map<Long, DlqReplay> replayedByOthers = replayedNow;
            long[] examined = {start};
            boolean complete = engine.scanner().scan(Map.of(tp, start), Map.of(tp, end), dl -> {
                if (options.limit() != null && engine.replayedSoFar() >= options.limit()) {
                    return false;
                }
                if (stop.getAsBoolean()) {
                    tally.interrupted = true;
                    return false;
                }
                handle(dl, replayedByOthers);
                examined[0] = dl.offset() + 1;
                if (producer != null && tally.pending >= options.chunkSize()) {
                    commit(examined[0]);
                }
                return true;
            });
            if (producer != null) {
                commit(complete ? end : examined[0]);
            }
            return complete ? Ending.DONE : Ending.STOPPED;
        } catch (ProducerFailure e) {
            return failed(e.kafka());
        } catch (KafkaException e) {
            return failed(e);
        } finally {
            if (producer != null) {
                producer.close(CLOSE_TIMEOUT);
            }
        }
    }

    private void handle(DeadLetter dl, Map<Long, DlqReplay> replayedByOthers) {
        ReplayDecisions.Action action = engine.decisions().action(dl);
        if (action == null) {
            return; // not selected: no match, or an older record of a lead dead-lettered again
        }
        boolean byAnotherRun = action == ReplayDecisions.Action.REPLAY && replayedByOthers.containsKey(dl.offset());
        if (byAnotherRun) {
            action = ReplayDecisions.Action.SKIP_REPLAYED;
        }
        switch (action) {
            case REPLAY -> send(dl);
            case SKIP_REPLAYED -> tally.alreadyReplayed++;
            case SKIP_DELIVERED -> tally.delivered++;
            case SKIP_CAP -> tally.overCap++;
            case SKIP_MALFORMED -> tally.malformed++;
        }
        if (action != ReplayDecisions.Action.REPLAY) {
            engine.out()
                    .println("skipped " + ReplayDecisions.describe(dl) + ": "
                            + engine.decisions()
                                    .skipReason(dl, action, byAnotherRun, replayedByOthers.get(dl.offset())));
        }
    }

    private void send(DeadLetter dl) {
        if (producer == null) {
            engine.out()
                    .println("would replay " + ReplayDecisions.describe(dl) + ", replay "
                            + ReplayEngine.nextReplayCount(dl) + " of at most " + options.maxReplays());
            tally.replayed++;
            return;
        }
        try {
            if (!open) {
                producer.beginTransaction();
                open = true;
            }
            producer.send(ReplayEngine.toLeadsRecord(dl), (md, e) -> {
                if (e == null) {
                    bar.step();
                }
            });
            producer.send(ReplayRecords.of(dl, ReplayEngine.nextReplayCount(dl), Instant.now(), options.selection()));
            tally.pending++;
        } catch (KafkaException e) {
            throw new ProducerFailure(e);
        }
    }

    /** Commits the open transaction (or one holding only the checkpoint) with the checkpoint at {@code offset}. */
    private void commit(long offset) {
        if (!open && offset == committed) {
            return;
        }
        try {
            if (!open) {
                producer.beginTransaction();
                open = true;
            }
            producer.sendOffsetsToTransaction(
                    Map.of(tp, new OffsetAndMetadata(offset, engine.checkpointMetadata())),
                    new ConsumerGroupMetadata(engine.groupId()));
            producer.commitTransaction();
        } catch (KafkaException e) {
            throw new ProducerFailure(e);
        }
        open = false;
        committed = offset;
        tally.replayed += tally.pending;
        tally.pending = 0;
    }

    /** Why the pass ended {@link Ending#FAILED}: one line and an exit code; null otherwise. */
    LeadctlException failure() {
        return failure;
    }

    private Ending failed(KafkaException e) {
        tally.pending = 0; // the open transaction is aborted: its leads were not replayed
        if (isFenced(e)) {
            return Ending.FENCED;
        }
        if (open) {
            try {
                producer.abortTransaction();
            } catch (KafkaException ignored) {
                // closing the producer ends the transaction too; Kafka aborts it at its timeout at the latest
            }
        }
        boolean unreachable = e instanceof RetriableException || e.getCause() instanceof RetriableException;
        failure = new LeadctlException(
                unreachable ? ExitCodes.KAFKA_UNREACHABLE : ExitCodes.FAILURE,
                "replay stopped: Kafka at " + engine.kafka().bootstrapServers() + " did not commit the replay of "
                        + tp.topic() + " partition " + tp.partition() + " (" + KafkaAccess.reason(e) + "); the leads "
                        + "of the open chunk were rolled back and are sent when you re-run the same command");
        return Ending.FAILED;
    }

    /**
     * Whether the failure is Kafka saying another producer with the same transactional id took over: fenced, or a
     * commit answered with the coordinator's error for a transaction it aborted meanwhile (see the class comment).
     */
    static boolean isFenced(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ProducerFencedException
                    || t instanceof InvalidProducerEpochException
                    || t instanceof InvalidTxnStateException
                    || String.valueOf(t.getMessage()).startsWith("Unhandled error in EndTxnResponse")) {
                return true;
            }
        }
        return false;
    }
}
