package dev.leadpipe.status;

import java.time.Instant;
import java.util.Locale;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.leadpipe.core.retry.WaitingLead;

/**
 * The fold's side of waiting leads: {@link StatusTopology#OFFER_WAITING_STORE} holds one entry per lead waiting now,
 * keyed {@code offerId NUL since NUL leadId} with {@code since} written as fixed-width epoch seconds and nanoseconds,
 * so the keys sort by offer, then by when the lead started waiting, then by leadId: the first key of an offer's range
 * is its oldest waiting lead, however the leads stop waiting. {@link #apply} folds a WAITING or WAIT_ENDED event into
 * the store and into the offer's {@link OfferState.Waits}: the count moves only when an entry is added or removed (so
 * it always equals the offer's number of entries, and a repeated event changes nothing), the oldest is read back from
 * the store. Nothing here holds personal data: a {@link WaitingLead} has none.
 */
final class OfferWaits {
    private static final char SEPARATOR = '\u0000';
    private static final StringSerializer KEYS = new StringSerializer();

    private final KeyValueStore<String, WaitingLead> store;

    OfferWaits(KeyValueStore<String, WaitingLead> store) {
        this.store = store;
    }

    /** The store key of a lead waiting since {@code since} in an offer. */
    static String key(String offerId, Instant since, String leadId) {
        long seconds = Math.max(0, since.getEpochSecond());
        int nanos = since.getEpochSecond() < 0 ? 0 : since.getNano();
        return prefix(offerId) + String.format(Locale.ROOT, "%019d%09d", seconds, nanos) + SEPARATOR + leadId;
    }

    /** Every key of the offer starts with this, and no key of another offer does. */
    static String prefix(String offerId) {
        return offerId + SEPARATOR;
    }

    /** Applies a WAITING or WAIT_ENDED event of {@code state}'s offer; other events are not for this class. */
    void apply(OfferState state, OfferEvent e) {
        WaitingLead w = e.waiting();
        if (w == null || w.leadId() == null || w.since() == null) {
            return;
        }
        String key = key(state.offerId, w.since(), w.leadId());
        boolean present = store.get(key) != null;
        OfferState.Waits waits = state.waits != null ? state.waits : new OfferState.Waits();
        switch (e.kind()) {
            case WAITING -> {
                store.put(key, w);
                if (!present) {
                    waits.count++;
                }
                if (OfferState.notBefore(w.at(), waits.updatedAt)) {
                    waits.reason = w.reason();
                    waits.errorClass = w.errorClass();
                    waits.httpStatus = w.httpStatus();
                    waits.nextAttemptAt = w.nextAttemptAt();
                    waits.updatedAt = w.at();
                }
            }
            case WAIT_ENDED -> {
                if (!present) {
                    return;
                }
                store.delete(key);
                waits.count--;
            }
            default -> {
                return;
            }
        }
        state.waits = waits.count > 0 && readOldest(state.offerId, waits) ? waits : null;
    }

    /** Sets the oldest from the first entry of the offer's range; false when the range is empty. */
    private boolean readOldest(String offerId, OfferState.Waits waits) {
        try (KeyValueIterator<String, WaitingLead> it = store.prefixScan(prefix(offerId), KEYS)) {
            if (!it.hasNext()) {
                return false;
            }
            KeyValue<String, WaitingLead> first = it.next();
            waits.oldestSince = first.value.since();
            waits.oldestLeadId = first.value.leadId();
            return true;
        }
    }
}
