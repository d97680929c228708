package dev.leadpipe.sink.runtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.leadpipe.core.retry.RetryHeaders;

/**
 * Tells a record that carries a lead this sink already carries (or has carried to its end) from one to work on, so a
 * lead is attempted by one chain of records at a time. A lead's chain is its delivery record, then each tier record it
 * passes through ({@code leadpipe.retry.source.*} name the delivery record: its lineage). A second copy appears when a
 * tier record is written again after a crash, or when {@code leadctl waiting retry-now} copies a tier record to the
 * delivery topic. Thread-safe.
 */
final class SecondCopies {
    private final RetryWakeups wakeups;
    private final OffsetTracker offsets;
    /** The lead held in memory per lineage. */
    private final Map<String, PendingLead> byLineage = new ConcurrentHashMap<>();

    SecondCopies(RetryWakeups wakeups, OffsetTracker offsets) {
        this.wakeups = wakeups;
        this.offsets = offsets;
    }

    /**
     * Whether {@code p} (its retry state restored) is a second copy to skip; if not, it is its lead's carrier from now
     * until {@link #ended}. Skipped are:
     * <ul>
     *   <li>a tier record a retry-now wake-up copied (the copy carries the lead on);</li>
     *   <li>a retry-now copy of a tier record this process finished meanwhile (delivered, dead-lettered, or carried on
     *       by a newer record);</li>
     *   <li>a record whose lineage is held here already (the one under way ends the lead).</li>
     * </ul>
     *
     * @return why it is skipped, for the log; null when it is to be worked on
     */
    String skipReason(PendingLead p) {
        if (wakeups.copied(p)) {
            return "its retry record was sent to its next attempt by a wake-up";
        }
        boolean copyOfFinished = RetryHeaders.copyOf(p.headers)
                .map(at -> offsets.finished(at.partition(), at.offset())).orElse(false);
        if (copyOfFinished) {
            return "a retry-now copy of a retry record this sink finished meanwhile";
        }
        if (byLineage.putIfAbsent(lineage(p), p) != null) {
            return "a second copy of the record at " + lineage(p) + ", under way here";
        }
        return null;
    }

    /** {@code p} is finished or gone: its lineage is free. */
    void ended(PendingLead p) {
        byLineage.remove(lineage(p), p);
    }

    /** The delivery record a lead came from: the same for every tier record it passes through. */
    private static String lineage(PendingLead p) {
        return p.sourceTopic + "/" + p.sourcePartition + "/" + p.sourceOffset;
    }
}
