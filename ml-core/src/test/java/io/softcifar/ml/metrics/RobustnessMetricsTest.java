package io.softcifar.ml.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RobustnessMetricsTest {

    @Test
    void handWorked() {
        // correct before: 0, 1, 2, 4 (4 points) ; of those wrong after: 1, 4 -> 2/4
        // point 3 was wrong before; its "after" (correct) is ignored
        boolean[] before = {true, true, true, false, true};
        boolean[] after = {true, false, true, true, false};
        assertThat(RobustnessMetrics.fgsmDecrease(before, after)).isEqualTo(0.5);
    }

    @Test
    void noCorrectPointsGivesZero() {
        assertThat(RobustnessMetrics.fgsmDecrease(new boolean[] {false, false}, new boolean[] {true, false}))
                .isZero();
    }

    @Test
    void rejectsBadInputs() {
        assertThatThrownBy(() -> RobustnessMetrics.fgsmDecrease(new boolean[] {true}, new boolean[] {true, false}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("correctBefore has length 1 but correctAfter has length 2");
        assertThatThrownBy(() -> RobustnessMetrics.fgsmDecrease(new boolean[0], new boolean[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("correctBefore is empty");
    }
}
