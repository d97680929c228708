package dev.leadpipe.core.outcome;

/** The three ends a lead can come to. Every lead that entered the pipeline gets exactly one. */
public enum OutcomeType {
    DELIVERED,
    SUPPRESSED,
    DEAD_LETTERED
}
