package io.softcifar.ml.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SoftLabelDatasetTest {

    private static final double[][] ROWS = {
        {0.9, 0.1, 0, 0, 0, 0, 0, 0, 0, 0}, // official 0, hard 0
        {0, 0.45, 0.45, 0.1, 0, 0, 0, 0, 0, 0}, // tie → hard 1; official 2
        {0, 0, 0, 1, 0, 0, 0, 0, 0, 0}, // one-hot, hard 3
        {0, 0, 0, 0, 0.3, 0.7, 0, 0, 0, 0}, // hard 5; official 4
    };

    private static SoftLabelDataset dataset() {
        LabeledImages images = new LabeledImages(new byte[4 * 3072], new int[] {0, 2, 3, 4});
        return new SoftLabelDataset(images, SoftLabels.of("probs", ROWS));
    }

    @Test
    void hardLabelsAreArgmaxOfSoftLabelsNotOfficialLabels() {
        SoftLabelDataset d = dataset();
        assertThat(d.hardLabels()).containsExactly(0, 1, 3, 5);
        assertThat(d.officialLabels()).containsExactly(0, 2, 3, 4);
        assertThat(d.agreementWithOfficialLabels()).isEqualTo(0.5);
        assertThat(d.fractionUncertain()).isEqualTo(0.75);
        assertThat(d.size()).isEqualTo(4);
        assertThat(d.numClasses()).isEqualTo(10);
    }

    @Test
    void entropies() {
        SoftLabelDataset d = dataset();
        double h0 = -(0.9 * Math.log(0.9) + 0.1 * Math.log(0.1));
        double h1 = -(2 * 0.45 * Math.log(0.45) + 0.1 * Math.log(0.1));
        double h3 = -(0.3 * Math.log(0.3) + 0.7 * Math.log(0.7));
        assertThat(d.entropies()).containsExactly(new double[] {h0, h1, 0, h3}, within(1e-12));
        assertThat(d.meanEntropy()).isCloseTo((h0 + h1 + h3) / 4, within(1e-12));
    }

    @Test
    void entropyThresholdKeepsHardLabels() {
        SoftLabelDataset d = dataset();
        // h0 ≈ 0.325, h3 ≈ 0.611, h1 ≈ 0.949
        SoftLabelDataset t = d.withEntropyThreshold(0.7);
        assertThat(t.softLabels().row(0)).containsExactly(1, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(t.softLabels().row(1)).containsExactly(ROWS[1]);
        assertThat(t.softLabels().row(3)).containsExactly(0, 0, 0, 0, 0, 1, 0, 0, 0, 0);
        assertThat(t.hardLabels()).containsExactly(d.hardLabels());
        assertThat(t.images()).isSameAs(d.images());
        // even a huge threshold turns the tie row into the one-hot of its (lowest-index) hard label
        assertThat(d.withEntropyThreshold(10).softLabels().row(1)).containsExactly(0, 1, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void hardTargetsAndSubset() {
        SoftLabelDataset d = dataset();
        SoftLabelDataset h = d.withHardTargets();
        assertThat(h.softLabels().argmaxes()).containsExactly(0, 1, 3, 5);
        assertThat(h.meanEntropy()).isZero();
        SoftLabelDataset sub = d.subset(new int[] {3, 1});
        assertThat(sub.hardLabels()).containsExactly(5, 1);
        assertThat(sub.officialLabels()).containsExactly(4, 2);
        assertThat(sub.softLabels().row(1)).containsExactly(ROWS[1]);
    }

    @Test
    void countMismatchNamesTheSoftLabels() {
        LabeledImages images = new LabeledImages(new byte[3 * 3072], new int[] {0, 1, 2});
        assertThatThrownBy(() -> new SoftLabelDataset(images, SoftLabels.of("cifar10h-probs.npy", ROWS)))
                .isInstanceOf(InvalidDataException.class)
                .hasMessage("cifar10h-probs.npy: 4 soft-label rows but there are 3 images");
    }
}
