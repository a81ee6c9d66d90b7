package io.softcifar.ml.train;

import io.softcifar.ml.data.Cifar10hFolder;
import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.model.Method;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures the statistic of {@link RealDataLearningTest#overfitsAFixedBatchOf128RealImages} (final / first training
 * loss on the fixed batch) over run seeds 0..N−1, to choose its bar from a distribution rather than from one run. Not
 * part of the suite: it runs only with {@code -Dsoftcifar.overfit.seeds=N}, and takes about a minute per seed on 2
 * cores. Options: {@code -Dsoftcifar.overfit.row=DROPOUT,SOFT,0.1,150} (a row of the test),
 * {@code -Dsoftcifar.overfit.out=<file>} (default {@code /tmp/overfit-<method>-<labels>.txt}). Each line is written
 * as soon as its seed is done: seed, first loss, last loss, ratio.
 */
@EnabledIfSystemProperty(named = "softcifar.overfit.seeds", matches = "\\d+")
class OverfitSeedDistribution {

    @Test
    void measure(@TempDir Path dir) throws IOException {
        int seeds = Integer.getInteger("softcifar.overfit.seeds");
        String[] row = System.getProperty("softcifar.overfit.row", "DROPOUT,SOFT,0.1,150")
                .split(",");
        Method method = Method.valueOf(row[0].trim());
        LabelMode labels = LabelMode.valueOf(row[1].trim());
        double lr = Double.parseDouble(row[2].trim());
        int steps = Integer.parseInt(row[3].trim());
        Path out = Path.of(System.getProperty(
                "softcifar.overfit.out", "/tmp/overfit-" + method.id() + "-" + labels.id() + ".txt"));
        SoftLabelDataset dataset = Cifar10hFolder.load(Cifar10hFolder.findSharedCopy()
                .orElseThrow(() -> new IllegalStateException("real data not found (../shared/data/cifar10h)")));
        Files.writeString(
                out,
                String.format(
                        Locale.ROOT, "# %s %s lr %s, %d steps; seed first last ratio%n", method, labels, lr, steps));
        double[] ratios = new double[seeds];
        for (int seed = 0; seed < seeds; seed++) {
            double[] loss = RealDataLearningTest.overfit(dataset, dir, method, labels, lr, steps, seed);
            ratios[seed] = loss[1] / loss[0];
            Files.writeString(
                    out,
                    String.format(Locale.ROOT, "%d %.6f %.6f %.6f%n", seed, loss[0], loss[1], ratios[seed]),
                    java.nio.file.StandardOpenOption.APPEND);
        }
        double mean = Arrays.stream(ratios).average().orElseThrow();
        double sd = Math.sqrt(
                Arrays.stream(ratios).map(r -> (r - mean) * (r - mean)).sum() / Math.max(1, seeds - 1));
        System.out.printf(
                Locale.ROOT,
                "overfit %s %s over %d seeds: mean %.4f sd %.4f min %.4f max %.4f%n",
                method,
                labels,
                seeds,
                mean,
                sd,
                Arrays.stream(ratios).min().orElseThrow(),
                Arrays.stream(ratios).max().orElseThrow());
    }
}
