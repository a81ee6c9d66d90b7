package io.softcifar.ml.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.softcifar.ml.data.LabeledImages;
import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.model.Method;
import io.softcifar.ml.train.Augmentation;
import io.softcifar.ml.train.EngineSetup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An evaluation whose thread budget changes between batches (the evaluator beside a trainer that starts and ends
 * runs): each batch runs at the count the budget gave just before it, the range is reported, the thread gets its
 * count back, and the metrics are those of a fixed count up to float rounding.
 */
class EvaluationThreadsTest {

    @AfterEach
    void removeBudget() {
        EvaluationThreads.install(null);
    }

    private static Augmentation norm(NDManager m) {
        return new Augmentation(m, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f});
    }

    @Test
    void eachBatchRunsAtTheCountTheBudgetGaveBeforeIt() {
        EngineSetup.useThreads(1);
        int[] budgets = {2, 1, 2, 2};
        AtomicInteger asked = new AtomicInteger();
        EvaluationThreads.install(() -> budgets[asked.getAndIncrement()]);
        List<Integer> seen = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray images = m.zeros(new Shape(7, 3, 32, 32), DataType.UINT8);
            EvaluationThreads.begin(1);
            NormalizedBatches.forEach(images, 2, norm(m), m, (x, from, to) -> seen.add(JniUtils.getNumThreads()));
            EvaluationThreads.Used used = EvaluationThreads.end(1);
            assertThat(asked.get()).as("one question per batch of 2 out of 7").isEqualTo(4);
            assertThat(seen).containsExactly(2, 1, 2, 2);
            assertThat(used).isEqualTo(new EvaluationThreads.Used(1, 2));
            assertThat(used.varied()).isTrue();
            assertThat(JniUtils.getNumThreads()).as("restored").isEqualTo(1);
        }
    }

    @Test
    void withoutABudgetOrOutsideAnEvaluationNothingChanges() {
        EngineSetup.useThreads(1);
        List<Integer> seen = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray images = m.zeros(new Shape(4, 3, 32, 32), DataType.UINT8);
            EvaluationThreads.begin(1);
            NormalizedBatches.forEach(images, 2, norm(m), m, (x, from, to) -> seen.add(JniUtils.getNumThreads()));
            assertThat(EvaluationThreads.end(1)).isEqualTo(new EvaluationThreads.Used(1, 1));
            // a budget, but no evaluation begun on this thread (a benchmark's own loop): not asked, not applied
            EvaluationThreads.install(() -> 2);
            NormalizedBatches.forEach(images, 2, norm(m), m, (x, from, to) -> seen.add(JniUtils.getNumThreads()));
        }
        assertThat(seen).containsExactly(1, 1, 1, 1);
    }

    @Test
    void aChangingCountGivesTheMetricsOfAFixedOne() {
        SoftLabelDataset data = TrainedModels.dataset();
        Map<String, LabeledImages> ood = Map.of("svhn", OodSets.load("svhn", TrainedModels.svhnFile()));
        EvaluationOptions options =
                EvaluationOptions.defaults().withBatchSize(8).withMcSamples(3);
        EngineSetup.useThreads(1);
        EvaluationResult fixed = Evaluator.evaluate(TrainedModels.checkpoint(Method.DROPOUT), data, ood, options);

        AtomicInteger asked = new AtomicInteger();
        EvaluationThreads.install(() -> 1 + asked.getAndIncrement() % 2);
        EvaluationThreads.begin(1);
        EvaluationResult varying = Evaluator.evaluate(TrainedModels.checkpoint(Method.DROPOUT), data, ood, options);
        EvaluationThreads.Used used = EvaluationThreads.end(1);

        assertThat(asked.get()).as("inference and FGSM batches asked").isGreaterThan(8);
        assertThat(used).isEqualTo(new EvaluationThreads.Used(1, 2));
        assertThat(varying.metrics().metrics().keySet())
                .isEqualTo(fixed.metrics().metrics().keySet());
        fixed.metrics()
                .metrics()
                .forEach((name, v) ->
                        assertThat(varying.metrics().get(name)).as(name).isCloseTo(v, within(1e-4)));
    }
}
