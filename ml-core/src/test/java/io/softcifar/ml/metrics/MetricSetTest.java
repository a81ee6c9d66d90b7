package io.softcifar.ml.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricSetTest {

    @Test
    void keepsInsertionOrderAndRoundTripsThroughJackson() throws Exception {
        MetricSet set = MetricSet.builder()
                .put(MetricNames.TEST_ECE, 0.09)
                .put(MetricNames.TEST_ACCURACY, 0.83)
                .put(MetricNames.OOD_SVHN_AUROC, 0.77)
                .reliability(Calibration.reliabilityDiagram(CalibrationTest.P, CalibrationTest.Y))
                .build();
        assertThat(set.metrics().keySet()).containsExactly("test/ece", "test/accuracy", "ood/svhn_auroc");
        assertThat(set.get(MetricNames.TEST_ACCURACY)).isEqualTo(0.83);
        ObjectMapper om = new ObjectMapper();
        String json = om.writeValueAsString(set);
        assertThat(json).startsWith("{\"metrics\":{\"test/ece\":0.09,\"test/accuracy\":0.83");
        MetricSet back = om.readValue(json, MetricSet.class);
        assertThat(back).isEqualTo(set);
        assertThat(back.metrics().keySet()).containsExactly("test/ece", "test/accuracy", "ood/svhn_auroc");
        assertThat(back.reliability()).hasSize(10);
        assertThat(back.reliability().get(6).count()).isEqualTo(2);
    }

    @Test
    void rejectsNonFiniteAndMissing() {
        assertThatThrownBy(() -> MetricSet.builder().put("test/ece", Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("metric test/ece is NaN");
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("test/nll", Double.POSITIVE_INFINITY);
        assertThatThrownBy(() -> new MetricSet(m, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("metric test/nll is Infinity");
        MetricSet empty = new MetricSet(null, null);
        assertThat(empty.metrics()).isEmpty();
        assertThat(empty.reliability()).isEmpty();
        assertThatThrownBy(() -> empty.get("test/ece"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no metric named test/ece");
        assertThat(empty.with("a/b", 1.0).get("a/b")).isEqualTo(1.0);
    }

    @Test
    void classifierEvaluationCollectsTheHandWorkedValues() {
        // numbers from the hand-worked case in CalibrationTest / ClassificationMetricsTest
        double[][] soft = {{1, 0}, {0.2, 0.8}, {0.5, 0.5}, {0.6, 0.4}, {0, 1}};
        MetricSet set = ClassifierEvaluation.evaluate("test", CalibrationTest.P, CalibrationTest.Y, soft);
        assertThat(set.metrics().keySet())
                .containsExactly(
                        MetricNames.TEST_ACCURACY,
                        MetricNames.TEST_ECE,
                        MetricNames.TEST_ECE_TRUE_CLASS,
                        MetricNames.TEST_OVERCONFIDENCE,
                        MetricNames.TEST_NLL,
                        MetricNames.TEST_BRIER,
                        MetricNames.TEST_PRECISION,
                        MetricNames.TEST_RECALL,
                        MetricNames.TEST_SOFT_CE,
                        MetricNames.TEST_SOFT_KL);
        assertThat(set.get(MetricNames.TEST_ACCURACY)).isCloseTo(0.6, within(1e-12));
        assertThat(set.get(MetricNames.TEST_ECE)).isCloseTo(0.44, within(1e-12));
        assertThat(set.get(MetricNames.TEST_ECE_TRUE_CLASS)).isCloseTo(0.24, within(1e-12));
        assertThat(set.get(MetricNames.TEST_OVERCONFIDENCE)).isCloseTo(0.234, within(1e-12));
        assertThat(set.get(MetricNames.TEST_BRIER)).isCloseTo(0.554, within(1e-12));
        // preds [0,0,1,1,1] vs labels [0,1,1,0,1]: class 0 P = 1/2, R = 1/2 ; class 1 P = 2/3, R = 2/3 -> 7/12 both
        assertThat(set.get(MetricNames.TEST_PRECISION)).isCloseTo(7.0 / 12, within(1e-12));
        assertThat(set.get(MetricNames.TEST_RECALL)).isCloseTo(7.0 / 12, within(1e-12));
        // soft CE = −(ln .95 + (.2 ln .9 + .8 ln .1) + (.5 ln .35 + .5 ln .65) + (.6 ln .4 + .4 ln .6) + ln .7)/5
        double ce = -(Math.log(0.95)
                        + (0.2 * Math.log(0.9) + 0.8 * Math.log(0.1))
                        + (0.5 * Math.log(0.35) + 0.5 * Math.log(0.65))
                        + (0.6 * Math.log(0.4) + 0.4 * Math.log(0.6))
                        + Math.log(0.7))
                / 5;
        assertThat(set.get(MetricNames.TEST_SOFT_CE)).isCloseTo(ce, within(1e-12));
        // NLL of the hard labels [0,1,1,0,1] = −(ln .95 + ln .1 + ln .65 + ln .4 + ln .7)/5 = 0.811525395857…
        // (python3: -(log(.95)+log(.1)+log(.65)+log(.4)+log(.7))/5)
        assertThat(set.get(MetricNames.TEST_NLL)).isCloseTo(0.8115253958573876, within(1e-12));
        // KL(q‖p) = mean of Σ q ln(q/p), 0·ln 0 = 0: ln(1/.95) + (.2 ln(.2/.9) + .8 ln(.8/.1))
        // + (.5 ln(.5/.35) + .5 ln(.5/.65)) + (.6 ln(.6/.4) + .4 ln(.4/.6)) + ln(1/.7), over 5 = 0.379790870734…
        assertThat(set.get(MetricNames.TEST_SOFT_KL)).isCloseTo(0.3797908707344301, within(1e-12));
        // the two soft metrics differ by the labels' mean entropy (CE = H(q) + KL), so swapped wiring would show
        double entropy =
                -(0.2 * Math.log(0.2) + 0.8 * Math.log(0.8) + Math.log(0.5) + 0.6 * Math.log(0.6) + 0.4 * Math.log(0.4))
                        / 5;
        assertThat(set.get(MetricNames.TEST_SOFT_CE) - set.get(MetricNames.TEST_SOFT_KL))
                .isCloseTo(entropy, within(1e-12));
        assertThat(set.reliability()).hasSize(10);
        assertThat(ClassifierEvaluation.evaluate("val", CalibrationTest.P, CalibrationTest.Y, null)
                        .metrics())
                .hasSize(8)
                .containsKey("val/ece");
    }
}
