package io.softcifar.ml.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.model.Method;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Memory stays flat across epochs: no native array outlives its step or epoch, and resident memory does not grow. */
class MemoryTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Method.class)
    void liveArraysAndResidentMemoryStayFlatAcrossEpochs(Method method) throws IOException {
        SoftLabelDataset ds = TrainTestData.dataset(400);
        TrainConfig config = TrainTestData.tiny(method, LabelMode.SOFT, 8).withLimit(192)
                .withMixing(new Mixing(Mixing.Kind.MIXUP, 1.0, 0.5));
        TrainingData data = TrainTestData.prepare(ds, config);
        List<Integer> live = new ArrayList<>();
        List<Long> rss = new ArrayList<>();
        Trainer.train(config, data, Trainer.Options.defaults(dir.resolve(method.id())), new TrainingListener() {
            @Override
            public void onLiveArrays(int epoch, int liveArrays) {
                live.add(liveArrays);
                rss.add(residentKiB());
            }
        });
        assertThat(live).hasSize(8);
        // from the second epoch on (the first may create lazily-built state) the count must not change at all
        assertThat(live.subList(1, live.size())).containsOnly(live.get(1));
        assertThat(live.get(1)).isPositive();
        // 6 more epochs × 6 steps: a leaked step would cost tens of MiB; allow 24 MiB of allocator/JIT noise
        long growthKiB = rss.get(rss.size() - 1) - rss.get(1);
        assertThat(growthKiB).as("RSS growth from epoch 2 to 8 in KiB").isLessThan(24 * 1024);
    }

    static long residentKiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return 0;
    }
}
