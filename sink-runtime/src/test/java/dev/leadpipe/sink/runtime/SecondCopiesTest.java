package dev.leadpipe.sink.runtime;

import dev.leadpipe.core.retry.RetryHeaders;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One chain of records carries a lead at a time: what a sink skips after a crash wrote a lead's records twice, or after
 * {@code leadctl waiting retry-now} copied one.
 */
class SecondCopiesTest {
    static final TopicPartition DELIVERIES = new TopicPartition("deliveries.https", 2);
    static final TopicPartition TIER = new TopicPartition("deliveries.https.retry-1", 2);

    private final SecondCopies copies = new SecondCopies(p -> false);

    @Test
    void aTierRecordOfALeadDeliveredFromItsDeliveryRecordAgainAfterACrashIsSkipped() {
        // before the crash: delivery record 40 was held back and its tier record written; the commit did not follow.
        // After it, 40 is read again and delivered; then the tier record comes due
        PendingLead again = deliveryRecord(40);
        assertThat(copies.skipReason(again)).isNull();
        copies.ended(again, true);

        assertThat(copies.skipReason(tierRecord(7, 40))).contains("already ended here");
        assertThat(copies.skipReason(tierRecord(8, 41))).as("another lead's").isNull();
    }

    @Test
    void aLeadMovedOnToATierRecordIsNotEndedItsTierRecordCarriesIt() {
        PendingLead first = deliveryRecord(40);
        assertThat(copies.skipReason(first)).isNull();
        copies.ended(first, false); // held back: its tier record was written

        PendingLead tier = tierRecord(7, 40);
        assertThat(copies.skipReason(tier)).isNull();
        assertThat(copies.skipReason(tierRecord(9, 40)))
                .as("while the first is under way")
                .contains("under way here");
        copies.ended(tier, true);
        assertThat(copies.skipReason(tierRecord(9, 40))).contains("already ended here");
    }

    @Test
    void aRetryNowCopyIsSkippedOnceItsOriginalWasWorkedOnHereAndWorkedOnOtherwise() {
        PendingLead original = tierRecord(7, 40);
        PendingLead copyWhileWaiting = copyOf(7, 40);
        assertThat(copies.skipReason(copyWhileWaiting))
                .as("the original not read yet")
                .isNull();
        copies.ended(copyWhileWaiting, false); // held back again: a newer tier record carries the lead

        assertThat(copies.skipReason(original)).isNull();
        copies.ended(original, false); // came due before the wake-up was read: worked on, carried on
        assertThat(copies.skipReason(copyOf(7, 40))).contains("worked on meanwhile");
        assertThat(copies.skipReason(copyOf(1_000, 41)))
                .as("an original this sink has not read")
                .isNull();
    }

    @Test
    void theCopyOfATierRecordAWakeUpSkippedCarriesTheLead() {
        SecondCopies woken = new SecondCopies(p -> p.partition.equals(TIER) && p.offset == 7);
        PendingLead original = tierRecord(7, 40);
        assertThat(woken.skipReason(original)).contains("wake-up");
        woken.ended(original, false); // the sink finishes a skipped record too

        PendingLead copy = copyOf(7, 40);
        assertThat(woken.skipReason(copy)).as("the lead's only carrier now").isNull();
    }

    @Test
    void theCopyOfATierRecordDroppedOnARevocationIsWorkedOn() {
        PendingLead original = tierRecord(7, 40);
        assertThat(copies.skipReason(original)).isNull();
        copies.dropped(original); // revoked before it finished: not worked on to its end

        assertThat(copies.skipReason(copyOf(7, 40))).isNull();
    }

    @Test
    void aTierRecordAWakeUpCopiedIsSkipped() {
        SecondCopies woken = new SecondCopies(p -> p.offset == 7);
        assertThat(woken.skipReason(tierRecord(7, 40))).contains("wake-up");
        assertThat(woken.skipReason(tierRecord(8, 41))).isNull();
    }

    private static PendingLead deliveryRecord(long offset) {
        return new PendingLead(DELIVERIES, offset, 1, "lead-" + offset, new byte[0], new RecordHeaders(), 0, null, 0);
    }

    /** A tier record at {@code offset} of the lead first read at delivery offset {@code source}, restored. */
    private static PendingLead tierRecord(long offset, long source) {
        PendingLead p =
                new PendingLead(TIER, offset, 1, "lead-" + source, new byte[0], retryHeaders(source), 0, null, 0);
        RetryRecords.restore(p);
        return p;
    }

    /** What retry-now writes to the delivery topic for the tier record at {@code original}. */
    private static PendingLead copyOf(long original, long source) {
        RecordHeaders headers = retryHeaders(source);
        RetryHeaders.put(
                headers, RetryHeaders.COPY_OF, RetryHeaders.location(TIER.topic(), TIER.partition(), original));
        PendingLead p =
                new PendingLead(DELIVERIES, 500 + original, 1, "lead-" + source, new byte[0], headers, 0, null, 0);
        RetryRecords.restore(p);
        return p;
    }

    private static RecordHeaders retryHeaders(long source) {
        RecordHeaders headers = new RecordHeaders();
        RetryHeaders.put(headers, RetryHeaders.ATTEMPTS, 1);
        RetryHeaders.put(headers, RetryHeaders.SOURCE_TOPIC, DELIVERIES.topic());
        RetryHeaders.put(headers, RetryHeaders.SOURCE_PARTITION, DELIVERIES.partition());
        RetryHeaders.put(headers, RetryHeaders.SOURCE_OFFSET, source);
        return headers;
    }
}
