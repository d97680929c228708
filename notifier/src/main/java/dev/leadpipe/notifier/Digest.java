package dev.leadpipe.notifier;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.leadpipe.core.lead.RoutedLead;

/**
 * One daily-digest offer's leads since its last digest: counts per action, .edu and test counts, the first and last
 * time, and the lead ids (no personal data), plus when it is due. A lead whose id it already holds is not counted
 * again, so leads read twice (after a crash, before their offsets were committed) are counted once. Its
 * {@link State} is what {@code notifier-digests} holds. Not thread-safe: {@link DigestBook} guards it.
 */
final class Digest {
    /** At most this many lead ids are listed in one digest; the rest are counted. */
    static final int MAX_LISTED_IDS = 500;
    /** At most this many lead ids are kept (and recognised when read again); beyond, leads are only counted. */
    static final int MAX_KEPT_IDS = 10_000;

    final String offerId;
    String offerTitle;
    final Map<String, Integer> byAction = new LinkedHashMap<>();
    final List<String> leadIds = new ArrayList<>();
    private final Set<String> known = new HashSet<>();
    /** The contacts this digest was already sent to while others failed (memory only): not sent to again. */
    final Set<String> served = new HashSet<>();

    int count;
    int edu;
    int test;
    Instant first;
    Instant last;
    Instant dueAt;

    Digest(String offerId, Instant dueAt) {
        this.offerId = offerId;
        this.dueAt = dueAt;
    }

    /** Counts the lead unless its id is held already; true when it was counted. */
    boolean add(RoutedLead lead, Instant now) {
        if (known.contains(lead.leadId())) {
            return false;
        }
        Instant at = lead.receivedAt() != null ? lead.receivedAt() : now;
        count++;
        byAction.merge(actionKey(lead.actionCode()), 1, Integer::sum);
        if (lead.edu()) {
            edu++;
        }
        if (lead.test()) {
            test++;
        }
        if (lead.offerTitle() != null && !lead.offerTitle().isBlank()) {
            offerTitle = lead.offerTitle();
        }
        first = first == null || at.isBefore(first) ? at : first;
        last = last == null || at.isAfter(last) ? at : last;
        keep(lead.leadId());
        return true;
    }

    /** Adds another digest of the same offer (a newer one, while this one could not be sent). */
    void absorb(Digest other) {
        served.clear(); // the digest now says more than what those contacts received
        count += other.count;
        edu += other.edu;
        test += other.test;
        other.byAction.forEach((k, v) -> byAction.merge(k, v, Integer::sum));
        other.leadIds.forEach(this::keep);
        if (other.offerTitle != null) {
            offerTitle = other.offerTitle;
        }
        first = first == null || (other.first != null && other.first.isBefore(first)) ? other.first : first;
        last = last == null || (other.last != null && other.last.isAfter(last)) ? other.last : last;
    }

    /** The lead ids to list: at most {@link #MAX_LISTED_IDS}, then how many more. */
    List<String> listedIds() {
        if (count <= MAX_LISTED_IDS && leadIds.size() == count) {
            return leadIds;
        }
        List<String> out = new ArrayList<>(leadIds.subList(0, Math.min(MAX_LISTED_IDS, leadIds.size())));
        out.add("... and " + (count - out.size()) + " more");
        return out;
    }

    private void keep(String leadId) {
        if (leadIds.size() < MAX_KEPT_IDS && known.add(leadId)) {
            leadIds.add(leadId);
        }
    }

    /** The action code as a map key: unnamed actions under "" (JSON has no null keys). */
    private static String actionKey(String code) {
        return code == null || code.isBlank() ? "" : code;
    }

    State state() {
        return new State(
                offerId,
                offerTitle,
                dueAt,
                count,
                new LinkedHashMap<>(byAction),
                edu,
                test,
                first,
                last,
                List.copyOf(leadIds));
    }

    static Digest of(State s) {
        Digest d = new Digest(s.offerId(), s.dueAt());
        d.offerTitle = s.offerTitle();
        d.count = s.count();
        d.edu = s.edu();
        d.test = s.test();
        d.first = s.first();
        d.last = s.last();
        if (s.byAction() != null) {
            d.byAction.putAll(s.byAction());
        }
        if (s.leadIds() != null) {
            s.leadIds().forEach(d::keep);
        }
        return d;
    }

    /**
     * A pending digest as {@code notifier-digests} holds it (JSON, keyed by offer id): no personal data.
     *
     * @param byAction leads per action code ({@code ""}: the marketplace named none)
     * @param leadIds  the ids of the leads counted, at most {@link #MAX_KEPT_IDS}
     */
    record State(
            String offerId,
            String offerTitle,
            Instant dueAt,
            int count,
            Map<String, Integer> byAction,
            int edu,
            int test,
            Instant first,
            Instant last,
            List<String> leadIds) {}
}
