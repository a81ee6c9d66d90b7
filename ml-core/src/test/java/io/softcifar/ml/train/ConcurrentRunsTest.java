package io.softcifar.ml.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.model.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runs training at once in one process (a trainer with two slots) end exactly where each ends alone: their
 * PyTorch draws — initial weights, shuffles, augmentation, dropout masks — do not mix although PyTorch's generators
 * are process-wide ({@code RunRandom}). MC Dropout with augmentation draws at every step. Every run uses one
 * intra-op thread, alone and together, so the kernels are the same and the comparison is bit for bit. Before
 * {@code RunRandom}, a run's re-seeding at each epoch re-seeded its neighbour's generator mid-epoch.
 */
class ConcurrentRunsTest {

    @TempDir
    Path dir;

    @Test
    void twoRunsAtOnceEndBitForBitWhereEachEndsAlone() throws Exception {
        SoftLabelDataset ds = TrainTestData.dataset(400);
        TrainConfig first = TrainTestData.tiny(Method.DROPOUT, LabelMode.SOFT, 2)
                .withLimit(192)
                .withAugment(true);
        TrainConfig second = first.withSeed(4);
        TrainingData firstData = TrainTestData.prepare(ds, first);
        TrainingData secondData = TrainTestData.prepare(ds, second);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            TrainResult firstAlone = pool.submit(() -> train(first, firstData, "first-alone", null))
                    .get(10, TimeUnit.MINUTES);
            TrainResult secondAlone = pool.submit(() -> train(second, secondData, "second-alone", null))
                    .get(10, TimeUnit.MINUTES);
            CountDownLatch start = new CountDownLatch(2);
            Future<TrainResult> firstTogether = pool.submit(() -> train(first, firstData, "first-together", start));
            Future<TrainResult> secondTogether = pool.submit(() -> train(second, secondData, "second-together", start));
            assertSame(firstAlone, firstTogether.get(10, TimeUnit.MINUTES));
            assertSame(secondAlone, secondTogether.get(10, TimeUnit.MINUTES));
            // the two seeds gave two different runs: the comparison above is not between copies of one run
            assertThat(secondAlone.history().get(1).trainLoss())
                    .isNotEqualTo(firstAlone.history().get(1).trainLoss());
        } finally {
            pool.shutdownNow();
        }
    }

    private TrainResult train(TrainConfig config, TrainingData data, String name, CountDownLatch start)
            throws InterruptedException {
        EngineSetup.useThreads(1);
        if (start != null) {
            start.countDown();
            start.await(5, TimeUnit.MINUTES); // both runs begin together, so their draws interleave
        }
        return Trainer.train(config, data, Trainer.Options.defaults(dir.resolve(name)), null);
    }

    private static void assertSame(TrainResult alone, TrainResult together) {
        assertThat(together.history()).hasSameSizeAs(alone.history());
        for (int e = 0; e < alone.history().size(); e++) {
            assertThat(together.history().get(e).trainLoss())
                    .as("epoch %d train loss", e + 1)
                    .isEqualTo(alone.history().get(e).trainLoss());
            assertThat(together.history().get(e).valLoss())
                    .as("epoch %d validation loss", e + 1)
                    .isEqualTo(alone.history().get(e).valLoss());
        }
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, double[]> a =
                    values(Checkpoint.read(alone.lastCheckpoint(), m).tensors());
            Map<String, double[]> b =
                    values(Checkpoint.read(together.lastCheckpoint(), m).tensors());
            assertThat(b.keySet()).isEqualTo(a.keySet());
            List<String> differing = new ArrayList<>();
            a.forEach((name, v) -> {
                if (!java.util.Arrays.equals(v, b.get(name))) {
                    differing.add(name);
                }
            });
            assertThat(differing).as("tensors that differ").isEmpty();
        }
    }

    private static Map<String, double[]> values(Map<String, NDArray> tensors) {
        Map<String, double[]> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(k, v.toType(DataType.FLOAT64, false).toDoubleArray()));
        return out;
    }
}
