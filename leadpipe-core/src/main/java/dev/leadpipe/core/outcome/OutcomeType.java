package dev.leadpipe.core.outcome;

/**
 * The ends a lead can come to. Every lead that entered the pipeline gets exactly one.
 *
 * <p>{@link #SENT_UNCONFIRMED}: handed to a destination that cannot say whether it kept the lead (Salesforce
 * Web-to-Lead answers 200 even when it drops one); never counted as {@link #DELIVERED}.
 */
public enum OutcomeType {
    DELIVERED,
    SENT_UNCONFIRMED,
    SUPPRESSED,
    DEAD_LETTERED
}
