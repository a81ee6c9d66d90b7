package io.softcifar.ml.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OodMetricsTest {

    private static final double EPS = 1e-12;

    /** Brute force: P(in > ood) + ½ P(in == ood) by counting all pairs. */
    private static double pairCountAuroc(double[] in, double[] ood) {
        double wins = 0;
        for (double a : in) {
            for (double b : ood) {
                if (a > b) {
                    wins += 1;
                } else if (a == b) {
                    wins += 0.5;
                }
            }
        }
        return wins / ((double) in.length * ood.length);
    }

    /**
     * Brute force step-wise average precision (in = positive): for each distinct threshold t, from high to low,
     * predict positive for score ≥ t, P = TP/(TP+FP), R = TP/n_in, AP += (R − R_prev)·P.
     */
    private static double bruteForceAp(double[] in, double[] ood) {
        double[] all = new double[in.length + ood.length];
        System.arraycopy(in, 0, all, 0, in.length);
        System.arraycopy(ood, 0, all, in.length, ood.length);
        double[] thresholds = Arrays.stream(all).distinct().sorted().toArray();
        double ap = 0;
        double prevR = 0;
        for (int t = thresholds.length - 1; t >= 0; t--) {
            double th = thresholds[t];
            long tp = Arrays.stream(in).filter(s -> s >= th).count();
            long fp = Arrays.stream(ood).filter(s -> s >= th).count();
            double r = (double) tp / in.length;
            ap += (r - prevR) * ((double) tp / (tp + fp));
            prevR = r;
        }
        return ap;
    }

    @Test
    void aurocHandWorked() {
        // in = [3,2,1], ood = [2,0]: pairs (3,2)=1 (3,0)=1 (2,2)=½ (2,0)=1 (1,2)=0 (1,0)=1 -> 4.5/6 = 0.75
        assertThat(OodMetrics.auroc(new double[] {3, 2, 1}, new double[] {2, 0}))
                .isCloseTo(0.75, within(EPS));
    }

    @Test
    void aurocMatchesPairCountingOnRandomDataWithTies() {
        SplittableRandom r = new SplittableRandom(42);
        for (int trial = 0; trial < 20; trial++) {
            int nIn = 1 + r.nextInt(400);
            int nOod = 1 + r.nextInt(400);
            double[] in = new double[nIn];
            double[] ood = new double[nOod];
            for (int i = 0; i < nIn; i++) {
                in[i] = r.nextInt(5); // integer scores 0..4: many ties
            }
            for (int i = 0; i < nOod; i++) {
                ood[i] = r.nextInt(5) - (trial % 3 == 0 ? 1 : 0);
            }
            assertThat(OodMetrics.auroc(in, ood))
                    .as("trial %d", trial)
                    .isCloseTo(pairCountAuroc(in, ood), within(1e-12));
        }
    }

    @Test
    void aurocMatchesPairCountingOnContinuousData() {
        SplittableRandom r = new SplittableRandom(7);
        double[] in = new double[1500];
        double[] ood = new double[1500];
        for (int i = 0; i < in.length; i++) {
            in[i] = r.nextDouble() + 0.2;
            ood[i] = r.nextDouble();
        }
        ood[3] = in[5]; // one exact cross tie
        ood[4] = -0.0;
        in[6] = 0.0; // −0.0 and 0.0 are the same score
        assertThat(OodMetrics.auroc(in, ood)).isCloseTo(pairCountAuroc(in, ood), within(1e-12));
    }

    @Test
    void identicalDistributionsGiveOneHalf() {
        SplittableRandom r = new SplittableRandom(2024);
        double[] in = new double[20_000];
        double[] ood = new double[20_000];
        for (int i = 0; i < in.length; i++) {
            in[i] = r.nextDouble();
            ood[i] = r.nextDouble();
        }
        // standard error of the AUROC here ≈ sqrt((n1+n2+1)/(12 n1 n2)) ≈ 0.0029
        assertThat(OodMetrics.auroc(in, ood)).isCloseTo(0.5, within(0.015));
    }

    @Test
    void separatedAndReversedAndAllTies() {
        double[] high = {5, 6, 7, 8};
        double[] low = {1, 2, 3};
        assertThat(OodMetrics.auroc(high, low)).isEqualTo(1.0);
        assertThat(OodMetrics.auroc(low, high)).isEqualTo(0.0);
        assertThat(OodMetrics.auroc(new double[] {2, 2, 2}, new double[] {2, 2}))
                .isEqualTo(0.5);
        assertThat(OodMetrics.aupr(high, low)).isEqualTo(1.0);
        // all ties: one threshold, P = n_in/(n_in+n_ood) = 3/5, R = 1
        assertThat(OodMetrics.aupr(new double[] {2, 2, 2}, new double[] {2, 2})).isCloseTo(0.6, within(EPS));
    }

    @Test
    void auprHandWorked() {
        // descending: .9(in) .8(ood) .6(in) .5(ood) .4(in) .1(ood)
        //  t=.9: TP1 FP0 P=1   R=1/3 -> +1/3
        //  t=.8: TP1 FP1        R=1/3 -> +0
        //  t=.6: TP2 FP1 P=2/3 R=2/3 -> +1/3·2/3 = 2/9
        //  t=.5: TP2 FP2        R=2/3 -> +0
        //  t=.4: TP3 FP2 P=3/5 R=1   -> +1/3·3/5 = 1/5
        //  t=.1: R unchanged -> +0 ; AP = 1/3 + 2/9 + 1/5 = 34/45
        assertThat(OodMetrics.aupr(new double[] {0.9, 0.6, 0.4}, new double[] {0.8, 0.5, 0.1}))
                .isCloseTo(34.0 / 45, within(EPS));
        // ties across classes: in = [1,1], ood = [1,0]: t=1: TP2 FP1 P=2/3 R=1 -> AP = 2/3 (sklearn gives 2/3)
        assertThat(OodMetrics.aupr(new double[] {1, 1}, new double[] {1, 0})).isCloseTo(2.0 / 3, within(EPS));
    }

    @Test
    void auprMatchesBruteForceOnRandomData() {
        SplittableRandom r = new SplittableRandom(99);
        for (int trial = 0; trial < 20; trial++) {
            int nIn = 1 + r.nextInt(300);
            int nOod = 1 + r.nextInt(300);
            boolean ties = trial % 2 == 0;
            double[] in = new double[nIn];
            double[] ood = new double[nOod];
            for (int i = 0; i < nIn; i++) {
                in[i] = ties ? r.nextInt(5) : r.nextDouble() + 0.1;
            }
            for (int i = 0; i < nOod; i++) {
                ood[i] = ties ? r.nextInt(5) : r.nextDouble();
            }
            assertThat(OodMetrics.aupr(in, ood)).as("trial %d", trial).isCloseTo(bruteForceAp(in, ood), within(1e-12));
        }
    }

    @Test
    void rejectsBadInputs() {
        assertThatThrownBy(() -> OodMetrics.auroc(new double[] {1, 2, 3, Double.NaN}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("inScores[3] is NaN");
        assertThatThrownBy(() -> OodMetrics.aupr(new double[] {1}, new double[] {0, Double.NEGATIVE_INFINITY}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("oodScores[1] is -Infinity");
        assertThatThrownBy(() -> OodMetrics.auroc(new double[0], new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("inScores is empty");
        assertThatThrownBy(() -> OodMetrics.aupr(new double[] {1}, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("oodScores is null");
    }
}
