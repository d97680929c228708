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
    /** How many lineages that ended with an outcome, and how many records worked on, are remembered (oldest first out). */
    static final int REMEMBERED = 50_000;

    private final Predicate<PendingLead> copiedByWakeup;
    /** The lead held in memory per lineage. */
    private final Map<String, PendingLead> byLineage = new ConcurrentHashMap<>();
    /** Lineages whose lead ended here with an outcome, most recent last. */
    private final Set<String> endedWithOutcome = boundedSet();
    /**
     * Records this sink carried a lead from to their end (an outcome, or its next tier record): a retry-now copy of
     * one of them is not needed. A record skipped because a wake-up copied it is not among them: its copy carries the
     * lead on.
     */
    private final Set<String> workedOn = boundedSet();

    /** @param copiedByWakeup whether a tier record was copied by a retry-now wake-up ({@link RetryWakeups#copied}) */
    SecondCopies(Predicate<PendingLead> copiedByWakeup) {
        this.copiedByWakeup = copiedByWakeup;
    }

    /**
     * Whether {@code p} (its retry state restored) is a second copy to skip; if not, it is its lead's carrier from now
     * until {@link #ended} or {@link #dropped}. Skipped are:
     * <ul>
     *   <li>a tier record a retry-now wake-up copied (the copy carries the lead on);</li>
     *   <li>a retry-now copy of a tier record this process worked on meanwhile (it came due before the wake-up was
     *       read, and was delivered, dead-lettered, or carried on by a newer tier record);</li>
     *   <li>any record of a lineage whose lead ended here with an outcome (of the last {@value #REMEMBERED}): a
     *       tier record written before a crash whose delivery record was read and delivered again after it;</li>
     *   <li>a record whose lineage is held here already (the one under way ends the lead).</li>
     * </ul>
     * A copy whose original this process has no memory of working on (another process did, or this one restarted) is
     * worked on: at worst the lead is attempted twice, never dropped.
     *
     * @return why it is skipped, for the log; null when it is to be worked on
     */
    String skipReason(PendingLead p) {
        if (copiedByWakeup.test(p)) {
            return "its retry record was sent to its next attempt by a wake-up";
        }
        boolean copyOfWorkedOn = RetryHeaders.copyOf(p.headers)
                .map(at -> workedOn.contains(
                        location(at.partition().topic(), at.partition().partition(), at.offset())))
                .orElse(false);
        if (copyOfWorkedOn) {
            return "a retry-now copy of a retry record this sink worked on meanwhile";
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
     * {@code p} is finished: its lineage is free, and if it carried its lead, its record was worked on.
     *
     * @param withOutcome whether its lead ended (delivered or dead-lettered), not just moved on to a tier record
     */
    void ended(PendingLead p, boolean withOutcome) {
        if (byLineage.remove(lineage(p), p)) {
            workedOn.add(location(p.partition.topic(), p.partition.partition(), p.offset));
            if (withOutcome) {
                endedWithOutcome.add(lineage(p));
            }
        }
    }

    /** {@code p} is gone unfinished (its partition was revoked): its lineage is free; its next owner reads it again. */
    void dropped(PendingLead p) {
        byLineage.remove(lineage(p), p);
    }

    /** The delivery record a lead came from: the same for every tier record it passes through. */
    private static String lineage(PendingLead p) {
        return location(p.sourceTopic, p.sourcePartition, p.sourceOffset);
    }

    private static String location(String topic, int partition, long offset) {
        return topic + "/" + partition + "/" + offset;
    }

    private static Set<String> boundedSet() {
        return Collections.newSetFromMap(Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > REMEMBERED;
            }
        }));
    }
}
