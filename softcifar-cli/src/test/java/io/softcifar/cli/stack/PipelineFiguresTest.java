package io.softcifar.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The arithmetic of {@code bench pipeline}, against figures worked out by hand. */
class PipelineFiguresTest {

    @Test
    void theOverheadIsTheWallTimeOverTheRunsOwnWorkMeasuredAlone() {
        List<PipelineFigures.RunTimes> alone = List.of(
                new PipelineFigures.RunTimes("basic/soft", 10, 5, 20, 1.25, 900, 1),
                new PipelineFigures.RunTimes("sngp/soft", 30, 15, 50, 0.75, -1, 0));
        // together: the runs' own times are longer (they shared the cores) and do not enter the ratio
        List<PipelineFigures.RunTimes> together = List.of(
                new PipelineFigures.RunTimes("basic/soft", 14, 9, 30, 1.5, 1400, 2),
                new PipelineFigures.RunTimes("sngp/soft", 40, 20, 66, 16.0, 1450, 2));
        PipelineFigures f =
                new PipelineFigures(CoreSplit.whole(2), CoreSplit.auto(2), 20, 30, 10, 66, 70, alone, together, 1.5, 4);
        // own work 10 + 5 + 30 + 15 = 60 s; 66 s of wall: 1.10
        assertThat(f.ownSeconds()).isEqualTo(60.0);
        assertThat(f.overhead()).isCloseTo(1.10, within(1e-12));
        // a run alone: 20 s end to end of which 15 s its own work, 5 s pipeline
        assertThat(alone.get(0).pipelineSeconds()).isEqualTo(5.0);
        assertThat(alone.get(1).pipelineSeconds()).isEqualTo(5.0);
        // submit -> first step: together, the first run's (1.5 s; the other waited for a slot); alone, the median
        // of 1.25 and 0.75
        assertThat(f.json()).containsEntry("submitToFirstStepSeconds", 1.5);
        assertThat(f.json()).containsEntry("submitToFirstStepAloneSeconds", 1.0);
    }

    @Test
    void theTrainersPeakMemoryIsShownWithTheRunsItThenHad() {
        assertThat(PipelineFigures.peak(new PipelineFigures.RunTimes("a", 1, 1, 3, 0.5, 1400, 2)))
                .isEqualTo("1400 (2 runs)");
        assertThat(PipelineFigures.peak(new PipelineFigures.RunTimes("a", 1, 1, 3, 0.5, 900, 1)))
                .isEqualTo("900 (1 run)");
        // a trainer that reports no memory (not Linux, or an older trainer)
        assertThat(PipelineFigures.peak(new PipelineFigures.RunTimes("a", 1, 1, 3, 0.5, -1, 0)))
                .isEqualTo("-");
    }

    @Test
    void theFirstStepIsTheTrainersFirstStepAtLessTheSubmitTime() throws Exception {
        JsonNode run = StackClient.json().readTree("{\"firstStepAt\": \"2026-12-04T20:30:01.750Z\"}");
        assertThat(PipelinePass.firstStep(run, java.time.Instant.parse("2026-12-04T20:30:00Z")))
                .isCloseTo(1.75, within(1e-9));
        JsonNode before = StackClient.json().readTree("{\"firstStepAt\": null}");
        assertThatThrownBy(() -> PipelinePass.firstStep(before, java.time.Instant.EPOCH))
                .hasMessageStartingWith("the trainer's view of the run has no firstStepAt");
    }

    @Test
    void theEvaluationSecondsAreTheEvaluatorsTotal() throws Exception {
        JsonNode metrics = StackClient.json()
                .readTree("{\"timing\": {\"setupSeconds\": 1.5, \"testSeconds\": 2.0, \"totalSeconds\": 4.25}}");
        assertThat(PipelinePass.evaluationSeconds(metrics)).isEqualTo(4.25);
        JsonNode none = StackClient.json().readTree("{\"timing\": {\"testSeconds\": 2.0}}");
        assertThatThrownBy(() -> PipelinePass.evaluationSeconds(none))
                .hasMessageStartingWith("the evaluator's metrics.json has no timing.totalSeconds");
    }
}
