package io.softcifar.ml.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SoftLabelMetricsTest {

    private static final double EPS = 1e-12;
    private static final double LN2 = Math.log(2);

    /*
     * row 0: q = [.5, .5, 0], p = [.25, .5, .25]
     *   CE = −(.5 ln .25 + .5 ln .5) = .5·2ln2 + .5·ln2 = 1.5 ln2 ; KL = .5(ln .5 − ln .25) + .5·0 + 0 = .5 ln2
     * row 1: q = [1, 0, 0],  p = [.5, .25, .25]
     *   CE = −ln .5 = ln2 ; KL = 1·(ln 1 − ln .5) = ln2
     * means: CE = 1.25 ln2 = 0.866434 ; KL = 0.75 ln2 = 0.519860
     */
    @Test
    void handWorked() {
        double[][] q = {{0.5, 0.5, 0}, {1, 0, 0}};
        double[][] p = {{0.25, 0.5, 0.25}, {0.5, 0.25, 0.25}};
        assertThat(SoftLabelMetrics.crossEntropy(p, q))
                .isCloseTo(1.25 * LN2, within(EPS))
                .isCloseTo(0.866434, within(1e-6));
        assertThat(SoftLabelMetrics.klDivergence(p, q))
                .isCloseTo(0.75 * LN2, within(EPS))
                .isCloseTo(0.519860, within(1e-6));
        // H(q): row 0 = ln2, row 1 = 0 -> mean ln2 / 2
        assertThat(SoftLabelMetrics.meanEntropy(q)).isCloseTo(LN2 / 2, within(EPS));
    }

    @Test
    void klIsZeroWhenPEqualsQ() {
        double[][] q = {{0.2, 0.8, 0.0}, {1, 0, 0}, {0.1, 0.2, 0.7}};
        assertThat(SoftLabelMetrics.klDivergence(q, q)).isCloseTo(0.0, within(EPS));
        // CE(q, q) = H(q): (−.2 ln .2 − .8 ln .8) + 0 + (−.1 ln .1 − .2 ln .2 − .7 ln .7), averaged over 3 rows
        double h = (-(0.2 * Math.log(0.2) + 0.8 * Math.log(0.8))
                        - (0.1 * Math.log(0.1) + 0.2 * Math.log(0.2) + 0.7 * Math.log(0.7)))
                / 3;
        assertThat(SoftLabelMetrics.crossEntropy(q, q)).isCloseTo(h, within(EPS));
    }

    @Test
    void zeroSoftLabelMassIgnoresZeroPrediction() {
        // q puts no mass where p is 0: 0·log 0 = 0, so KL = ln(1/.5)·1 = ln 2 and nothing blows up
        double[][] q = {{1.0, 0.0}};
        double[][] p = {{0.5, 0.5}};
        assertThat(SoftLabelMetrics.klDivergence(p, q)).isCloseTo(LN2, within(EPS));
        // q has mass where p is 0: p is clamped to 1e-12 -> CE = −ln 1e-12
        assertThat(SoftLabelMetrics.crossEntropy(new double[][] {{0.0, 1.0}}, q))
                .isCloseTo(-Math.log(1e-12), within(1e-9));
    }

    @Test
    void crossEntropyIsKlPlusEntropyOnRandomData() {
        SplittableRandom r = new SplittableRandom(3);
        int n = 200;
        int k = 10;
        double[][] p = new double[n][k];
        double[][] q = new double[n][k];
        for (int i = 0; i < n; i++) {
            double sp = 0;
            double sq = 0;
            for (int j = 0; j < k; j++) {
                p[i][j] = r.nextDouble() + 1e-3;
                q[i][j] = r.nextInt(3) == 0 ? 0 : r.nextDouble();
                sp += p[i][j];
                sq += q[i][j];
            }
            if (sq == 0) {
                q[i][0] = sq = 1;
            }
            for (int j = 0; j < k; j++) {
                p[i][j] /= sp;
                q[i][j] /= sq;
            }
        }
        double ce = SoftLabelMetrics.crossEntropy(p, q);
        double kl = SoftLabelMetrics.klDivergence(p, q);
        assertThat(kl).isPositive();
        assertThat(ce).isCloseTo(kl + SoftLabelMetrics.meanEntropy(q), within(1e-10));
    }

    @Test
    void rejectsBadInputs() {
        double[][] p = {{0.5, 0.5}, {0.5, 0.5}};
        assertThatThrownBy(() -> SoftLabelMetrics.klDivergence(p, new double[][] {{0.5, 0.5}, {Double.NaN, 0.5}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("softLabels[1][0] is NaN");
        assertThatThrownBy(() -> SoftLabelMetrics.crossEntropy(p, new double[][] {{0.5, 0.5}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("softLabels has 1 rows but probabilities has 2");
        assertThatThrownBy(() -> SoftLabelMetrics.crossEntropy(p, new double[][] {{0.5, 0.5, 0}, {1, 0, 0}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("softLabels has 3 columns but probabilities has 2");
        assertThatThrownBy(() -> SoftLabelMetrics.crossEntropy(new double[][] {{0.5, Double.POSITIVE_INFINITY}}, p))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("probabilities[0][1] is Infinity");
    }
}
