package dev.leadpipe.sink.runtime;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import dev.leadpipe.core.retry.RetryHeaders;

/**
 * Tells a record that carries a lead this sink already carries (or has carried to its end) from one to work on, so a
 * lead is attempted by one chain of records at a time. A lead's chain is its delivery record, then each tier record it
 * passes through ({@code leadpipe.retry.source.*} name the delivery record: its lineage). A second copy appears when a
 * tier record is written again after a crash, or when {@code leadctl waiting retry-now} copies a tier record to the
 * delivery topic. Thread-safe.
 */
final class SecondCopies {
    /** How many lineages that ended with an outcome are remembered (the oldest are forgotten first). */
    static final int ENDED_REMEMBERED = 50_000;

    private final Predicate<PendingLead> copiedByWakeup;
    private final OffsetTracker offsets;
    /** The lead held in memory per lineage. */
    private final Map<String, PendingLead> byLineage = new ConcurrentHashMap<>();
    /** Lineages whose lead ended here with an outcome, most recent last. */
    private final Set<String> endedWithOutcome = Collections.newSetFromMap(Collections.synchronizedMap(
            new LinkedHashMap<>(1024, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > ENDED_REMEMBERED;
                }
            }));

    /**
     * @param copiedByWakeup whether a tier record was copied by a retry-now wake-up ({@link RetryWakeups#copied})
     * @param offsets        what this process knows to be finished
     */
    SecondCopies(Predicate<PendingLead> copiedByWakeup, OffsetTracker offsets) {
        this.copiedByWakeup = copiedByWakeup;
        this.offsets = offsets;
    }

    /**
     * Whether {@code p} (its retry state restored) is a second copy to skip; if not, it is its lead's carrier from now
     * until {@link #ended}. Skipped are:
     * <ul>
     *   <li>a tier record a retry-now wake-up copied (the copy carries the lead on);</li>
     *   <li>a retry-now copy of a tier record this process finished meanwhile (delivered, dead-lettered, or carried on
     *       by a newer record);</li>
     *   <li>any record of a lineage whose lead ended here with an outcome (of the last {@value #ENDED_REMEMBERED}): a
     *       tier record written before a crash whose delivery record was read and delivered again after it;</li>
     *   <li>a record whose lineage is held here already (the one under way ends the lead).</li>
     * </ul>
     *
     * @return why it is skipped, for the log; null when it is to be worked on
     */
    String skipReason(PendingLead p) {
        if (copiedByWakeup.test(p)) {
            return "its retry record was sent to its next attempt by a wake-up";
        }
        boolean copyOfFinished = RetryHeaders.copyOf(p.headers)
                .map(at -> offsets.finished(at.partition(), at.offset())).orElse(false);
        if (copyOfFinished) {
            return "a retry-now copy of a retry record this sink finished meanwhile";
        }
        if (endedWithOutcome.contains(lineage(p))) {
            return "its lead already ended here, from another record of " + lineage(p);
        }
        if (byLineage.putIfAbsent(lineage(p), p) != null) {
            return "a second copy of the record at " + lineage(p) + ", under way here";
        }
        return null;
    }

    /**
     * {@code p} is finished or gone: its lineage is free.
     *
     * @param withOutcome whether its lead ended (delivered or dead-lettered), not just moved on to a tier record
     */
    void ended(PendingLead p, boolean withOutcome) {
        if (byLineage.remove(lineage(p), p) && withOutcome) {
            endedWithOutcome.add(lineage(p));
        }
    }

    /** The delivery record a lead came from: the same for every tier record it passes through. */
    private static String lineage(PendingLead p) {
        return p.sourceTopic + "/" + p.sourcePartition + "/" + p.sourceOffset;
    }
}
