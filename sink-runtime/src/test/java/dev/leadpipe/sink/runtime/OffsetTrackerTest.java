package dev.leadpipe.sink.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
    private static final TopicPartition P0 = new TopicPartition("deliveries.table", 0);
    private static final TopicPartition P1 = new TopicPartition("deliveries.table", 1);

    private final OffsetTracker tracker = new OffsetTracker();

    @Test
    void aFinishedPartitionCommitsPastTheTransactionMarkerAfterItsLastRecordSoTheGroupShowsNoLag() {
        tracker.assigned(List.of(P0));
        long epoch = tracker.track(P0, 20);
        tracker.track(P0, 21);
        // the router writes transactionally: a commit marker sits at 22, and the consumer's position is 23
        tracker.fetched(P0, 23);
        tracker.complete(P0, epoch, 20);
        assertThat(tracker.committable()).as("21 still pending: the position does not pass it")
                .containsExactly(Map.entry(P0, new OffsetAndMetadata(21)));
        tracker.complete(P0, epoch, 21);
        assertThat(tracker.committable()).containsExactly(Map.entry(P0, new OffsetAndMetadata(23)));
    }

    @Test
    void commitsOnlyUpToTheLowestUnfinishedOffset() {
        tracker.assigned(List.of(P0));
        long epoch = 0;
        for (long o = 10; o <= 14; o++) {
            epoch = tracker.track(P0, o);
        }
        assertThat(tracker.committable()).as("nothing finished yet").isEmpty();

        tracker.complete(P0, epoch, 11);
        tracker.complete(P0, epoch, 13);
        assertThat(tracker.committable()).as("10 still pending").isEmpty();

        tracker.complete(P0, epoch, 10);
        assertThat(tracker.committable()).containsExactly(Map.entry(P0, new OffsetAndMetadata(12)));
        tracker.committed(Map.of(P0, new OffsetAndMetadata(12)));
        assertThat(tracker.committable()).as("already committed").isEmpty();

        tracker.complete(P0, epoch, 14);
        assertThat(tracker.committable()).as("12 still pending").isEmpty();
        tracker.complete(P0, epoch, 12);
        assertThat(tracker.committable()).containsExactly(Map.entry(P0, new OffsetAndMetadata(15)));
        assertThat(tracker.pending()).isZero();
    }

    @Test
    void partitionsAreIndependent() {
        tracker.assigned(List.of(P0, P1));
        long e0 = tracker.track(P0, 0);
        tracker.track(P0, 1);
        long e1 = tracker.track(P1, 5);
        tracker.track(P1, 6);
        tracker.complete(P0, e0, 1);
        tracker.complete(P1, e1, 5);
        assertThat(tracker.committable()).containsExactly(Map.entry(P1, new OffsetAndMetadata(6)));
        assertThat(tracker.committable(List.of(P0))).isEmpty();
        assertThat(tracker.pending()).isEqualTo(2);
    }

    @Test
    void completionsOfARevokedAssignmentAreIgnored() {
        tracker.assigned(List.of(P0));
        long old = tracker.track(P0, 7);
        tracker.removed(List.of(P0));
        assertThat(tracker.owns(P0, old)).isFalse();
        assertThat(tracker.pending()).isZero();

        tracker.assigned(List.of(P0));
        long now = tracker.track(P0, 7);
        assertThat(now).isNotEqualTo(old);
        tracker.complete(P0, old, 7); // the earlier owner's late completion
        assertThat(tracker.committable()).isEmpty();
        assertThat(tracker.pending()).isEqualTo(1);
        tracker.complete(P0, now, 7);
        assertThat(tracker.committable()).containsExactly(Map.entry(P0, new OffsetAndMetadata(8)));
    }

    @Test
    void gapsInOffsetsAreNoProblem() {
        // read_committed topics skip transaction markers: offsets are not consecutive
        tracker.assigned(List.of(P0));
        long e = tracker.track(P0, 3);
        tracker.track(P0, 5);
        tracker.track(P0, 9);
        tracker.complete(P0, e, 3);
        tracker.complete(P0, e, 9);
        assertThat(tracker.committable()).containsExactly(Map.entry(P0, new OffsetAndMetadata(5)));
        tracker.complete(P0, e, 5);
        assertThat(tracker.committable()).containsExactly(Map.entry(P0, new OffsetAndMetadata(10)));
    }
}
