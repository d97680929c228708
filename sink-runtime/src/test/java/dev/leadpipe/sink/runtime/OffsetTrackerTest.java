package dev.leadpipe.sink.runtime;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.leadpipe.core.retry.FinishedOffsets;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OffsetTrackerTest {
    private static final TopicPartition P0 = new TopicPartition("deliveries.table", 0);
    private static final TopicPartition P1 = new TopicPartition("deliveries.table", 1);

    private final OffsetTracker tracker = new OffsetTracker();

    @Test
    void aFinishedPartitionCommitsPastTheTransactionMarkerAfterItsLastRecordSoTheGroupShowsNoLag() {
        tracker.assigned(P0, new OffsetAndMetadata(20));
        long epoch = tracker.take(P0, 20);
        tracker.take(P0, 21);
        // the router writes transactionally: a commit marker sits at 22, and the consumer's position is 23
        tracker.fetched(P0, 23);
        tracker.complete(P0, epoch, 20, null);
        OffsetAndMetadata pending = committed(tracker.committable()).get(P0);
        assertThat(pending.offset())
                .as("21 still unfinished: the position does not pass it")
                .isEqualTo(21);
        tracker.complete(P0, epoch, 21, null);
        assertThat(committed(tracker.committable())).containsExactly(Map.entry(P0, new OffsetAndMetadata(23, "")));
    }

    @Test
    void leadsFinishedAboveTheLowestUnfinishedOneAreSkippedByTheNextOwner() {
        tracker.assigned(P0, new OffsetAndMetadata(10));
        long epoch = 0;
        for (long o = 10; o <= 14; o++) {
            epoch = tracker.take(P0, o);
        }
        tracker.complete(P0, epoch, 11, null);
        tracker.complete(P0, epoch, 13, null);
        tracker.complete(P0, epoch, 14, null);
        OffsetAndMetadata commit = committed(tracker.committable()).get(P0);
        assertThat(commit.offset()).as("10 is unfinished").isEqualTo(10);

        // a crash: the next owner starts from this commit and reads 10..14 again
        OffsetTracker next = new OffsetTracker();
        next.assigned(P0, commit);
        assertThat(next.take(P0, 10)).as("unfinished: done again").isPositive();
        assertThat(next.take(P0, 11)).as("finished: skipped").isEqualTo(-1);
        assertThat(next.take(P0, 12)).as("unfinished: done again").isPositive();
        assertThat(next.take(P0, 13)).isEqualTo(-1);
        assertThat(next.take(P0, 14)).isEqualTo(-1);
        assertThat(next.take(P0, 15)).as("never read before").isPositive();
        assertThat(next.underWay()).isEqualTo(3);
    }

    @Test
    void theNextOwnerCommitsWhatThePreviousOneFinishedEvenBeforeReadingItAgain() {
        OffsetTracker first = new OffsetTracker();
        first.assigned(P0, new OffsetAndMetadata(0));
        long e = first.take(P0, 0);
        first.take(P0, 1);
        first.take(P0, 2);
        first.complete(P0, e, 1, null);
        first.complete(P0, e, 2, null);
        OffsetAndMetadata commit = committed(first.committable()).get(P0);

        tracker.assigned(P0, commit);
        long epoch = tracker.take(P0, 0);
        tracker.complete(P0, epoch, 0, null);
        assertThat(committed(tracker.committable()))
                .as("1 and 2 were finished by the previous owner")
                .containsExactly(Map.entry(P0, new OffsetAndMetadata(3, "")));
    }

    @Test
    void anActionRunsOnlyOnceACommitIncludingItsCompletionIsAcknowledged() {
        tracker.assigned(P0, new OffsetAndMetadata(0));
        long e = tracker.take(P0, 0);
        AtomicInteger released = new AtomicInteger();
        tracker.complete(P0, e, 0, released::incrementAndGet);
        assertThat(released).hasValue(0);

        OffsetTracker.Commit refused = tracker.committable();
        tracker.commitFailed(refused);
        assertThat(released).as("a refused commit does not count").hasValue(0);

        OffsetTracker.Commit accepted = tracker.committable();
        assertThat(accepted.isEmpty())
                .as("the refused state is committed again")
                .isFalse();
        tracker.committed(accepted);
        assertThat(released).hasValue(1);
        assertThat(tracker.committable().isEmpty()).as("already committed").isTrue();
    }

    @Test
    void actionsOfARemovedPartitionAreHandedBack() {
        tracker.assigned(P0, new OffsetAndMetadata(0));
        long e = tracker.take(P0, 0);
        AtomicInteger released = new AtomicInteger();
        tracker.complete(P0, e, 0, released::incrementAndGet);
        tracker.removed(List.of(P0)).forEach(Runnable::run);
        assertThat(released).hasValue(1);
    }

    @Test
    void partitionsAreIndependent() {
        tracker.assigned(P0, new OffsetAndMetadata(0));
        tracker.assigned(P1, new OffsetAndMetadata(5));
        long e0 = tracker.take(P0, 0);
        tracker.take(P0, 1);
        long e1 = tracker.take(P1, 5);
        tracker.take(P1, 6);
        tracker.committed(tracker.committable());
        tracker.complete(P0, e0, 1, null);
        tracker.complete(P1, e1, 5, null);
        Map<TopicPartition, OffsetAndMetadata> both = committed(tracker.committable(List.of(P0, P1)));
        assertThat(both.get(P0).offset()).isZero();
        assertThat(both.get(P1).offset()).isEqualTo(6);
        assertThat(tracker.underWay()).isEqualTo(2);
    }

    @Test
    void completionsOfARevokedAssignmentAreIgnored() {
        tracker.assigned(P0, new OffsetAndMetadata(7));
        long old = tracker.take(P0, 7);
        tracker.removed(List.of(P0));
        assertThat(tracker.owns(P0, old)).isFalse();
        assertThat(tracker.underWay()).isZero();

        tracker.assigned(P0, new OffsetAndMetadata(7));
        long now = tracker.take(P0, 7);
        assertThat(now).isNotEqualTo(old);
        tracker.complete(P0, old, 7, null); // the earlier owner's late completion
        assertThat(committed(tracker.committable()).get(P0).offset()).isEqualTo(7);
        assertThat(tracker.underWay()).isEqualTo(1);
        tracker.complete(P0, now, 7, null);
        assertThat(committed(tracker.committable())).containsExactly(Map.entry(P0, new OffsetAndMetadata(8, "")));
    }

    @Test
    void gapsInOffsetsAreNoProblem() {
        // read_committed topics skip transaction markers: offsets are not consecutive
        tracker.assigned(P0, new OffsetAndMetadata(3));
        long e = tracker.take(P0, 3);
        tracker.take(P0, 5);
        tracker.take(P0, 9);
        tracker.complete(P0, e, 3, null);
        tracker.complete(P0, e, 9, null);
        OffsetAndMetadata commit = committed(tracker.committable()).get(P0);
        assertThat(FinishedOffsets.decode(commit.offset(), commit.metadata()))
                .isEqualTo(new FinishedOffsets(5, 10, new java.util.TreeSet<>(List.of(5L))));
        tracker.complete(P0, e, 5, null);
        assertThat(committed(tracker.committable())).containsExactly(Map.entry(P0, new OffsetAndMetadata(10, "")));
    }

    @Test
    void aRecordReadAgainWhileUnderWayIsNotTakenTwice() {
        tracker.assigned(P0, new OffsetAndMetadata(0));
        OffsetTracker next = new OffsetTracker();
        long e = tracker.take(P0, 0);
        tracker.take(P0, 1);
        tracker.complete(P0, e, 1, null);
        next.assigned(P0, committed(tracker.committable()).get(P0));
        assertThat(next.take(P0, 0)).isPositive();
        assertThat(next.take(P0, 0)).as("already under way").isEqualTo(-1);
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(OffsetTracker.Commit commit) {
        return commit.offsets();
    }
}
