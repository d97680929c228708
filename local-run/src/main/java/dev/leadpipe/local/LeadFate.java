package dev.leadpipe.local;

/**
 * What the pipeline did with one lead, as seen on its output topics: a terminal outcome ({@code terminal}), or routed
 * to a delivery topic ({@code deliveryTopic}) where it waits for that destination's sink. Holds ids, classes and
 * topic names only, never personal data.
 */
record LeadFate(String leadId, String offerId, String what, String detail, boolean terminal, String deliveryTopic) {}
