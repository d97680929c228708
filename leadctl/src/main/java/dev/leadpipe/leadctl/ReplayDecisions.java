package dev.leadpipe.leadctl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.leadpipe.core.dlq.DlqReplay;
import dev.leadpipe.core.outcome.Outcome;

/**
 * What the planning pass of a {@link ReplayEngine} decided for each selected dead letter (by its position in
 * {@code leads-dlq}) and why, in this order: {@code MALFORMED_RECORD} without {@code --include-malformed}; already
 * replayed (a committed replay record); delivered since (latest outcome DELIVERED or SENT_UNCONFIRMED, unless
 * {@code --force}); at the replay cap; else replayed. Also the report line of each skip.
 */
final class ReplayDecisions {
    enum Action {
        REPLAY,
        SKIP_REPLAYED,
        SKIP_DELIVERED,
        SKIP_CAP,
        SKIP_MALFORMED
    }

    private record Pos(int partition, long offset) {
        static Pos of(DeadLetter dl) {
            return new Pos(dl.partition().partition(), dl.offset());
        }
    }

    private final ReplayEngine.Options options;
    private final Map<Pos, Action> actions = new HashMap<>();
    private final Map<Pos, DlqReplay> replayedAtPlan = new HashMap<>();
    private final Map<Pos, Outcome> deliveredAtPlan = new HashMap<>();

    ReplayDecisions(ReplayEngine.Options options) {
        this.options = options;
    }

    /**
     * Decides for a selected dead letter, given the replay records of its partition and its lead's latest outcome
     * (null when none is known or with {@code --force}).
     */
    Action decide(DeadLetter dl, Map<Long, DlqReplay> replayedInPartition, Outcome latest) {
        Pos pos = Pos.of(dl);
        Action action;
        if (dl.isMalformed() && !options.includeMalformed()) {
            action = Action.SKIP_MALFORMED;
        } else if (replayedInPartition.containsKey(dl.offset())) {
            action = Action.SKIP_REPLAYED;
            replayedAtPlan.put(pos, replayedInPartition.get(dl.offset()));
        } else if (!options.force() && latest != null && LatestOutcomes.deliveredSince(latest.outcome())) {
            action = Action.SKIP_DELIVERED;
            deliveredAtPlan.put(pos, latest);
        } else if (dl.replayCount() >= options.maxReplays()) {
            action = Action.SKIP_CAP;
        } else {
            action = Action.REPLAY;
        }
        actions.put(pos, action);
        return action;
    }

    /** The planned action of a dead letter; null when it was not selected. */
    Action action(DeadLetter dl) {
        return actions.get(Pos.of(dl));
    }

    /**
     * Why a dead letter is skipped, for its report line; {@code byAnotherRun} when the replay record was found only
     * when sending ({@code replayedNow}, possibly null when unreadable), i.e. another run replayed it meanwhile.
     */
    String skipReason(DeadLetter dl, Action action, boolean byAnotherRun, DlqReplay replayedNow) {
        Pos pos = Pos.of(dl);
        return switch (action) {
            case SKIP_REPLAYED -> {
                DlqReplay r = byAnotherRun ? replayedNow : replayedAtPlan.get(pos);
                yield "already replayed" + (r == null || r.at() == null ? "" : " at " + r.at())
                        + (byAnotherRun ? " by another run" : "")
                        + " (a dead letter is replayed once; a lead that fails again is dead-lettered again)";
            }
            case SKIP_DELIVERED -> {
                Outcome o = deliveredAtPlan.get(pos);
                yield "delivered since (" + o.outcome() + (o.at() == null ? "" : " at " + o.at())
                        + "; --force replays it anyway)";
            }
            case SKIP_CAP ->
                "already replayed " + dl.replayCount() + " times (--max-replays " + options.maxReplays() + ")";
            case SKIP_MALFORMED ->
                "MALFORMED_RECORD, replaying unreadable bytes cannot help" + " (--include-malformed sends it anyway)";
            case REPLAY -> throw new IllegalArgumentException("not a skip");
        };
    }

    /** A dead letter in a report line: its lead id (or position), class, offer and destination type. */
    static String describe(DeadLetter dl) {
        String id = dl.leadId() == null ? "(no lead id, " + dl.position() + ")" : dl.leadId();
        List<String> parts = new ArrayList<>();
        parts.add(dl.errorClass() == null ? "no class" : dl.errorClass());
        if (dl.offerId() != null) {
            parts.add("offer " + dl.offerId());
        }
        if (dl.destinationType() != null) {
            parts.add("destination " + dl.destinationType());
        }
        return Privacy.safe(id + " (" + String.join(", ", parts) + ")");
    }
}
