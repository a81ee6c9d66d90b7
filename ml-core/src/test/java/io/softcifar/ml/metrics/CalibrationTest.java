package io.softcifar.ml.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CalibrationTest {

    private static final double EPS = 1e-12;

    /*
     * Hand-worked case, K = 2, N = 5, 10 bins (m covers (m/10, (m+1)/10]).
     *
     * row  probs         label  argmax  conf  correct  bin       p(true)  true-class bin
     *  0   [0.95, 0.05]    0      0     0.95    yes     9 (.9,1]   0.95     9
     *  1   [0.90, 0.10]    1      0     0.90    no      8 (.8,.9]  0.10     0 (0,.1]   <- 0.9 and 0.1 sit on upper edges
     *  2   [0.35, 0.65]    1      1     0.65    yes     6 (.6,.7]  0.65     6
     *  3   [0.40, 0.60]    0      1     0.60    no      5 (.5,.6]  0.40     3 (.3,.4]
     *  4   [0.30, 0.70]    1      1     0.70    yes     6 (.6,.7]  0.70     6         <- 0.7 on the upper edge of bin 6
     *
     * Predicted-confidence bins:
     *   bin 9: n=1 acc=1 conf=0.95  |gap|=0.05
     *   bin 8: n=1 acc=0 conf=0.90  |gap|=0.90
     *   bin 6: n=2 acc=1 conf=0.675 |gap|=0.325
     *   bin 5: n=1 acc=0 conf=0.60  |gap|=0.60
     *   ECE = .2*.05 + .2*.9 + .4*.325 + .2*.6 = .01 + .18 + .13 + .12 = 0.44
     *   OE  = bin 8: .2*.9*.9 = .162 ; bin 5: .2*.6*.6 = .072 ; bins 9, 6 underconfident -> 0 ; total 0.234
     *
     * True-class bins (acc = argmax == label):
     *   bin 9: n=1 acc=1 conf=.95 gap .05 ; bin 0: n=1 acc=0 conf=.10 gap .10
     *   bin 6: n=2 acc=1 conf=.675 gap .325 ; bin 3: n=1 acc=0 conf=.40 gap .40
     *   ECE_true = .2*.05 + .2*.1 + .4*.325 + .2*.4 = .01 + .02 + .13 + .08 = 0.24
     *
     * One bin: ECE = |acc - mean conf| = |3/5 - (0.95+0.9+0.65+0.6+0.7)/5| = |0.6 - 0.76| = 0.16
     */
    static final double[][] P = {{0.95, 0.05}, {0.90, 0.10}, {0.35, 0.65}, {0.40, 0.60}, {0.30, 0.70}};
    static final int[] Y = {0, 1, 1, 0, 1};

    @Test
    void handWorkedEce() {
        assertThat(Calibration.ece(P, Y)).isCloseTo(0.44, within(EPS));
        assertThat(Calibration.ece(P, Y, 10)).isCloseTo(0.44, within(EPS));
    }

    @Test
    void handWorkedOverconfidence() {
        assertThat(Calibration.overconfidenceError(P, Y)).isCloseTo(0.234, within(EPS));
    }

    @Test
    void handWorkedTrueClassVariant() {
        assertThat(Calibration.eceTrueClass(P, Y)).isCloseTo(0.24, within(EPS));
    }

    @Test
    void singleBinIsGlobalGap() {
        assertThat(Calibration.ece(P, Y, 1)).isCloseTo(0.16, within(EPS));
    }

    @Test
    void reliabilityDiagramHandWorkedIncludingEmptyBins() {
        List<ReliabilityBin> bins = Calibration.reliabilityDiagram(P, Y);
        assertThat(bins).hasSize(10);
        for (int m : new int[] {0, 1, 2, 3, 4, 7}) {
            ReliabilityBin b = bins.get(m);
            assertThat(b.count()).as("bin %d count", m).isZero();
            assertThat(b.meanConfidence()).isZero();
            assertThat(b.accuracy()).isZero();
        }
        assertBin(bins.get(5), 5, 1, 0.60, 0.0);
        assertBin(bins.get(6), 6, 2, 0.675, 1.0);
        assertBin(bins.get(8), 8, 1, 0.90, 0.0);
        assertBin(bins.get(9), 9, 1, 0.95, 1.0);
        assertThat(bins.get(6).lower()).isCloseTo(0.6, within(EPS));
        assertThat(bins.get(6).upper()).isCloseTo(0.7, within(EPS));
        assertThat(bins.get(0).lower()).isZero();
        assertThat(bins.get(9).upper()).isEqualTo(1.0);
        assertThat(bins.stream().mapToInt(ReliabilityBin::count).sum()).isEqualTo(5);
    }

    @Test
    void reliabilityDiagramTrueClassHandWorked() {
        List<ReliabilityBin> bins = Calibration.reliabilityDiagramTrueClass(P, Y, 10);
        assertBin(bins.get(0), 0, 1, 0.10, 0.0);
        assertBin(bins.get(3), 3, 1, 0.40, 0.0);
        assertBin(bins.get(6), 6, 2, 0.675, 1.0);
        assertBin(bins.get(9), 9, 1, 0.95, 1.0);
    }

    private static void assertBin(ReliabilityBin b, int index, int count, double conf, double acc) {
        assertThat(b.index()).isEqualTo(index);
        assertThat(b.count()).as("count of bin %d", index).isEqualTo(count);
        assertThat(b.meanConfidence()).as("conf of bin %d", index).isCloseTo(conf, within(EPS));
        assertThat(b.accuracy()).as("acc of bin %d", index).isCloseTo(acc, within(EPS));
    }

    @Test
    void binEdgesUpperInclusiveAndZeroInFirstBin() {
        assertThat(Calibration.binIndex(0.0, 10)).isEqualTo(0);
        assertThat(Calibration.binIndex(1e-9, 10)).isEqualTo(0);
        assertThat(Calibration.binIndex(0.1, 10)).isEqualTo(0);
        assertThat(Calibration.binIndex(Math.nextUp(0.1), 10)).isEqualTo(1);
        assertThat(Calibration.binIndex(0.3, 10)).isEqualTo(2);
        assertThat(Calibration.binIndex(0.7, 10)).isEqualTo(6);
        assertThat(Calibration.binIndex(Math.nextUp(0.7), 10)).isEqualTo(7);
        assertThat(Calibration.binIndex(0.95, 10)).isEqualTo(9);
        assertThat(Calibration.binIndex(1.0, 10)).isEqualTo(9);
        assertThat(Calibration.binIndex(1.0 / 3, 3)).isEqualTo(0);
        assertThat(Calibration.binIndex(2.0 / 3, 3)).isEqualTo(1);
        assertThat(Calibration.binIndex(Math.nextUp(2.0 / 3), 3)).isEqualTo(2);
        // every m/10 edge belongs to the bin below it
        for (int m = 1; m <= 10; m++) {
            assertThat(Calibration.binIndex(m / 10.0, 10)).as("edge %d/10", m).isEqualTo(m - 1);
        }
        // float round-off outside [0, 1] is clamped
        assertThat(Calibration.binIndex(1.0 + 1e-9, 10)).isEqualTo(9);
        assertThat(Calibration.binIndex(-1e-9, 10)).isEqualTo(0);
        assertThatThrownBy(() -> Calibration.binIndex(0.5, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("numBins");
        assertThatThrownBy(() -> Calibration.binIndex(Double.NaN, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NaN");
    }

    @Test
    void genericConfidencesZeroGoesToBinZero() {
        // conf 0 (wrong) and conf 1 (right): bin 0 = {0, acc 0}, bin 9 = {1, acc 1}; perfectly calibrated -> ECE 0
        List<ReliabilityBin> bins =
                Calibration.reliabilityDiagram(new double[] {0.0, 1.0}, new boolean[] {false, true}, 10);
        assertThat(bins.get(0).count()).isEqualTo(1);
        assertThat(bins.get(9).count()).isEqualTo(1);
        assertThat(Calibration.expectedCalibrationError(bins)).isZero();
        assertThat(Calibration.overconfidenceError(bins)).isZero();
        assertThatThrownBy(() -> Calibration.reliabilityDiagram(new double[] {0.5}, new boolean[] {true, false}, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("confidences has length 1 but correct has length 2");
    }

    @Test
    void singleClassModelIsPerfectlyCalibrated() {
        double[][] p = {{1.0}, {1.0}, {1.0}};
        int[] y = {0, 0, 0};
        assertThat(Calibration.ece(p, y)).isZero();
        assertThat(Calibration.overconfidenceError(p, y)).isZero();
        assertThat(Calibration.reliabilityDiagram(p, y).get(9).count()).isEqualTo(3);
    }

    @Test
    void trueClassVariantEqualsEceWhenAllCorrect() {
        // all correct -> p(true) = max p for every row -> identical binning
        double[][] p = {{0.55, 0.45}, {0.2, 0.8}, {0.91, 0.09}};
        int[] y = {0, 1, 0};
        // by hand: bins 5 (.55, acc 1), 7 (.8, acc 1), 9 (.91, acc 1): ECE = (.45 + .2 + .09)/3 = 0.74/3
        assertThat(Calibration.ece(p, y)).isCloseTo(0.74 / 3, within(EPS));
        assertThat(Calibration.eceTrueClass(p, y)).isCloseTo(0.74 / 3, within(EPS));
    }

    /** Confidence c ~ U(0.2, 1), correct with probability c (K = 10): ECE and OE should vanish. */
    @Test
    void perfectlyCalibratedSyntheticPredictorHasSmallEce() {
        Synthetic s = synthetic(200_000, 0.2, 0.0, 12345L);
        assertThat(Calibration.ece(s.p, s.y)).isLessThan(0.01);
        assertThat(Calibration.overconfidenceError(s.p, s.y)).isLessThan(0.01);
    }

    /**
     * Confidence c ~ U(0.3, 1), correct with probability c − 0.2: every bin is overconfident by 0.2, so
     * ECE ≈ 0.2 and OE ≈ 0.2·E[c] = 0.2·0.65 = 0.13.
     */
    @Test
    void systematicallyOverconfidentSyntheticPredictor() {
        Synthetic s = synthetic(100_000, 0.3, 0.2, 777L);
        assertThat(Calibration.ece(s.p, s.y)).isCloseTo(0.2, within(0.01));
        assertThat(Calibration.overconfidenceError(s.p, s.y)).isCloseTo(0.13, within(0.01));
    }

    private record Synthetic(double[][] p, int[] y) {}

    private static Synthetic synthetic(int n, double cMin, double accuracyDrop, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int k = 10;
        double[][] p = new double[n][k];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            double c = cMin + (1 - cMin) * r.nextDouble();
            int pred = r.nextInt(k);
            java.util.Arrays.fill(p[i], (1 - c) / (k - 1));
            p[i][pred] = c;
            boolean correct = r.nextDouble() < c - accuracyDrop;
            y[i] = correct ? pred : (pred + 1 + r.nextInt(k - 1)) % k;
        }
        return new Synthetic(p, y);
    }

    @Test
    void rejectsBadInputsWithClearMessages() {
        double[][] nan = {{0.5, 0.5}, {0.5, 0.5}, {Double.NaN, 1.0}, {0.5, Double.NaN}};
        assertThatThrownBy(() -> Calibration.ece(nan, new int[] {0, 0, 0, 0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("probabilities[2][0] is NaN");
        double[][] inf = {{0.5, 0.5}, {Double.POSITIVE_INFINITY, 0.0}};
        assertThatThrownBy(() -> Calibration.eceTrueClass(inf, new int[] {0, 0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("probabilities[1][0] is Infinity");
        assertThatThrownBy(() -> Calibration.overconfidenceError(P, new int[] {0, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("labels has length 2 but probabilities has 5 rows");
        assertThatThrownBy(() -> Calibration.ece(new double[0][], new int[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("probabilities is empty");
        assertThatThrownBy(() -> Calibration.ece(P, Y, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("numBins");
        assertThatThrownBy(() -> Calibration.reliabilityDiagram(
                        new double[] {0.5, Double.NEGATIVE_INFINITY}, new boolean[] {true, true}, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("confidences[1] is -Infinity");
    }
}
