package dev.leadpipe.core.retry;

import java.time.Instant;
import java.util.Map;

/**
 * An offer's waiting leads were sent to their next attempt at once ({@code leadctl waiting retry-now}): copies of their
 * retry tier records went to the delivery topic, so a sink skips the originals when it reaches them. Written to
 * {@code retry-wakeups} keyed by {@link #key}; compacted, so it holds each offer's latest wake-up.
 *
 * @param offerId         the offer
 * @param destinationType the destination type's wire name, whose retry tiers were read
 * @param at              when the copies were written
 * @param copiedBelow     per tier partition ({@code "<topic>:<partition>"}), the end offset of the range read: a tier
 *                        record of this offer below it has a copy, so it is skipped
 */
public record RetryWakeup(String offerId, String destinationType, Instant at, Map<String, Long> copiedBelow) {

    public RetryWakeup {
        copiedBelow = copiedBelow == null ? Map.of() : Map.copyOf(copiedBelow);
    }

    /** The record key of an offer's wake-up for a destination type. */
    public static String key(String destinationType, String offerId) {
        return destinationType + ":" + offerId;
    }

    /** The {@link #copiedBelow} key of a tier partition. */
    public static String partitionKey(String topic, int partition) {
        return topic + ":" + partition;
    }

    /** Whether the tier record at {@code topic}/{@code partition}/{@code offset} (of this offer) has a copy. */
    public boolean copied(String topic, int partition, long offset) {
        Long below = copiedBelow.get(partitionKey(topic, partition));
        return below != null && offset < below;
    }
}
