package dev.leadpipe.router;

import dev.leadpipe.core.destination.LeadDestination;
import dev.leadpipe.core.error.ErrorClass;
import dev.leadpipe.core.lead.Lead;
import dev.leadpipe.core.lead.LeadJson;
import dev.leadpipe.core.lead.LeadSerde;

/**
 * What travels between the router's processors (never written to a topic): the record's original bytes, which a
 * dead-letter record carries unchanged, the lead read from them (null when unreadable), the offer's destination
 * once looked up, and, once the record is bound for the dead-letter topic, why.
 *
 * @param raw         the value exactly as read from the leads topic (may be null for a tombstone)
 * @param lead        the lead, or null when the value is not a readable lead
 * @param destination the offer's destination, or null when none is configured (or not looked up yet)
 * @param error       why the record is dead-lettered, null while it is routable
 * @param detail      a short description of the problem without personal data, null while routable
 * @param leadJson    the lead in its canonical form, as a delivery topic's serde writes it ({@link LeadJson#write}),
 *                    once the duplicate filter wrote it for the lead's fingerprint; null before
 */
record RoutingRecord(
        byte[] raw, Lead lead, LeadDestination destination, ErrorClass error, String detail, byte[] leadJson) {

    static RoutingRecord readable(byte[] raw, Lead lead) {
        return new RoutingRecord(raw, lead, null, null, null, null);
    }

    static RoutingRecord malformed(byte[] raw, String detail) {
        return new RoutingRecord(raw, null, null, ErrorClass.MALFORMED_RECORD, detail, null);
    }

    RoutingRecord withLeadJson(byte[] json) {
        return new RoutingRecord(raw, lead, destination, error, detail, json);
    }

    /** The bytes of the lead for its delivery topic: {@link #leadJson}, written now if it was not yet. */
    byte[] deliveryValue(String topic) {
        return leadJson != null ? leadJson : new LeadSerde().serializer().serialize(topic, lead);
    }

    boolean isMalformed() {
        return lead == null;
    }

    RoutingRecord withDestination(LeadDestination d) {
        return new RoutingRecord(raw, lead, d, error, detail, leadJson);
    }

    RoutingRecord deadLetter(ErrorClass errorClass, String why) {
        return new RoutingRecord(raw, lead, destination, errorClass, why, leadJson);
    }

    /** The destination's wire type name, or null when there is no destination or it has no type. */
    String destinationTypeName() {
        return destination == null || destination.type() == null
                ? null
                : destination.type().wireName();
    }

    @Override
    public String toString() {
        return "RoutingRecord[lead=" + lead + ", error=" + error + "]";
    }
}
