package io.softcifar.results.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The paired soft − hard difference against hand calculation and a closed form of Student's t with 3 degrees of
 * freedom: F(t) = 1/2 + (1/π)·[ (t/√3)/(1 + t²/3) + atan(t/√3) ] (e.g. Abramowitz & Stegun 26.7.3 for odd ν).
 */
class PairedDifferenceTest {

    /** Two-sided p-value for 3 degrees of freedom from the closed form, independent of the code under test. */
    private static double pValue3(double t) {
        double x = Math.abs(t) / Math.sqrt(3);
        double cdf = 0.5 + (x / (1 + x * x) + Math.atan(x)) / Math.PI;
        return 2 * (1 - cdf);
    }

    @Test
    void fourSeedsGiveTheHandComputedMeanErrorTAndP() {
        // differences 1, 2, 3, 4: mean 2.5; squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5, s² = 5/3,
        // SE = √(5/3)/2 = 0.6454972243679028, t = 2.5 / SE = 3.872983346207417
        PairedDifference d = PairedDifference.of(
                "test/accuracy",
                Map.of(0L, 0.61, 1L, 0.72, 2L, 0.83, 3L, 0.94),
                Map.of(0L, 0.60, 1L, 0.70, 2L, 0.80, 3L, 0.90));
        // in hundredths: 1, 2, 3, 4
        assertThat(d.n()).isEqualTo(4);
        assertThat(d.seeds()).containsExactly(0L, 1L, 2L, 3L);
        assertThat(d.mean()).isCloseTo(0.025, within(1e-12));
        assertThat(d.stdErr()).isCloseTo(0.006454972243679028, within(1e-12));
        assertThat(d.t()).isCloseTo(3.872983346207417, within(1e-9));
        assertThat(d.pValue()).isCloseTo(pValue3(3.872983346207417), within(1e-9));
        assertThat(d.pValue()).isBetween(0.02, 0.05); // t-table, ν = 3: 3.182 (p = 0.05) < t < 4.541 (p = 0.02)
    }

    @Test
    void theFivePercentCriticalValueOfTheTableGivesFivePercent() {
        // differences −c, 0, +c shifted so that t = 3.182446 (the tabulated two-sided 5 % value for ν = 3)
        // with 4 values a, a+1, a+2, a+3: SE = 0.6454972, mean = a + 1.5, so a = 3.182446·SE − 1.5
        double a = 3.182446 * Math.sqrt(5.0 / 3) / 2 - 1.5;
        PairedDifference d = PairedDifference.of(
                "m", Map.of(1L, a, 2L, a + 1, 3L, a + 2, 4L, a + 3), Map.of(1L, 0.0, 2L, 0.0, 3L, 0.0, 4L, 0.0));
        assertThat(d.t()).isCloseTo(3.182446, within(1e-9));
        assertThat(d.pValue()).isCloseTo(0.05, within(1e-5));
    }

    @Test
    void onlySeedsBothSidesHaveArePairedAndBelowThreeNothingIsComputed() {
        PairedDifference d =
                PairedDifference.of("m", Map.of(0L, 1.0, 1L, 2.0, 7L, 5.0), Map.of(0L, 0.5, 1L, 1.0, 8L, 4.0));
        assertThat(d.n()).isEqualTo(2);
        assertThat(d.seeds()).containsExactly(0L, 1L);
        assertThat(d.mean()).isNull();
        assertThat(d.stdErr()).isNull();
        assertThat(d.t()).isNull();
        assertThat(d.pValue()).isNull();
    }

    @Test
    void identicalDifferencesHaveAMeanButNoTest() {
        PairedDifference d =
                PairedDifference.of("m", Map.of(0L, 1.5, 1L, 2.5, 2L, 3.5), Map.of(0L, 1.0, 1L, 2.0, 2L, 3.0));
        assertThat(d.mean()).isCloseTo(0.5, within(1e-12));
        assertThat(d.stdErr()).isCloseTo(0.0, within(1e-12));
        assertThat(d.t()).isNull();
        assertThat(d.pValue()).isNull();
    }

    @Test
    void differencesEqualUpToRoundingHaveNoTest() {
        // 0.05 − 0.02, 0.07 − 0.04, 0.06 − 0.03 are 0.03 each on paper; in doubles they differ in the 17th digit
        PairedDifference d =
                PairedDifference.of("m", Map.of(0L, 0.05, 1L, 0.07, 2L, 0.06), Map.of(0L, 0.02, 1L, 0.04, 2L, 0.03));
        assertThat(d.mean()).isCloseTo(0.03, within(1e-15));
        assertThat(d.t()).isNull();
        assertThat(d.pValue()).isNull();
    }

    @Test
    void nonFiniteValuesAreLeftOut() {
        PairedDifference d = PairedDifference.of(
                "m", Map.of(0L, Double.NaN, 1L, 2.0, 2L, 3.0, 3L, 4.5), Map.of(0L, 1.0, 1L, 1.0, 2L, 1.0, 3L, 1.0));
        assertThat(d.seeds()).containsExactly(1L, 2L, 3L);
        // differences 1, 2, 3.5: mean 6.5/3
        assertThat(d.mean()).isCloseTo(6.5 / 3, within(1e-12));
    }
}
