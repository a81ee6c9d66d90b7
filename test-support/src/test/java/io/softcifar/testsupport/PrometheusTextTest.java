package io.softcifar.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    private static final String EXPOSITION = """
            # HELP softcifar_trainer_runs_total training requests by outcome
            # TYPE softcifar_trainer_runs_total counter
            softcifar_trainer_runs_total{outcome="finished",replica="a"} 2.0
            softcifar_trainer_runs_total{outcome="finished",replica="b"} 3.0
            softcifar_trainer_runs_total{outcome="failed",replica="a"} 1.0
            softcifar_trainer_runs_total_created{outcome="finished"} 1.7E9
            # TYPE softcifar_trainer_requests_backlog gauge
            softcifar_trainer_requests_backlog 4.0
            """;

    @Test
    void sumsTheSamplesWithTheGivenLabels() {
        assertThat(PrometheusText.sum(EXPOSITION, "softcifar_trainer_runs_total", "outcome", "finished"))
                .hasValue(5.0);
        assertThat(PrometheusText.sum(EXPOSITION, "softcifar_trainer_runs_total"))
                .hasValue(6.0);
        assertThat(PrometheusText.sum(EXPOSITION, "softcifar_trainer_runs_total", "outcome", "failed", "replica", "a"))
                .hasValue(1.0);
        assertThat(PrometheusText.sum(EXPOSITION, "softcifar_trainer_requests_backlog"))
                .hasValue(4.0);
    }

    @Test
    void noMatchingSampleIsEmptyNotZero() {
        assertThat(PrometheusText.sum(EXPOSITION, "softcifar_trainer_runs_total", "outcome", "cancelled"))
                .isEmpty();
        assertThat(PrometheusText.sum(EXPOSITION, "softcifar_trainer_runs")).isEmpty();
        assertThatThrownBy(() -> PrometheusText.sum(EXPOSITION, "softcifar_trainer_runs_total", "outcome"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pairs");
    }
}
