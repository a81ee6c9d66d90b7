package io.softcifar.ml.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplitsTest {

    @Test
    void protocolSizesAndCoverage() {
        Split s = Splits.seeded(10_000, 0);
        assertThat(s.train()).hasSize(8000);
        assertThat(s.val()).hasSize(500);
        assertThat(s.test()).hasSize(1500);
        int[] all = IntStream.concat(
                        IntStream.concat(Arrays.stream(s.train()), Arrays.stream(s.val())), Arrays.stream(s.test()))
                .sorted()
                .toArray();
        assertThat(all).isEqualTo(IntStream.range(0, 10_000).toArray());
    }

    @Test
    void deterministicPerSeedAndDifferentAcrossSeeds() {
        assertThat(Splits.seeded(10_000, 3)).isEqualTo(Splits.seeded(10_000, 3));
        assertThat(Splits.seeded(10_000, 3)).isNotEqualTo(Splits.seeded(10_000, 4));
        assertThat(Splits.seeded(10_000, 3, 0.8, 0.05, 0.15)).isEqualTo(Splits.seeded(10_000, 3));
    }

    /** Pins the RNG: if a JDK ever changed SplittableRandom, published splits would silently change. */
    @Test
    void goldenPermutation() {
        assertThat(Arrays.copyOf(Splits.permutation(10_000, 0), 8)).containsExactly(GOLDEN_SEED0);
        assertThat(Splits.permutation(10, 42)).containsExactly(GOLDEN_10_SEED42);
    }

    static final int[] GOLDEN_SEED0 = {5716, 3164, 307, 6541, 821, 8901, 2327, 4235};
    static final int[] GOLDEN_10_SEED42 = {3, 4, 7, 0, 8, 5, 9, 2, 6, 1};

    @Test
    void floorForTrainAndValRestToTest() {
        Split s = Splits.seeded(101, 1);
        assertThat(s.train()).hasSize(80); // floor(80.8)
        assertThat(s.val()).hasSize(5); // floor(5.05)
        assertThat(s.test()).hasSize(16);
        Split t = Splits.seeded(100, 1, 0.29, 0.01, 0.70);
        assertThat(t.train()).hasSize(29); // 0.29·100 = 28.999999999999996 in binary
        assertThat(t.val()).hasSize(1);
        assertThat(t.test()).hasSize(70);
    }

    @Test
    void limits() {
        Split s = Splits.seeded(10_000, 0);
        Split l = s.limitTrain(256);
        assertThat(l.train()).containsExactly(Arrays.copyOf(s.train(), 256));
        assertThat(l.val()).isSameAs(s.val());
        assertThat(l.test()).isSameAs(s.test());
        assertThat(s.limitTrain(1_000_000)).isEqualTo(s);
        Split m = s.limit(10, 5, 7);
        assertThat(m.size()).isEqualTo(22);
        assertThat(m.test()).containsExactly(Arrays.copyOf(s.test(), 7));
        assertThatThrownBy(() -> s.limitTrain(-1))
                .isInstanceOf(InvalidDataException.class)
                .hasMessage("maxTrain: -1 is negative");
    }

    @Test
    void invalidFractionsNameTheField() {
        assertThatThrownBy(() -> Splits.seeded(100, 0, 0, 0.5, 0.5))
                .isInstanceOf(InvalidDataException.class)
                .hasMessage("trainFrac: 0 is not in (0, 1)");
        assertThatThrownBy(() -> Splits.seeded(100, 0, 0.5, 1.2, 0.5)).hasMessage("valFrac: 1.2 is not in (0, 1)");
        assertThatThrownBy(() -> Splits.seeded(100, 0, 0.5, 0.2, Double.NaN))
                .hasMessage("testFrac: NaN is not in (0, 1)");
        assertThatThrownBy(() -> Splits.seeded(100, 0, 0.8, 0.05, 0.1))
                .hasMessage("trainFrac + valFrac + testFrac: sums to 0.95 (expected 1 ± 1e-9)");
        assertThatThrownBy(() -> Splits.seeded(10, 0))
                .hasMessageStartingWith("n: 10 items are too few for fractions 0.8/0.05/0.15 (sizes 8/0/2");
        assertThatThrownBy(() -> Splits.seeded(0, 0)).hasMessage("n: 0 is not ≥ 1");
    }

    @Test
    void randomSubset() {
        int[] k = Splits.randomSubset(26_032, 1500, 9);
        assertThat(k).hasSize(1500).doesNotHaveDuplicates();
        assertThat(Arrays.stream(k).allMatch(i -> i >= 0 && i < 26_032)).isTrue();
        assertThat(Splits.randomSubset(26_032, 1500, 9)).isEqualTo(k);
        assertThatThrownBy(() -> Splits.randomSubset(5, 6, 0)).hasMessage("k: 6 is not in 0..5");
    }
}
