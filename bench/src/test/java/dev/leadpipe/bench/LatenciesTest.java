package dev.leadpipe.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LatenciesTest {

    @Test
    void percentilesAreNearestRankOverTheSamples() {
        Latencies l = new Latencies();
        for (int ms = 100; ms >= 1; ms--) {
            l.add(ms * 1_000_000L);
        }
        assertThat(l.count()).isEqualTo(100);
        assertThat(l.percentileMillis(50)).isEqualTo(50.0);
        assertThat(l.percentileMillis(99)).isEqualTo(99.0);
        assertThat(l.percentileMillis(99.5)).isEqualTo(100.0);
        assertThat(l.maxMillis()).isEqualTo(100.0);
    }

    @Test
    void aSingleSampleIsEveryPercentile() {
        Latencies l = new Latencies();
        l.add(7_500_000L);
        assertThat(l.percentileMillis(1)).isEqualTo(7.5);
        assertThat(l.percentileMillis(99)).isEqualTo(7.5);
    }

    @Test
    void noSamplesHaveNoPercentile() {
        assertThat(new Latencies().percentileMillis(99)).isNaN();
    }

    @Test
    void aPercentileOutsideItsRangeIsRefused() {
        Latencies l = new Latencies();
        l.add(1);
        assertThatThrownBy(() -> l.percentileMillis(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> l.percentileMillis(101)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void growsPastItsFirstCapacityAndMergesAnother() {
        Latencies a = new Latencies();
        Latencies b = new Latencies();
        for (int i = 1; i <= 3_000; i++) {
            a.add(i);
            b.add(3_000L + i);
        }
        a.addAll(b);
        assertThat(a.count()).isEqualTo(6_000);
        assertThat(a.percentileMillis(50)).isEqualTo(3_000 / 1e6);
        assertThat(a.maxMillis()).isEqualTo(6_000 / 1e6);
    }
}
