package io.softcifar.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    private final LearningRateSchedule schedule =
            new LearningRateSchedule(0.05, 5, List.of(50, 100, 150, 190, 210, 230), 0.5, 10);

    @Test
    void warmsUpLinearlyPerStepOverFiveEpochs() {
        // 5 epochs × 10 steps = 50 warm-up steps; step k (0-based, counted across epochs) gets 0.05·(k+1)/50
        assertThat(schedule.rate(0, 0)).isCloseTo(0.05 * 1 / 50, within(1e-12));
        assertThat(schedule.rate(2, 4)).isCloseTo(0.05 * 25 / 50, within(1e-12));
        assertThat(schedule.rate(4, 9)).isCloseTo(0.05, within(1e-12));
        assertThat(schedule.rate(5, 0)).isCloseTo(0.05, within(1e-12));
    }

    @Test
    void halvesAtEachMilestone() {
        assertThat(schedule.rate(49, 3)).isCloseTo(0.05, within(1e-12));
        assertThat(schedule.rate(50, 0)).isCloseTo(0.025, within(1e-12));
        assertThat(schedule.rate(149, 0)).isCloseTo(0.0125, within(1e-12));
        assertThat(schedule.rate(150, 0)).isCloseTo(0.00625, within(1e-12));
        assertThat(schedule.rate(229, 9)).isCloseTo(0.05 / 32, within(1e-12));
    }
}
