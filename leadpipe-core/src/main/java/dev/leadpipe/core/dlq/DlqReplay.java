package dev.leadpipe.core.dlq;

import java.time.Instant;

/**
 * One dead letter was replayed: written by {@code leadctl dlq replay} to {@code leads-dlq-replays} in the same Kafka
 * transaction as the replayed lead on {@code leads}, so a committed replay record exists exactly when the replay
 * itself was committed. Keyed by {@link #key} (the dead letter's position), written to the partition of the same
 * number as the dead letter's. Holds no personal data: ids, the position and counters only.
 *
 * @param leadId       the replayed lead's id (null when the dead letter had none)
 * @param offerId      the lead's offer, when known
 * @param dlqPartition the dead letter's partition of {@code leads-dlq}
 * @param dlqOffset    the dead letter's offset there
 * @param replayCount  the {@code leadpipe.replay.count} the replayed lead was sent with
 * @param at           when the replay was sent
 * @param selection    the replay run's selection (its filters as written), to tell an operator which run replayed it
 */
public record DlqReplay(
        String leadId,
        String offerId,
        int dlqPartition,
        long dlqOffset,
        int replayCount,
        Instant at,
        String selection) {

    /** The record key of the replay of the dead letter at {@code partition}/{@code offset} of {@code leads-dlq}. */
    public static String key(int dlqPartition, long dlqOffset) {
        return dlqPartition + ":" + dlqOffset;
    }
}
