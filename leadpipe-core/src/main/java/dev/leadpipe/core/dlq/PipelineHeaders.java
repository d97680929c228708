package dev.leadpipe.core.dlq;

import org.apache.kafka.common.header.Headers;

/** Headers the pipeline puts on lead records themselves (not dead-letter context). */
public final class PipelineHeaders {
    /** Set on a lead sent back through the router by replay: how many times it has been replayed. Its presence lets the lead pass duplicate detection. */
    public static final String REPLAY_COUNT = "leadpipe.replay.count";

    private PipelineHeaders() {}

    /** The replay count carried by a record, 0 for a lead that was never replayed. */
    public static int replayCount(Headers headers) {
        String value = DeadLetterHeaders.get(headers, REPLAY_COUNT);
        if (value == null) {
            return 0;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
