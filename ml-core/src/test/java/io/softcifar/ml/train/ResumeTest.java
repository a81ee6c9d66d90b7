package io.softcifar.ml.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.model.Method;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Resuming from an epoch checkpoint gives the same final weights as an uninterrupted run (CPU). */
class ResumeTest {

    private static final String STEM = "model/backbone.stem.weight";
    /** 100 × the tolerance of the equality check: weights that moved less would make that check vacuous. */
    private static final double MOVED_FLOOR = 1e-3;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1} {2} nesterov={3}")
    @CsvSource({
        "BASIC, SOFT, NONE, false",
        "BASIC, SOFT, NONE, true",
        "BASIC, HARD, MIXUP, false",
        "DROPOUT, SOFT, CUTMIX, false",
        "SNGP, SOFT, NONE, false",
        "DUQ, HARD, NONE, false"
    })
    void threeEpochsStraightEqualOnePlusResumedTwo(
            Method method, LabelMode labels, Mixing.Kind mixing, boolean nesterov) {
        SoftLabelDataset ds = TrainTestData.dataset(400);
        TrainConfig config =
                TrainTestData.tiny(method, labels, 3).withLimit(160).withNesterov(nesterov);
        if (mixing != Mixing.Kind.NONE) {
            config = config.withMixing(new Mixing(mixing, 1.0, 0.5));
        }
        TrainingData data = TrainTestData.prepare(ds, config);

        Path straight = dir.resolve("straight");
        TrainResult full = Trainer.train(config, data, Trainer.Options.defaults(straight), null);
        assertThat(full.epochsRun()).isEqualTo(3);

        Path split = dir.resolve("interrupted");
        TrainResult first =
                Trainer.train(config, data, Trainer.Options.defaults(split).withStopAfterEpochs(1), null);
        assertThat(first.epochsRun()).isEqualTo(1);
        Map<String, float[]> afterOne = weights(split.resolve(Trainer.LAST));
        TrainResult rest = Trainer.train(config, data, Trainer.Options.defaults(split), null);
        assertThat(rest.resumedFromEpoch()).isEqualTo(1);
        assertThat(rest.epochsRun()).isEqualTo(3);
        assertThat(rest.history()).hasSize(3);

        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> a =
                    Checkpoint.read(straight.resolve(Trainer.LAST), m).tensors();
            Map<String, NDArray> b =
                    Checkpoint.read(split.resolve(Trainer.LAST), m).tensors();
            assertThat(b.keySet()).isEqualTo(a.keySet());
            assertThat(a).isNotEmpty();
            for (String name : a.keySet()) {
                float[] x = a.get(name)
                        .toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                        .toFloatArray();
                float[] y = b.get(name)
                        .toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                        .toFloatArray();
                double maxDiff = 0;
                for (int i = 0; i < x.length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(x[i] - y[i]));
                }
                assertThat(maxDiff).as("tensor %s", name).isLessThanOrEqualTo(1e-5);
            }
        }
        // the resumed epochs did move the weights (otherwise equal final weights would prove nothing): the largest
        // change from the epoch-1 checkpoint to the end is far above the 1e-5 the two runs may differ by
        Map<String, float[]> end = weights(split.resolve(Trainer.LAST));
        assertThat(end).containsKey(STEM);
        double moved = maxAbsDiff(afterOne.get(STEM), end.get(STEM));
        System.out.printf(
                "ResumeTest %s %s %s nesterov=%s: max |change| of %s over epochs 2-3 = %.3g%n",
                method, labels, mixing, nesterov, STEM, moved);
        assertThat(moved).as("max |Δ| of %s over epochs 2-3", STEM).isGreaterThan(MOVED_FLOOR);
        assertThat(rest.history().get(2).trainLoss())
                .isEqualTo(full.history().get(2).trainLoss());
    }

    private static Map<String, float[]> weights(Path checkpoint) {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, float[]> out = new java.util.TreeMap<>();
            Checkpoint.read(checkpoint, m)
                    .tensors()
                    .forEach((name, t) -> out.put(
                            name,
                            t.toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                                    .toFloatArray()));
            return out;
        }
    }

    private static double maxAbsDiff(float[] x, float[] y) {
        assertThat(y).hasSameSizeAs(x);
        double max = 0;
        for (int i = 0; i < x.length; i++) {
            max = Math.max(max, Math.abs(x[i] - y[i]));
        }
        return max;
    }

    /** A checkpoint header written before {@code nesterov} existed still reads (as plain momentum) and resumes. */
    @org.junit.jupiter.api.Test
    void aHeaderWithoutNesterovReadsAsPlainMomentum() throws Exception {
        TrainConfig plain =
                TrainConfig.protocol(Method.SNGP, LabelMode.HARD).withMixing(new Mixing(Mixing.Kind.MIXUP, 0.2, 0.15));
        com.fasterxml.jackson.databind.node.ObjectNode tree = Checkpoint.JSON.valueToTree(plain);
        assertThat(tree.get("nesterov").asBoolean()).isFalse();
        tree.remove("nesterov");
        assertThat(Checkpoint.JSON.treeToValue(tree, TrainConfig.class)).isEqualTo(plain);
        TrainConfig nesterov = plain.withNesterov(true);
        assertThat(Checkpoint.JSON.readValue(Checkpoint.JSON.writeValueAsString(nesterov), TrainConfig.class))
                .isEqualTo(nesterov)
                .isNotEqualTo(plain);
    }

    /** A header written before {@code precision} existed reads as fp32; bf16 round-trips. */
    @org.junit.jupiter.api.Test
    void aHeaderWithoutPrecisionReadsAsFp32() throws Exception {
        TrainConfig fp32 = TrainConfig.protocol(Method.DUQ, LabelMode.SOFT);
        com.fasterxml.jackson.databind.node.ObjectNode tree = Checkpoint.JSON.valueToTree(fp32);
        assertThat(tree.get("precision").asText()).isEqualTo("FP32");
        tree.remove("precision");
        assertThat(Checkpoint.JSON.treeToValue(tree, TrainConfig.class)).isEqualTo(fp32);
        TrainConfig bf16 = fp32.withPrecision(io.softcifar.ml.model.Precision.BF16);
        assertThat(Checkpoint.JSON.readValue(Checkpoint.JSON.writeValueAsString(bf16), TrainConfig.class))
                .isEqualTo(bf16)
                .isNotEqualTo(fp32);
    }
}
