package io.softcifar.ml.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.softcifar.testsupport.Required;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the readers against the real CIFAR-10H development copy (see its README for the expected facts).
 * Looked up via system property {@code softcifar.data.cifar10h}, {@code ../../shared/data/cifar10h} or
 * {@code ../shared/data/cifar10h}; skipped when absent, failed when absent with CI=true.
 */
class RealCifar10hTest {

    private static SoftLabelDataset data;
    private static Path dir;

    @BeforeAll
    static void load() {
        dir = Cifar10hFolder.findSharedCopy().orElse(null);
        Required.present(
                dir != null,
                "real CIFAR-10H data not found (set -Dsoftcifar.data.cifar10h=<dir> or provide ../shared/data/cifar10h)"
                        + " — skipping real-data checks");
        data = Cifar10hFolder.load(dir);
    }

    @Test
    void imagesAndOfficialLabels() {
        assertThat(data.size()).isEqualTo(10_000);
        assertThat(data.images().classCounts(10)).containsOnly(1000);
        assertThat(data.officialLabels()[0]).isEqualTo(3); // cat
        assertThat(data.officialLabels()[1]).isEqualTo(8); // ship
        assertThat(data.officialLabels()[2]).isEqualTo(8); // ship
        assertThat(data.officialLabels()[3]).isEqualTo(0); // airplane
        assertThat(Cifar10hFolder.classNames(dir).get(3)).isEqualTo("cat");
    }

    @Test
    void softLabelFacts() {
        assertThat(data.softLabels().numClasses()).isEqualTo(10);
        assertThat(data.meanEntropy()).isCloseTo(0.1545, within(5e-5));
        assertThat(data.fractionUncertain()).isCloseTo(0.5607, within(5e-5));
        assertThat(data.agreementWithOfficialLabels()).isCloseTo(0.9921, within(5e-5));
        int differ = 0;
        for (int i = 0; i < data.size(); i++) {
            if (data.hardLabel(i) != data.images().label(i)) {
                differ++;
            }
        }
        assertThat(differ).isEqualTo(79);
    }

    @Test
    void protocolSplitAndNormalization() {
        Split s = Splits.seeded(data.size(), 0);
        assertThat(s.train()).hasSize(8000);
        assertThat(s.val()).hasSize(500);
        assertThat(s.test()).hasSize(1500);
        ChannelStats st = ChannelStats.of(data.images(), s.train());
        // CIFAR-10 test set: mean ≈ (0.494, 0.485, 0.450), std ≈ (0.247, 0.243, 0.262); this copy is JPEG-decoded
        assertThat(st.mean()).containsExactly(new double[] {0.494, 0.485, 0.450}, within(0.01));
        assertThat(st.std()).containsExactly(new double[] {0.247, 0.243, 0.262}, within(0.01));
    }

    @Test
    void entropyThresholdOnRealData() {
        SoftLabelDataset t = data.withEntropyThreshold(0.1);
        assertThat(t.meanEntropy()).isLessThan(data.meanEntropy());
        assertThat(t.hardLabels()).isEqualTo(data.hardLabels());
        assertThat(data.withEntropyThreshold(0).softLabels()).isEqualTo(data.softLabels());
    }
}
