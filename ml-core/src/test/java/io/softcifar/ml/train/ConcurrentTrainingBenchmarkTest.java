package io.softcifar.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.pytorch.jni.JniUtils;
import io.softcifar.ml.model.Method;
import io.softcifar.ml.model.Precision;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code bench train --concurrent K}: the summary arithmetic against figures worked by hand, and two real runs at
 * once, each with its own thread count, overlapping in time, while the calling thread keeps its own count.
 */
class ConcurrentTrainingBenchmarkTest {

    private static final TrainingBenchmark.Settings TINY = new TrainingBenchmark.Settings(
            Method.BASIC, 8, 1, 3, false, "cpu", NesterovSgd.Kernel.FUSED, null, Precision.FP32);

    @Test
    void theAggregateIsAllImagesOverTheWallTimeAndTheOverlapTheShareWhenAllRan() {
        // run A times 0 s .. 2 s, run B 1 s .. 4 s, each 10 steps of 8 images: 160 images in 4 s = 40/s;
        // both ran from 1 s to 2 s: overlap 1 s of 4 s
        TrainingBenchmark.Settings tenSteps = new TrainingBenchmark.Settings(
                Method.BASIC, 8, 1, 10, false, "cpu", NesterovSgd.Kernel.FUSED, null, Precision.FP32);
        TrainingBenchmark.Result result = new TrainingBenchmark.Result(tenSteps, 0, 0, 0, Map.of(), 1, true, "cpu()");
        List<TrainingBenchmark.Timed> timed = List.of(
                new TrainingBenchmark.Timed(result, 0, 2_000_000_000L),
                new TrainingBenchmark.Timed(result, 1_000_000_000L, 4_000_000_000L));
        ConcurrentTrainingBenchmark.Result summary =
                ConcurrentTrainingBenchmark.summarize(2, 1, timed, 100_000, 300_000);
        assertThat(summary.imagesPerSecond()).isCloseTo(40.0, within(1e-9));
        assertThat(summary.overlap()).isCloseTo(0.25, within(1e-9));
        assertThat(summary.residentKibPerRun()).isEqualTo(100_000);
        // runs that took turns (B started when A had ended) do not overlap at all
        List<TrainingBenchmark.Timed> turns = List.of(
                new TrainingBenchmark.Timed(result, 0, 2_000_000_000L),
                new TrainingBenchmark.Timed(result, 2_000_000_000L, 4_000_000_000L));
        assertThat(ConcurrentTrainingBenchmark.summarize(2, 1, turns, -1, 5).overlap())
                .isZero();
        assertThat(ConcurrentTrainingBenchmark.summarize(2, 1, turns, -1, 5).residentKibPerRun())
                .isEqualTo(-1);
    }

    @Test
    void twoRunsAtOnceEachUseTheirOwnThreadCountAndOverlap() {
        EngineSetup.engine();
        int original = JniUtils.getNumThreads();
        EngineSetup.useThreads(3); // a count no run uses, whatever this machine's cores
        ConcurrentTrainingBenchmark.Result result;
        try {
            result = ConcurrentTrainingBenchmark.run(TINY, 2, 1);
            // the calling thread's operators keep the count they had: the count is per thread
            assertThat(JniUtils.getNumThreads()).isEqualTo(3);
        } finally {
            EngineSetup.useThreads(original);
        }
        assertThat(result.runs()).hasSize(2);
        assertThat(result.runs()).allSatisfy(run -> {
            assertThat(run.threads()).isEqualTo(1);
            assertThat(run.imagesPerSecond()).isPositive();
        });
        assertThat(result.overlap()).isGreaterThan(0.0);
        // the aggregate cannot exceed the sum of the runs' own rates (each run's window lies within the wall time)
        double sum = result.runs().stream()
                .mapToDouble(TrainingBenchmark.Result::imagesPerSecond)
                .sum();
        assertThat(result.imagesPerSecond()).isPositive().isLessThanOrEqualTo(sum * (1 + 1e-9));
    }
}
