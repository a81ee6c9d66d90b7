package io.softcifar.ml.eval;

import io.softcifar.ml.data.InvalidDataException;
import io.softcifar.ml.data.LabeledImages;
import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.data.shard.LabeledShard;
import io.softcifar.ml.model.ModelConfig;
import io.softcifar.ml.train.Checkpoint;
import io.softcifar.ml.train.TrainConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link Evaluator} for a test split that is already cut out, as a built dataset stores it (the seed's
 * {@code test-*.npz} shards read by {@code ShardedSplit.load}), instead of a whole CIFAR-10H folder that the evaluator
 * splits itself. Everything after the inputs — predictions, OOD subsets (seeded with the checkpoint's run seed, the
 * size of the test split), FGSM, metrics — is the same code path as {@link Evaluator}, so the two give identical
 * results for the same test images in the same order.
 *
 * <p>The shard's hard labels (argmax of the soft label) are the evaluation labels; its indices (positions in the
 * source file) become {@link EvaluationResult#testIndices()}. No normalization check against the train split is made
 * here (the train images are not given): the caller compares the manifest's train statistics with the checkpoint's.
 */
public final class ShardEvaluator {

    private ShardEvaluator() {}

    /**
     * Evaluates an already loaded checkpoint on a given test split.
     *
     * @param loaded the checkpoint ({@code Checkpoint.read})
     * @param source how to name the checkpoint in the result and in errors (an object key, a path)
     * @param test the test split: images, soft labels, and their indices in the source file
     * @param ood OOD set name ({@code svhn}, {@code cifar100}) → all images of the set; may be empty
     * @throws InvalidDataException if the test split's classes do not fit the model, or an OOD set is empty
     * @throws IllegalArgumentException naming {@code source} if the checkpoint lacks valid normalization statistics,
     *     does not fit its architecture, or its output is not finite
     */
    public static EvaluationResult evaluate(
            Checkpoint.Loaded loaded,
            String source,
            LabeledShard test,
            Map<String, LabeledImages> ood,
            EvaluationOptions options,
            Evaluator.Listener listener) {
        long start = System.nanoTime();
        Checkpoint.Header header = loaded.header();
        TrainConfig config = header.config();
        ModelConfig model = config.model();
        long seed = config.seed();
        String name = source != null ? source : loaded.file().toString();
        List<String> notes = new ArrayList<>();
        SoftLabelDataset data = test.data();
        if (data.numClasses() != model.classes()) {
            throw new InvalidDataException("test split: " + data.numClasses() + " classes, but " + name
                    + " holds a model of " + model.classes() + " classes");
        }
        if (data.size() == 0) {
            throw new InvalidDataException("test split: no images");
        }
        Evaluator.requireStats(name, "mean", header.mean());
        Evaluator.requireStats(name, "std", header.std());
        Evaluator.Inputs inputs = new Evaluator.Inputs(
                data.images(),
                test.indices().clone(),
                data.hardLabels(),
                data.softLabels().toArray(),
                Evaluator.oodSubsets(ood, data.size(), seed, notes));
        return Evaluator.restoreAndRun(loaded, name, data.size(), inputs, options, listener, notes, start);
    }
}
