package dev.leadpipe.local;

/**
 * What the pipeline did with one lead, as seen on its output topics: a terminal outcome, or routed to a delivery
 * topic whose sink is not running yet. Holds ids, classes and topic names only, never personal data.
 */
record LeadFate(String leadId, String offerId, String what, String detail) {
}
