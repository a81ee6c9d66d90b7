package io.softcifar.ml.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.softcifar.ml.data.InvalidDataException;
import io.softcifar.ml.data.LabeledImages;
import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.data.Split;
import io.softcifar.ml.data.Splits;
import io.softcifar.ml.data.shard.LabeledShard;
import io.softcifar.ml.model.Method;
import io.softcifar.ml.train.Checkpoint;
import io.softcifar.ml.train.EngineSetup;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shard path gives exactly what the folder path gives: the same checkpoint evaluated by {@link Evaluator} on the
 * whole synthetic dataset (which cuts the seeded test split itself) and by {@link ShardEvaluator} on that test split
 * cut out beforehand, as a dataset's test shards hold it.
 */
class ShardEvaluatorTest {

    @Test
    void theTestSplitCutOutGivesTheSameResultAsTheWholeDataset() {
        Path checkpoint = TrainedModels.checkpoint(Method.BASIC);
        SoftLabelDataset data = TrainedModels.dataset();
        EvaluationOptions options = EvaluationOptions.defaults().withFgsmEpsilons(List.of(0.005, 0.05));
        EvaluationResult whole = Evaluator.evaluate(checkpoint, data, ood(), options);

        Split split = Splits.seeded(data.size(), TrainedModels.RUN_SEED);
        LabeledShard test = new LabeledShard(data.subset(split.test()), split.test());
        EvaluationResult shards;
        EngineSetup.engine();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            shards = ShardEvaluator.evaluate(
                    Checkpoint.read(checkpoint, m),
                    "runs/r/checkpoints/best.ckpt",
                    test,
                    ood(),
                    options,
                    Evaluator.Listener.NONE);
        }

        assertThat(shards.metrics().metrics()).isEqualTo(whole.metrics().metrics());
        assertThat(shards.metrics().reliability()).isEqualTo(whole.metrics().reliability());
        assertThat(shards.testIndices()).containsExactly(split.test());
        assertThat(shards.testLabels()).containsExactly(whole.testLabels());
        assertThat(shards.test().probabilities()).containsExactly(whole.test().probabilities());
        assertThat(shards.ood().get("svhn").indices())
                .containsExactly(whole.ood().get("svhn").indices());
        assertThat(shards.info().checkpoint()).isEqualTo("runs/r/checkpoints/best.ckpt");
        assertThat(shards.info().testCount()).isEqualTo(split.test().length);
    }

    @Test
    void aTestSplitOfAnotherClassCountIsRejected() {
        Path checkpoint = TrainedModels.checkpoint(Method.BASIC);
        SoftLabelDataset data = TrainedModels.dataset();
        int[] idx = {0, 1, 2, 3};
        SoftLabelDataset nine = new SoftLabelDataset(
                data.images().subset(idx), io.softcifar.ml.data.SoftLabels.oneHot("nine", new int[] {0, 1, 2, 3}, 9));
        EngineSetup.engine();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Checkpoint.Loaded loaded = Checkpoint.read(checkpoint, m);
            assertThatThrownBy(() -> ShardEvaluator.evaluate(
                            loaded, "ckpt", new LabeledShard(nine, idx), Map.of(), EvaluationOptions.defaults(), null))
                    .isInstanceOf(InvalidDataException.class)
                    .hasMessageContaining("9 classes");
        }
    }

    private static Map<String, LabeledImages> ood() {
        Map<String, LabeledImages> ood = new LinkedHashMap<>();
        ood.put("svhn", OodSets.load("svhn", TrainedModels.svhnFile()));
        ood.put("cifar100", OodSets.load("cifar100", TrainedModels.cifar100File()));
        return ood;
    }
}
