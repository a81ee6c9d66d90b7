package io.softcifar.ml.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {

    private static final double EPS = 1e-12;

    // the hand-worked case of CalibrationTest: argmax = [0, 0, 1, 1, 1], labels = [0, 1, 1, 0, 1]
    private static final double[][] P = CalibrationTest.P;
    private static final int[] Y = CalibrationTest.Y;

    @Test
    void accuracyHandWorked() {
        // rows 0, 2, 4 correct -> 3/5
        assertThat(ClassificationMetrics.accuracy(P, Y)).isCloseTo(0.6, within(EPS));
        assertThat(ClassificationMetrics.accuracy(new int[] {0, 0, 1, 1, 1}, Y)).isCloseTo(0.6, within(EPS));
    }

    @Test
    void argmaxTiesGoToLowestIndex() {
        // [0.4, 0.4, 0.2] -> class 0 ; [0.2, 0.4, 0.4] -> class 1
        double[][] p = {{0.4, 0.4, 0.2}, {0.2, 0.4, 0.4}};
        assertThat(ClassificationMetrics.accuracy(p, new int[] {0, 1})).isEqualTo(1.0);
        assertThat(ClassificationMetrics.accuracy(p, new int[] {1, 2})).isEqualTo(0.0);
    }

    @Test
    void nllHandWorked() {
        // −(ln .95 + ln .10 + ln .65 + ln .40 + ln .70)/5
        //  = (0.051293 + 2.302585 + 0.430783 + 0.916291 + 0.356675)/5 = 4.057627/5 = 0.811525
        double expected = -(Math.log(0.95) + Math.log(0.10) + Math.log(0.65) + Math.log(0.40) + Math.log(0.70)) / 5;
        assertThat(ClassificationMetrics.nll(P, Y))
                .isCloseTo(expected, within(EPS))
                .isCloseTo(0.811525, within(1e-6));
    }

    @Test
    void nllClampsZeroProbability() {
        // p(true) = 0 is clamped to 1e-12 -> −ln 1e-12 = 12 ln 10 = 27.631021
        assertThat(ClassificationMetrics.nll(new double[][] {{1.0, 0.0}}, new int[] {1}))
                .isCloseTo(27.631021115928547, within(1e-9));
    }

    @Test
    void brierHandWorked() {
        // row 0: .05²+.05² = .005 ; row 1: .9²+.9² = 1.62 ; row 2: .35²+.35² = .245 ;
        // row 3: .6²+.6² = .72 ; row 4: .3²+.3² = .18 ; sum 2.77 ; mean 0.554
        assertThat(ClassificationMetrics.brier(P, Y)).isCloseTo(0.554, within(EPS));
        // a perfect one-hot prediction scores 0, a confident wrong one 2
        assertThat(ClassificationMetrics.brier(new double[][] {{0, 1, 0}}, new int[] {1}))
                .isZero();
        assertThat(ClassificationMetrics.brier(new double[][] {{0, 1, 0}}, new int[] {2}))
                .isEqualTo(2.0);
    }

    /*
     * K = 4. labels = [0,0,0,1,1,2,2], preds = [0,0,1,1,1,0,1]
     *   class 0: predicted at {0,1,5}, TP {0,1}   -> P = 2/3 ; labelled {0,1,2}, TP 2 -> R = 2/3
     *   class 1: predicted at {2,3,4,6}, TP {3,4} -> P = 1/2 ; labelled {3,4},   TP 2 -> R = 1
     *   class 2: never predicted                  -> P = 0   ; labelled {5,6},   TP 0 -> R = 0
     *   class 3: neither labelled nor predicted   -> excluded from both averages
     *   macro P = (2/3 + 1/2 + 0)/3 = 7/18 ; macro R = (2/3 + 1 + 0)/3 = 5/9
     *   (sklearn precision_score / recall_score average='macro', zero_division=0 give the same numbers)
     */
    @Test
    void macroPrecisionRecallHandWorked() {
        int[] y = {0, 0, 0, 1, 1, 2, 2};
        int[] pred = {0, 0, 1, 1, 1, 0, 1};
        assertThat(ClassificationMetrics.macroPrecision(pred, y, 4)).isCloseTo(7.0 / 18, within(EPS));
        assertThat(ClassificationMetrics.macroRecall(pred, y, 4)).isCloseTo(5.0 / 9, within(EPS));
        double[][] p = probabilitiesFor(pred, 4);
        assertThat(ClassificationMetrics.macroPrecision(p, y)).isCloseTo(7.0 / 18, within(EPS));
        assertThat(ClassificationMetrics.macroRecall(p, y)).isCloseTo(5.0 / 9, within(EPS));
    }

    /*
     * K = 3. labels = [0,0,1], preds = [0,2,1]: class 2 is predicted but absent from the labels.
     *   precision over {0,1,2}: class 0 = 1/1, class 1 = 1/1, class 2 = 0/1 -> 2/3
     *   recall over the labelled classes {0,1} only: class 0 = 1/2, class 1 = 1/1 -> 3/4
     */
    @Test
    void classAbsentFromLabelsIsExcludedFromRecall() {
        int[] y = {0, 0, 1};
        int[] pred = {0, 2, 1};
        assertThat(ClassificationMetrics.macroPrecision(pred, y, 3)).isCloseTo(2.0 / 3, within(EPS));
        assertThat(ClassificationMetrics.macroRecall(pred, y, 3)).isCloseTo(0.75, within(EPS));
    }

    @Test
    void singleClassPresent() {
        // labels all class 0, preds [0,0,1] (K = 3):
        //   recall over {0}: 2/3 ; precision over {0,1}: class 0 = 2/2, class 1 = 0/1 -> 1/2
        int[] y = {0, 0, 0};
        int[] pred = {0, 0, 1};
        assertThat(ClassificationMetrics.macroRecall(pred, y, 3)).isCloseTo(2.0 / 3, within(EPS));
        assertThat(ClassificationMetrics.macroPrecision(pred, y, 3)).isCloseTo(0.5, within(EPS));
        // a one-class model (K = 1)
        double[][] p = {{1.0}, {1.0}};
        assertThat(ClassificationMetrics.accuracy(p, new int[] {0, 0})).isEqualTo(1.0);
        assertThat(ClassificationMetrics.macroPrecision(p, new int[] {0, 0})).isEqualTo(1.0);
        assertThat(ClassificationMetrics.macroRecall(p, new int[] {0, 0})).isEqualTo(1.0);
        assertThat(ClassificationMetrics.nll(p, new int[] {0, 0})).isZero();
    }

    private static double[][] probabilitiesFor(int[] pred, int k) {
        // 0.7 on the predicted class, the remaining 0.3 spread evenly
        double[][] p = new double[pred.length][k];
        for (int i = 0; i < pred.length; i++) {
            java.util.Arrays.fill(p[i], 0.3 / (k - 1));
            p[i][pred[i]] = 0.7;
        }
        return p;
    }

    @Test
    void rejectsBadInputs() {
        assertThatThrownBy(() -> ClassificationMetrics.nll(
                        new double[][] {{0.5, 0.5}, {0.5, 0.5}, {0.2, Double.NaN}}, new int[] {0, 0, 0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("probabilities[2][1] is NaN");
        assertThatThrownBy(() -> ClassificationMetrics.brier(P, new int[] {0, 1, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("labels has length 3 but probabilities has 5 rows");
        assertThatThrownBy(() -> ClassificationMetrics.accuracy(P, new int[] {0, 1, 2, 0, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("labels[2] = 2 is outside [0, 2)");
        assertThatThrownBy(() -> ClassificationMetrics.accuracy(new double[][] {{2.0, -1.0}}, new int[] {0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("probabilities[0][0] = 2.0 is outside [0, 1]");
        assertThatThrownBy(() -> ClassificationMetrics.accuracy(new double[][] {{0.3, 0.3}}, new int[] {0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("probabilities[0] sums to 0.6");
        assertThatThrownBy(() -> ClassificationMetrics.accuracy(new double[][] {{0.5, 0.5}, {1.0}}, new int[] {0, 0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("probabilities[1] has 1 columns but probabilities[0] has 2");
        assertThatThrownBy(() -> ClassificationMetrics.accuracy((double[][]) null, new int[] {0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("probabilities is null");
        assertThatThrownBy(() -> ClassificationMetrics.accuracy(new int[0], new int[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("predictions is empty");
        assertThatThrownBy(() -> ClassificationMetrics.macroRecall(new int[] {0, 1}, new int[] {0}, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("predictions has length 2 but labels has length 1");
        assertThatThrownBy(() -> ClassificationMetrics.macroPrecision(new int[] {0, 5}, new int[] {0, 1}, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("predictions[1] = 5 is outside [0, 3)");
    }

    @Test
    void toleratesFloat32RoundOff() {
        // a float32 softmax can land a hair above 1 or make a row sum 1 ± 1e-7; such rows are accepted
        double[][] p = {{1.0 + 5e-7, 0.0}, {0.6000001, 0.3999999}};
        assertThat(ClassificationMetrics.accuracy(p, new int[] {0, 0})).isEqualTo(1.0);
        // bins 9 (conf 1.0000005, acc 1) and 6 (conf 0.6000001, acc 1): ECE = .5*5e-7 + .5*0.3999999 ≈ 0.2
        assertThat(Calibration.ece(p, new int[] {0, 0})).isCloseTo(0.2, within(1e-6));
    }
}
