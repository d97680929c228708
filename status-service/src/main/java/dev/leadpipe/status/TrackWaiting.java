package dev.leadpipe.status;

import java.time.Instant;
import java.util.Objects;

import dev.leadpipe.core.outcome.Outcome;
import dev.leadpipe.core.retry.WaitingLead;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps {@link StatusTopology#WAITING_LEADS_STORE} (leadId to {@link Tracked}): which leads wait now, and turns each
 * change into offer events keyed by offer id for {@link OfferWaits}. Two processors share it, one per input topic,
 * both keyed by leadId and partitioned alike (so a lead's records of both topics meet in the same task):
 *
 * <ul>
 *   <li>{@link Waits} reads {@code lead-waiting}. A {@link WaitingLead} opens the lead's wait or updates it (WAITING);
 *       if the lead was waiting in another offer, or since another time, that wait ends first (WAIT_ENDED). A
 *       tombstone ends it. A record written no later than the terminal outcome that already ended the wait is
 *       stale and ignored.</li>
 *   <li>{@link Outcomes} reads {@code lead-outcomes}: any outcome (delivered, suppressed, dead-lettered) of a waiting
 *       lead, not older than its wait, ends the wait, in case its tombstone comes late or never (the two topics are
 *       read in no guaranteed order). Until the tombstone arrives, the lead is remembered as closed at that time.</li>
 * </ul>
 */
final class TrackWaiting {
    /**
     * What the store holds for a lead: its current wait ({@code open}), or ({@code open} null) the time an outcome ended its last wait while
     * its tombstone has not been seen yet.
     */
    record Tracked(WaitingLead open, Instant closedAt) {}

    private TrackWaiting() {}

    /** The state shared by both processors of a task. */
    private abstract static class Base<V> implements Processor<String, V, String, OfferEvent> {
        private ProcessorContext<String, OfferEvent> context;
        KeyValueStore<String, Tracked> store;

        @Override
        public void init(ProcessorContext<String, OfferEvent> context) {
            this.context = context;
            this.store = context.getStateStore(StatusTopology.WAITING_LEADS_STORE);
        }

        void forward(Record<String, V> record, OfferEvent e) {
            context.forward(new Record<>(e.waiting().offerId(), e, record.timestamp(), new RecordHeaders()));
        }
    }

    /** {@code lead-waiting}: a WaitingLead or a tombstone. */
    static final class Waits extends Base<WaitingLead> {
        @Override
        public void process(Record<String, WaitingLead> record) {
            String leadId = record.key() != null
                    ? record.key()
                    : record.value() == null ? null : record.value().leadId();
            if (leadId == null) {
                return;
            }
            Tracked before = store.get(leadId);
            Instant recordTime = Instant.ofEpochMilli(record.timestamp());
            if (record.value() == null) { // tombstone: the lead has its outcome
                if (before != null && before.open() != null) {
                    forward(record, OfferEvent.waitEnded(before.open(), recordTime));
                }
                if (before != null) {
                    store.delete(leadId);
                }
                return;
            }
            WaitingLead now = complete(record.value(), leadId, recordTime);
            if (now.offerId() == null || now.offerId().isBlank()) {
                return; // no offer to show it under
            }
            if (before != null
                    && before.open() == null
                    && before.closedAt() != null
                    && !now.at().isAfter(before.closedAt())) {
                return; // written before the outcome that already ended this wait
            }
            if (before != null
                    && before.open() != null
                    && (!Objects.equals(before.open().offerId(), now.offerId())
                            || !before.open().since().equals(now.since()))) {
                forward(record, OfferEvent.waitEnded(before.open(), now.at()));
            }
            store.put(leadId, new Tracked(now, null));
            forward(record, OfferEvent.waiting(now));
        }

        /** The record with its leadId, {@code at} and {@code since} filled in where the writer left them out. */
        private static WaitingLead complete(WaitingLead w, String leadId, Instant recordTime) {
            Instant at = w.at() != null ? w.at() : recordTime;
            Instant since = w.since() != null ? w.since() : at;
            return new WaitingLead(
                    leadId,
                    w.offerId(),
                    w.destinationType(),
                    w.reason(),
                    since,
                    w.nextAttemptAt(),
                    w.attempts(),
                    w.errorClass(),
                    w.httpStatus(),
                    at);
        }
    }

    /** {@code lead-outcomes}: a terminal outcome ends the lead's wait. */
    static final class Outcomes extends Base<Outcome> {
        @Override
        public void process(Record<String, Outcome> record) {
            Outcome o = record.value();
            String leadId = record.key() != null ? record.key() : o == null ? null : o.leadId();
            if (o == null || leadId == null) {
                return;
            }
            Tracked before = store.get(leadId);
            if (before == null || before.open() == null) {
                return;
            }
            Instant at = o.at() != null ? o.at() : Instant.ofEpochMilli(record.timestamp());
            if (at.isBefore(before.open().since())) {
                return; // an earlier outcome of the lead (before a replay), read late: not the end of this wait
            }
            forward(record, OfferEvent.waitEnded(before.open(), at));
            store.put(leadId, new Tracked(null, at));
        }
    }
}
