package dev.leadpipe.status;

import java.time.Instant;
import java.util.Locale;

import dev.leadpipe.core.retry.WaitingLead;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The fold's side of waiting leads: {@link StatusTopology#OFFER_WAITING_STORE} holds two entries per lead waiting now,
 * both valued with its latest {@link WaitingLead}: {@code offerId NUL s<since> NUL leadId} and
 * {@code offerId NUL u<at> NUL leadId}, times written as fixed-width epoch seconds and nanoseconds. So an offer's
 * {@code s} keys sort by when its leads started waiting (the first one is its oldest waiting lead, however the leads
 * stop waiting) and its {@code u} keys by when their latest record was written (the last one is the latest news of a
 * lead that still waits). {@link #apply} folds a WAITING or WAIT_ENDED event into the store and into the offer's
 * {@link OfferState.Waits}: the count moves only when a lead's entries are added or removed (so it always equals the
 * offer's number of waiting leads, and a repeated event changes nothing); the oldest and the latest are read back from
 * the store. Nothing here holds personal data: a {@link WaitingLead} has none.
 */
final class OfferWaits {
    private static final char SEPARATOR = '\u0000';
    private static final char BY_SINCE = 's';
    private static final char BY_UPDATE = 'u';
    private static final StringSerializer KEYS = new StringSerializer();

    private final KeyValueStore<String, WaitingLead> store;

    OfferWaits(KeyValueStore<String, WaitingLead> store) {
        this.store = store;
    }

    /** The key ordering a lead among its offer's waiting leads by when it started waiting. */
    static String sinceKey(String offerId, WaitingLead w) {
        return key(offerId, BY_SINCE, w.since(), w.leadId());
    }

    /** The key ordering a lead among its offer's waiting leads by when its latest record was written. */
    static String updateKey(String offerId, WaitingLead w) {
        return key(offerId, BY_UPDATE, w.at(), w.leadId());
    }

    private static String key(String offerId, char index, Instant t, String leadId) {
        long seconds = Math.max(0, t.getEpochSecond());
        int nanos = t.getEpochSecond() < 0 ? 0 : t.getNano();
        return prefix(offerId, index) + String.format(Locale.ROOT, "%019d%09d", seconds, nanos) + SEPARATOR + leadId;
    }

    /** Every key of the offer's index starts with this, and no key of another offer or index does. */
    static String prefix(String offerId, char index) {
        return offerId + SEPARATOR + index;
    }

    /** Applies a WAITING or WAIT_ENDED event of {@code state}'s offer; other events are not for this class. */
    void apply(OfferState state, OfferEvent e) {
        WaitingLead w = e.waiting();
        if (w == null || w.leadId() == null || w.since() == null || w.at() == null) {
            return;
        }
        String offerId = state.offerId;
        String sinceKey = sinceKey(offerId, w);
        WaitingLead before = store.get(sinceKey);
        OfferState.Waits waits = state.waits != null ? state.waits : new OfferState.Waits();
        switch (e.kind()) {
            case WAITING -> {
                if (before != null) {
                    store.delete(updateKey(offerId, before));
                } else {
                    waits.count++;
                }
                store.put(sinceKey, w);
                store.put(updateKey(offerId, w), w);
            }
            case WAIT_ENDED -> {
                if (before == null) {
                    return;
                }
                store.delete(sinceKey);
                store.delete(updateKey(offerId, before));
                waits.count--;
            }
            default -> {
                return;
            }
        }
        state.waits = waits.count > 0 && readOldestAndLatest(offerId, waits) ? waits : null;
    }

    /** Sets the oldest and the latest from the offer's two ranges; false when they are empty. */
    private boolean readOldestAndLatest(String offerId, OfferState.Waits waits) {
        WaitingLead oldest;
        try (KeyValueIterator<String, WaitingLead> it = store.prefixScan(prefix(offerId, BY_SINCE), KEYS)) {
            if (!it.hasNext()) {
                return false;
            }
            oldest = it.next().value;
        }
        WaitingLead latest;
        try (KeyValueIterator<String, WaitingLead> it =
                store.reverseRange(prefix(offerId, BY_UPDATE), prefix(offerId, (char) (BY_UPDATE + 1)))) {
            if (!it.hasNext()) {
                return false;
            }
            latest = it.next().value;
        }
        waits.oldestSince = oldest.since();
        waits.oldestLeadId = oldest.leadId();
        waits.reason = latest.reason();
        waits.errorClass = latest.errorClass();
        waits.httpStatus = latest.httpStatus();
        waits.nextAttemptAt = latest.nextAttemptAt();
        waits.updatedAt = latest.at();
        return true;
    }
}
