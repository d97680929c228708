package dev.leadpipe.fakes;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * What the fake CRMs ({@link FakeDataverse}, {@link FakeSalesforce}) share: the leads their upserts stored, by
 * leadId, and the count of upserts received.
 */
public abstract class FakeLeadStore {
    /** One lead as stored by an upsert: its record id, how many upserts wrote it, its fields. */
    public record LeadRecord(String leadId, String id, int writes, Map<String, Object> fields) {}

    private final Map<String, LeadRecord> records = new ConcurrentHashMap<>();
    private final AtomicInteger upsertRequests = new AtomicInteger();

    FakeLeadStore() {}

    public LeadRecord record(String leadId) {
        return records.get(leadId);
    }

    public int recordCount() {
        return records.size();
    }

    public Map<String, LeadRecord> records() {
        return Map.copyOf(records);
    }

    /** Upsert requests received, answered or not. */
    public int upsertRequests() {
        return upsertRequests.get();
    }

    void countUpsert() {
        upsertRequests.incrementAndGet();
    }

    boolean isStored(String leadId) {
        return records.containsKey(leadId);
    }

    /**
     * Stores the lead as record {@code id} with the fields {@code fields} makes of the stored ones (an empty map for
     * a new lead); returns the record ({@code writes} 1 when it was created).
     */
    LeadRecord store(String leadId, String id, UnaryOperator<Map<String, Object>> fields) {
        return records.compute(
                leadId,
                (k, old) -> new LeadRecord(
                        k,
                        id,
                        old == null ? 1 : old.writes() + 1,
                        Map.copyOf(fields.apply(old == null ? Map.of() : old.fields()))));
    }
}
