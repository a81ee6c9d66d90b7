package io.softcifar.ml.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ChannelStatsTest {

    /**
     * Image 0: R all 0, G all 255, B first half 0 / second half 255. Image 1: R all 255, G all 255, B all 51.
     * Image 2: everything 100 (never selected below, except where said).
     */
    private static byte[] pixels() {
        byte[] p = new byte[3 * 3072];
        Arrays.fill(p, 1024, 2048, (byte) 255);
        Arrays.fill(p, 2048 + 512, 3072, (byte) 255);
        Arrays.fill(p, 3072, 3072 + 2048, (byte) 255);
        Arrays.fill(p, 3072 + 2048, 2 * 3072, (byte) 51);
        Arrays.fill(p, 2 * 3072, 3 * 3072, (byte) 100);
        return p;
    }

    @Test
    void matchesHandComputation() {
        ChannelStats s = ChannelStats.of(pixels(), new int[] {0, 1});
        // R: 1024 zeros and 1024 × 255 → mean 0.5, population std 0.5 (in [0,1] scale)
        assertThat(s.mean()[0]).isCloseTo(0.5, within(1e-15));
        assertThat(s.std()[0]).isCloseTo(0.5, within(1e-15));
        // G: all 255 → mean 1, std 0
        assertThat(s.mean()[1]).isCloseTo(1.0, within(1e-15));
        assertThat(s.std()[1]).isZero();
        // B: 512 × 0, 512 × 255, 1024 × 51 (of 2048)
        double mean = (512 * 255 + 1024 * 51) / 2048.0; // 89.25
        double meanSq = (512 * 255.0 * 255 + 1024 * 51.0 * 51) / 2048.0; // 17556.75
        double std = Math.sqrt(meanSq - mean * mean); // sqrt(9591.1875)
        assertThat(mean).isEqualTo(89.25);
        assertThat(s.mean()[2]).isCloseTo(89.25 / 255, within(1e-15));
        assertThat(s.std()[2]).isCloseTo(std / 255, within(1e-15));
        assertThat(s.std()[2]).isCloseTo(0.384057, within(1e-6));
    }

    @Test
    void onlyTheGivenImagesCountAndOrderDoesNotMatter() {
        byte[] p = pixels();
        ChannelStats one = ChannelStats.of(p, new int[] {2});
        assertThat(one.mean()).containsExactly(new double[] {100 / 255.0, 100 / 255.0, 100 / 255.0}, within(1e-15));
        assertThat(one.std()).containsExactly(0, 0, 0);
        assertThat(ChannelStats.of(p, new int[] {1, 0})).isEqualTo(ChannelStats.of(p, new int[] {0, 1}));
        LabeledImages li = new LabeledImages(p, new int[] {0, 0, 0});
        assertThat(ChannelStats.of(li, new int[] {0, 1})).isEqualTo(ChannelStats.of(p, new int[] {0, 1}));
        assertThat(one.meanAsFloats()).containsExactly(100 / 255f, 100 / 255f, 100 / 255f);
    }

    @Test
    void badArguments() {
        assertThatThrownBy(() -> ChannelStats.of(pixels(), new int[0]))
                .isInstanceOf(InvalidDataException.class)
                .hasMessage("indices: empty (need at least one image)");
        assertThatThrownBy(() -> ChannelStats.of(pixels(), new int[] {3}))
                .hasMessage("indices: index 3 is not in 0..2");
        assertThatThrownBy(() -> ChannelStats.of(new byte[100], new int[] {0}))
                .hasMessage("pixels: 100 bytes is not a multiple of 3072");
    }
}
