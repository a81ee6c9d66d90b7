package io.softcifar.ml.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ScoresTest {

    @Test
    void softmaxHandWorked() {
        // [1,2,3]: e^1, e^2, e^3 = 2.718282, 7.389056, 20.085537 ; sum 30.192875
        //   -> 0.090031, 0.244728, 0.665241
        // [0, ln 3, -1e300] -> [1/4, 3/4, 0]
        double[][] s = Scores.softmax(new double[][] {{1, 2, 3}, {0, Math.log(3), -1e300}});
        assertThat(s[0][0]).isCloseTo(0.090031, within(1e-6));
        assertThat(s[0][1]).isCloseTo(0.244728, within(1e-6));
        assertThat(s[0][2]).isCloseTo(0.665241, within(1e-6));
        assertThat(s[1][0]).isCloseTo(0.25, within(1e-12));
        assertThat(s[1][1]).isCloseTo(0.75, within(1e-12));
        assertThat(s[1][2]).isZero();
    }

    @Test
    void softmaxIsStableForHugeLogits() {
        double[][] s = Scores.softmax(new double[][] {{1000, 1000}, {-1000, -1000}});
        assertThat(s[0]).containsExactly(0.5, 0.5);
        assertThat(s[1][0]).isCloseTo(0.5, within(1e-12));
        double[][] big = Scores.softmax(new double[][] {{1e308, 0}});
        assertThat(big[0]).containsExactly(1.0, 0.0);
    }

    @Test
    void scoreFunctions() {
        double[][] logits = {{1, 5, 2}, {-3, -1, -2}};
        assertThat(Scores.maxLogit(logits)).containsExactly(5, -1);
        assertThat(Scores.argmax(logits)).containsExactly(1, 1);
        assertThat(Scores.argmax(new double[] {3, 7, 7})).isEqualTo(1);
        assertThat(Scores.maxProbability(new double[][] {{0.2, 0.5, 0.3}, {0.9, 0.05, 0.05}}))
                .containsExactly(0.5, 0.9);
        assertThat(Scores.negated(new double[] {1.5, -2})).containsExactly(-1.5, 2);
    }

    @Test
    void rejectsBadInputs() {
        assertThatThrownBy(() -> Scores.softmax(new double[][] {{0, 0}, {0, 0}, {Double.NEGATIVE_INFINITY, 0}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("logits[2][0] is -Infinity");
        assertThatThrownBy(() -> Scores.maxLogit(new double[][] {{0, Double.NaN}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("logits[0][1] is NaN");
        assertThatThrownBy(() -> Scores.maxProbability(new double[][] {{3, -2}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside [0, 1]");
        assertThatThrownBy(() -> Scores.maxLogit(new double[0][]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("logits is empty (0 rows)");
        assertThatThrownBy(() -> Scores.argmax(new double[][] {{}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("scores has 0 columns");
    }
}
