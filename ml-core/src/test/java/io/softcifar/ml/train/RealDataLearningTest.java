package io.softcifar.ml.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.softcifar.ml.data.Cifar10hFolder;
import io.softcifar.ml.data.LabeledImages;
import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.data.Split;
import io.softcifar.ml.data.Splits;
import io.softcifar.ml.model.CifarNet;
import io.softcifar.ml.model.GpFormulation;
import io.softcifar.ml.model.Method;
import io.softcifar.ml.nn.Autograd;
import io.softcifar.testsupport.Required;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Learning on the real CIFAR-10H data in ../shared/data/cifar10h (skipped, with a message, where it is absent; failed with CI=true).
 * Runs in CI (about 15 minutes on the 2-core CI machine) except the rows of the Maven profile {@code learning-full}.
 */
@Tag("real-data")
class RealDataLearningTest {

    private static SoftLabelDataset dataset;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() {
        Optional<Path> folder = Cifar10hFolder.findSharedCopy();
        Required.present(
                folder.isPresent(),
                "real data not found (../shared/data/cifar10h or -Dsoftcifar.data.cifar10h): skipping real-data tests");
        dataset = Cifar10hFolder.load(folder.get());
    }

    /**
     * Each method, on soft and on hard labels, drives the training loss on one fixed batch of 128 real images below
     * a bar, a fraction of its first step's loss: 10 % (DUQ 20 % and on soft labels 33 %, MC Dropout on soft labels 12 %, see below) (ResNet-20, no augmentation, no weight decay, constant rate). The rate and step
     * count per method were found by trial: SNGP's head (in its liu2020 formulation, which these settings were found
     * with) sees random features of norm 1, so it learns slowly at the protocol's 0.05 (at 0.5 it plateaus just above
     * the 10% bar on soft labels, whose floor is their entropy); dropout's loss is noisy; DUQ's step is the most
     * expensive (double backprop). The reference formulation (features of norm √(D/2), the default) is not covered
     * here: its rate and step count have not been found yet.
     *
     * <p>DUQ's bar is 20 %, not 10 %: with the reference's initialization (W ~ N(0, 2/(L·F)), five times smaller than
     * the DUQ authors' init it replaced, and centroids that the 0.999 EMA barely moves in a few hundred steps) the loss
     * falls more slowly and levels off. Measured on this batch (2026-12-03, the 2-core CI VM): soft labels 18.4 % after
     * 120 steps at lr 0.2 and 12.9 % after 300 (13.2 % at 240, 13.1 % at 270: a plateau), 23.1 % after 150 steps at
     * lr 0.5; hard labels 21.6 % after 120 steps and 16.7 % after 300 at lr 0.2. With the old init the same batch reached 7.3 % / 4.9 % in
     * 120 steps. A DUQ that does not learn stays near 100 %.
     *
     * <p>The soft-label row's bar is 33 %: on another CPU the same seed ends elsewhere. Measured over run seeds 0–3 on
     * an AMD Zen 5 EPYC (2026-12-05, 2-core VM, {@link OverfitSeedDistribution} with
     * {@code -Dsoftcifar.overfit.row=DUQ,SOFT,0.2,300}): 20.46 %, 18.16 %, 14.69 %, 10.91 % (mean 16.05 %, sd 4.17 %);
     * bar = mean + 4 sd = 32.7 %, rounded up. Seed 0, the row's, ended at 20.46 % there, above the 20 % it had, which
     * the Zen 4 VM's runs had passed. The hard-label row (profile {@code learning-full}) keeps 20 %, not re-measured.
     *
     * <p>MC Dropout on soft labels has a bar of 12 %: the 10 % it had was passed by seed 0 alone (9.6 %). Measured over
     * run seeds 0–3 (2026-12-03, 2-core VM under load, {@link OverfitSeedDistribution}, about 5–15 min per seed there):
     * 9.62 %, 10.22 %, 10.19 %, 9.08 % (mean 9.78 %, sd 0.54 %, max 10.22 %); bar = mean + 4 sd = 11.9 %, rounded up.
     * The last loss hardly varies (0.2330–0.2397: the batch's soft labels, whose entropy is the floor) while the first
     * loss, set by the random initialization, does (2.31–2.57), and that drives the ratio. Four seeds are few: rerun
     * {@code -Dsoftcifar.overfit.seeds=50} on an idle machine and replace these figures.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "BASIC, SOFT, 0.05, 60, 0.1",
        "BASIC, HARD, 0.05, 60, 0.1",
        "DROPOUT, SOFT, 0.1, 150, 0.12",
        "DROPOUT, HARD, 0.1, 150, 0.1",
        "SNGP, SOFT, 1.0, 150, 0.1",
        "SNGP, HARD, 1.0, 150, 0.1",
        "DUQ, SOFT, 0.2, 300, 0.33"
    })
    void overfitsAFixedBatchOf128RealImages(Method method, LabelMode labels, double lr, int steps, double bar) {
        overfitsBelowTheBar(method, labels, lr, steps, bar);
    }

    /**
     * The row left out of CI for time: DUQ on hard labels (about 5.5 minutes on the 2-core CI machine; DUQ's learning
     * is still checked in CI by its soft-label row above, which uses the same 300 steps and bar). Maven profile
     * {@code learning-full} ({@code -Dsoftcifar.learning.full=true}):
     * {@code ./mvnw -Plearning-full -pl ml-core -am verify -Dtest=RealDataLearningTest -Dsurefire.failIfNoSpecifiedTests=false}.
     */
    @ParameterizedTest(name = "{0} {1}")
    @EnabledIfSystemProperty(named = "softcifar.learning.full", matches = "true")
    @CsvSource({"DUQ, HARD, 0.2, 300, 0.2"})
    void overfitsAFixedBatchOf128RealImagesLongRows(Method method, LabelMode labels, double lr, int steps, double bar) {
        overfitsBelowTheBar(method, labels, lr, steps, bar);
    }

    private void overfitsBelowTheBar(Method method, LabelMode labels, double lr, int steps, double bar) {
        double[] loss = overfit(dataset, dir, method, labels, lr, steps, 0);
        double start = loss[0];
        double end = loss[1];
        System.out.printf(
                "overfit %s %s: train loss %.4f -> %.4f (%.1f%%)%n", method, labels, start, end, 100 * end / start);
        assertThat(end)
                .as("final train loss vs %.0f%% of the first (%s)", 100 * bar, start)
                .isLessThan(bar * start);
    }

    /**
     * {first, last} training loss of {@code steps} steps on the fixed batch of 128 images (train split of seed 0),
     * with the run seed {@code seed} (initialization, batch order, dropout masks).
     */
    static double[] overfit(
            SoftLabelDataset dataset, Path dir, Method method, LabelMode labels, double lr, int steps, long seed) {
        Split split = Splits.seeded(dataset.size(), 0);
        int[] batch = Arrays.copyOf(split.train(), 128);
        int[] val = Arrays.copyOf(split.val(), 16);
        // one step per "epoch": the same batch every time
        TrainConfig protocol = TrainConfig.protocol(method, labels);
        TrainConfig config = protocol.withModel(protocol.model().withGpFormulation(GpFormulation.LIU2020))
                .withEpochs(steps)
                .withBatchSize(128)
                .withAugment(false)
                .withWarmupEpochs(0)
                .withWeightDecay(0)
                .withLearningRate(lr)
                .withSeed(seed);
        SoftLabelDataset targets = labels == LabelMode.HARD ? dataset.withHardTargets() : dataset;
        TrainingData data = new TrainingData(
                dataset.images().subset(batch),
                targets.softLabels().subset(batch).toFloatArray(),
                dataset.images().subset(val),
                targets.softLabels().subset(val).toFloatArray(),
                hard(dataset, val),
                new float[] {0.49f, 0.48f, 0.45f},
                new float[] {0.25f, 0.24f, 0.26f},
                10);
        Trainer.Options options =
                Trainer.Options.defaults(dir.resolve("overfit-" + seed)).withCheckpointEvery(steps);
        TrainResult result = Trainer.train(config, data, options, null);
        return new double[] {
            result.history().get(0).trainLoss(),
            result.history().get(result.history().size() - 1).trainLoss()
        };
    }

    /** Basic ResNet-20 on soft labels reaches at least 40% test accuracy after 5 epochs on the 8,000-image split (seed 0). */
    @Test
    void basicResNet20OnSoftLabelsReaches40PercentTestAccuracyIn5Epochs() {
        Split split = Splits.seeded(dataset.size(), 0);
        TrainConfig config = TrainConfig.protocol(Method.BASIC, LabelMode.SOFT).withEpochs(5);
        TrainingData data = TrainingData.of(dataset, split, config);
        long start = System.nanoTime();
        TrainResult result = Trainer.train(config, data, Trainer.Options.defaults(dir.resolve("basic5")), null);
        double minutes = (System.nanoTime() - start) / 60e9;
        double accuracy = testAccuracy(result.bestCheckpoint(), split, data);
        System.out.printf(
                "basic ResNet-20, soft labels, 5 epochs: test accuracy %.2f%% (best epoch %d, val acc %.2f%%),"
                        + " %.1f min, %.0f img/s%n",
                100 * accuracy, result.bestEpoch(), 100 * result.bestValAccuracy(), minutes, result.imagesPerSecond());
        assertThat(accuracy).isGreaterThanOrEqualTo(0.40);
    }

    private static int[] hard(SoftLabelDataset dataset, int[] indices) {
        int[] all = dataset.hardLabels();
        return Arrays.stream(indices).map(i -> all[i]).toArray();
    }

    /** Accuracy on the 1,500 test images against hard labels, counted here from the model's argmax. */
    private double testAccuracy(Path checkpoint, Split split, TrainingData data) {
        LabeledImages test = dataset.images().subset(split.test());
        int[] labels = hard(dataset, split.test());
        try (NDManager m = NDManager.newBaseManager()) {
            Checkpoint.Loaded loaded = Checkpoint.read(checkpoint, m);
            CifarNet net = new CifarNet(m, loaded.modelConfig(), 0);
            CheckpointRestore.model(loaded, net);
            Augmentation norm = new Augmentation(m, data.mean(), data.std());
            int correct = 0;
            for (int from = 0; from < test.count(); from += 500) {
                int to = Math.min(test.count(), from + 500);
                try (NDManager sm = m.newSubManager()) {
                    byte[] pixels = Arrays.copyOfRange(
                            test.pixels(), from * LabeledImages.IMAGE_BYTES, to * LabeledImages.IMAGE_BYTES);
                    NDArray x = norm.normalize(Augmentation.toUnitRange(sm.create(
                            java.nio.ByteBuffer.wrap(pixels),
                            new Shape(to - from, 3, 32, 32),
                            ai.djl.ndarray.types.DataType.UINT8)));
                    long[][] argmax = new long[1][];
                    Autograd.noGrad(() ->
                            argmax[0] = net.predict(x).probabilities().argMax(1).toLongArray());
                    for (int i = 0; i < argmax[0].length; i++) {
                        if (argmax[0][i] == labels[from + i]) {
                            correct++;
                        }
                    }
                }
            }
            return correct / (double) test.count();
        }
    }
}
