package io.softcifar.evaluator.service;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.softcifar.contracts.dataset.DatasetManifest;
import io.softcifar.contracts.dataset.SeedEntry;
import io.softcifar.contracts.events.CheckpointPublished;
import io.softcifar.ml.data.InvalidDataException;
import io.softcifar.ml.data.LabeledImages;
import io.softcifar.ml.data.shard.LabeledShard;
import io.softcifar.ml.eval.EvaluationOptions;
import io.softcifar.ml.eval.EvaluationResult;
import io.softcifar.ml.eval.Evaluator;
import io.softcifar.ml.eval.ShardEvaluator;
import io.softcifar.ml.train.Checkpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A downloaded checkpoint evaluated on its dataset: the header read, the seed's test split and the OOD sets fetched,
 * ml-core's {@link ShardEvaluator} run, and this service's notes (normalization mismatch) added to the result. Bad
 * inputs are {@link EvaluationFailure#badInput}s whose message names the file relative to the staging folder.
 */
final class CheckpointEvaluation {

    private CheckpointEvaluation() {}

    static EvaluationResult evaluate(
            CheckpointPublished checkpoint,
            Path checkpointFile,
            DatasetManifest manifest,
            EvaluationInputs inputs,
            EvaluationOptions options,
            Path staging) {
        try (NDManager cpu = NDManager.newBaseManager(Device.cpu())) {
            Checkpoint.Loaded loaded;
            try {
                loaded = Checkpoint.read(checkpointFile, cpu);
            } catch (IllegalArgumentException e) {
                throw EvaluationFailure.badInput(EvaluationInputs.relative(e.getMessage(), staging), e);
            }
            long seed = loaded.header().config().seed();
            SeedEntry seedEntry = EvaluationInputs.seedEntry(manifest, seed);
            List<String> notes = new ArrayList<>();
            normalizationNote(loaded.header(), seedEntry).ifPresent(notes::add);
            LabeledShard test = inputs.testSplit(manifest, seedEntry, staging);
            Map<String, LabeledImages> ood = inputs.oodSets(manifest, staging, notes);
            EvaluationResult result;
            try {
                result = ShardEvaluator.evaluate(loaded, checkpoint.key(), test, ood, options, Evaluator.Listener.NONE);
            } catch (InvalidDataException | IllegalArgumentException e) {
                throw EvaluationFailure.badInput(EvaluationInputs.relative(e.getMessage(), staging), e);
            }
            if (notes.isEmpty()) {
                return result;
            }
            List<String> all = new ArrayList<>(notes);
            all.addAll(result.notes());
            return new EvaluationResult(
                    result.metrics(),
                    result.info(),
                    result.test(),
                    result.testIndices(),
                    result.testLabels(),
                    result.testSoftLabels(),
                    result.testMcProbabilities(),
                    result.ood(),
                    result.fgsm(),
                    result.timing(),
                    List.copyOf(all));
        }
    }

    /** A note when the checkpoint was normalized with other statistics than the manifest's train split of its seed. */
    static Optional<String> normalizationNote(Checkpoint.Header header, SeedEntry seed) {
        if (seed.trainMean() == null
                || seed.trainStd() == null
                || header.mean() == null
                || header.std() == null
                || seed.trainMean().size() != header.mean().length
                || seed.trainStd().size() != header.std().length) {
            return Optional.empty();
        }
        for (int c = 0; c < header.mean().length; c++) {
            if (Math.abs(seed.trainMean().get(c) - header.mean()[c]) > 1e-4
                    || Math.abs(seed.trainStd().get(c) - header.std()[c]) > 1e-4) {
                return Optional.of(String.format(
                        Locale.ROOT,
                        "the checkpoint was normalized with mean %s / std %s but"
                                + " the dataset's train split of seed %d has %s / %s: was it trained on this dataset (or with a"
                                + " limit)?",
                        Arrays.toString(header.mean()),
                        Arrays.toString(header.std()),
                        seed.seed(),
                        seed.trainMean(),
                        seed.trainStd()));
            }
        }
        return Optional.empty();
    }
}
