package io.softcifar.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.model.Method;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A run is a function of its configuration: the same configuration trains to the same numbers, bit for bit, also
 * when the JVM collects garbage and allocates native buffers all through it (as a long-lived trainer service does).
 * This failed for SNGP and DUQ while their constants were DJL-borrowed buffers (see {@code nn.Scalars}).
 */
class ReproducibilityTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Method.class)
    void sameConfigurationSameRunUnderGarbageCollectionPressure(Method method) throws Exception {
        SoftLabelDataset ds = TrainTestData.dataset(400);
        TrainConfig config = TrainTestData.tiny(method, LabelMode.SOFT, 2).withLimit(320);
        TrainingData data = TrainTestData.prepare(ds, config);

        TrainResult quiet = Trainer.train(config, data, Trainer.Options.defaults(dir.resolve("quiet")), null);
        TrainResult pressured;
        AtomicBoolean stop = new AtomicBoolean();
        Thread churn = new Thread(() -> churn(stop), "gc-churn");
        churn.start();
        try {
            pressured = Trainer.train(config, data, Trainer.Options.defaults(dir.resolve("pressured")), null);
        } finally {
            stop.set(true);
            churn.join();
        }

        assertThat(pressured.history()).hasSize(2);
        for (int e = 0; e < 2; e++) {
            EpochStats a = quiet.history().get(e);
            EpochStats b = pressured.history().get(e);
            assertThat(a.trainLoss()).as("epoch %d train loss", e + 1).isFinite();
            assertThat(b.trainLoss()).as("epoch %d train loss", e + 1).isEqualTo(a.trainLoss());
            assertThat(b.valLoss()).as("epoch %d validation loss", e + 1).isEqualTo(a.valLoss());
        }
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> a = Checkpoint.read(quiet.lastCheckpoint(), m).tensors();
            Map<String, NDArray> b =
                    Checkpoint.read(pressured.lastCheckpoint(), m).tensors();
            assertThat(b.keySet()).isEqualTo(a.keySet());
            for (String name : a.keySet()) {
                assertThat(b.get(name).toType(DataType.FLOAT64, false).toDoubleArray())
                        .as("tensor %s", name)
                        .containsExactly(
                                a.get(name).toType(DataType.FLOAT64, false).toDoubleArray());
            }
        }
    }

    /** Collections, and small direct buffers that take over the memory they free, until told to stop. */
    private static void churn(AtomicBoolean stop) {
        List<ByteBuffer> keep = new ArrayList<>();
        while (!stop.get()) {
            System.gc();
            for (int i = 0; i < 5_000; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(4);
                b.putFloat(0, 0f);
                keep.add(b);
            }
            if (keep.size() > 200_000) {
                keep.clear();
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Test
    void aLossThatIsNoLongerFiniteStopsTheRunWithTheEpochAndTheRate() {
        SoftLabelDataset ds = TrainTestData.dataset(200);
        TrainConfig config = TrainTestData.tiny(Method.BASIC, LabelMode.SOFT, 3)
                .withWarmupEpochs(0)
                .withLearningRate(1e30);
        TrainingData data = TrainTestData.prepare(ds, config);
        Path out = dir.resolve("diverging");
        assertThatThrownBy(() -> Trainer.train(config, data, Trainer.Options.defaults(out), null))
                .isInstanceOfSatisfying(
                        TrainingDivergedException.class,
                        e -> assertThat(e.epoch()).isEqualTo(1))
                .hasMessageContaining("training diverged: the mean training loss of epoch")
                .hasMessageContaining("learning rate 1.0E30")
                .hasMessageEndingWith("no checkpoint was written");
        assertThat(Files.exists(out.resolve(Trainer.BEST)))
                .as("no best checkpoint from a diverged epoch 1")
                .isFalse();
    }
}
