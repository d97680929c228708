package dev.leadpipe.core.retry;

import java.util.List;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FinishedOffsetsTest {

    @Test
    void aCommitNamesTheUnfinishedOffsetsAboveTheCommittedOne() {
        FinishedOffsets state = FinishedOffsets.of(
                1_000_000_050L, new TreeSet<>(List.of(1_000_000_003L, 1_000_000_004L, 1_000_000_040L)));
        assertThat(state.position()).isEqualTo(1_000_000_003L);
        FinishedOffsets read = FinishedOffsets.decode(state.position(), state.metadata());
        assertThat(read).isEqualTo(state);
        assertThat(read.isFinished(1_000_000_002L)).isTrue();
        assertThat(read.isFinished(1_000_000_003L)).isFalse();
        assertThat(read.isFinished(1_000_000_005L)).isTrue();
        assertThat(read.isFinished(1_000_000_040L)).isFalse();
        assertThat(read.isFinished(1_000_000_049L)).isTrue();
        assertThat(read.isFinished(1_000_000_050L)).as("not read yet").isFalse();
    }

    @Test
    void nothingUnfinishedCommitsTheEndWithEmptyMetadata() {
        FinishedOffsets state = FinishedOffsets.of(42, new TreeSet<>());
        assertThat(state.position()).isEqualTo(42);
        assertThat(state.metadata()).isEmpty();
        assertThat(FinishedOffsets.decode(42, "")).isEqualTo(state);
    }

    @Test
    void metadataStaysWithinTheBrokersLimitByForgettingTheFarEnd() {
        TreeSet<Long> unfinished = new TreeSet<>();
        for (long o = 0; o < 20_000; o += 7) {
            unfinished.add(o * 1000);
        }
        FinishedOffsets state = FinishedOffsets.of(30_000_000L, unfinished);
        assertThat(state.metadata().length()).isLessThanOrEqualTo(FinishedOffsets.MAX_METADATA_CHARS);
        assertThat(state.end()).as("cut short").isLessThan(30_000_000L);
        FinishedOffsets read = FinishedOffsets.decode(state.position(), state.metadata());
        assertThat(read).isEqualTo(state);
        // everything past the cut counts as not read: done again, never skipped
        assertThat(read.isFinished(state.end())).isFalse();
        assertThat(read.isFinished(state.end() + 1)).isFalse();
    }

    @Test
    void offsetsAtOrPastTheEndAreNotKept() {
        FinishedOffsets state = FinishedOffsets.of(10, new TreeSet<>(List.of(3L, 7L, 10L, 12L)));
        assertThat(state.position()).isEqualTo(3);
        assertThat(state.end()).isEqualTo(10);
        assertThat(state.unfinished()).containsExactly(3L, 7L);
        assertThat(FinishedOffsets.decode(3, state.metadata())).isEqualTo(state);
    }

    @Test
    void theCutKeepsAsManyOffsetsAsFitTheLimit() {
        TreeSet<Long> unfinished = new TreeSet<>();
        for (long o = 0; o < 20_000; o++) {
            unfinished.add(1_000_000_000L + o * 3);
        }
        FinishedOffsets state = FinishedOffsets.of(2_000_000_000L, unfinished);
        assertThat(state.metadata().length())
                .isLessThanOrEqualTo(FinishedOffsets.MAX_METADATA_CHARS)
                .as("the room is used, not given away")
                .isGreaterThan(FinishedOffsets.MAX_METADATA_CHARS - 40);
        assertThat(state.end()).isEqualTo(state.unfinished().last() + 3).as("cut at the first offset left out");
    }

    @Test
    void metadataWithoutGapsStillNamesItsEnd() {
        FinishedOffsets read = FinishedOffsets.decode(5, "f1:3");
        assertThat(read.end()).isEqualTo(8);
        assertThat(read.isFinished(5)).isFalse();
        assertThat(read.isFinished(6)).isTrue();
        assertThat(read.isFinished(8)).isFalse();
    }

    @Test
    void unreadableMetadataMeansNothingIsKnownAboveTheCommittedOffset() {
        // "f1:3:Aw" names offset 103 as unfinished, at the end it gives: not something this writes
        for (String bad :
                new String[] {"f1:x:y", "f1:5:@@@", "f2:3:AA", "something else", "f1:-3:", "f1:2:fw", "f1:3:Aw", null
                }) {
            FinishedOffsets read = FinishedOffsets.decode(100, bad);
            assertThat(read).as(bad).isEqualTo(FinishedOffsets.at(100));
            assertThat(read.isFinished(100)).isFalse();
        }
    }
}
