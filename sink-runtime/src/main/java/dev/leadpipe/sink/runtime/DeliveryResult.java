package dev.leadpipe.sink.runtime;

/**
 * What a destination answered to a lead it accepted: whether it confirmed it kept the lead.
 *
 * <p>{@linkplain #confirmed(String) Confirmed}: the destination stored the lead and named its record; the runtime
 * writes {@code DELIVERED}. {@linkplain #unconfirmed(String) Unconfirmed}: the lead was handed over, but the
 * destination's answer does not say whether it kept it (Salesforce Web-to-Lead answers 200 even when it drops the
 * lead); the runtime writes {@code SENT_UNCONFIRMED}, never counted as delivered.
 *
 * @param recordId  the destination's own id of the record; null when unconfirmed
 * @param confirmed whether the destination confirmed it kept the lead
 * @param detail    unconfirmed only: why it cannot be confirmed and how the publisher checks (no secret, no personal
 *                  data); null when confirmed
 */
public record DeliveryResult(String recordId, boolean confirmed, String detail) {

    /** The destination kept the lead as {@code recordId}. */
    public static DeliveryResult confirmed(String recordId) {
        return new DeliveryResult(recordId, true, null);
    }

    /** The lead was sent; the destination cannot say whether it kept it, for the reason {@code detail} gives. */
    public static DeliveryResult unconfirmed(String detail) {
        return new DeliveryResult(null, false, detail);
    }
}
