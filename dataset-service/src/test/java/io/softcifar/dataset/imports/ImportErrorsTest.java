package io.softcifar.dataset.imports;

import static io.softcifar.dataset.imports.ImportFixtures.folder;
import static io.softcifar.dataset.imports.ImportFixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.softcifar.contracts.spec.DatasetSpec;
import io.softcifar.ml.data.InvalidDataException;
import io.softcifar.ml.data.NpyFiles;
import io.softcifar.ml.data.SoftLabels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input data: one-line messages that name the file, and nothing left in the output folder. */
class ImportErrorsTest {

    private static final int N = 60;

    @TempDir
    Path tmp;

    private Path dir;
    private Path probs;

    private Path data() {
        dir = folder(tmp.resolve("data"), N, 3);
        probs = dir.resolve("cifar10h-probs.npy");
        return dir;
    }

    /** Builds (resolving first) and returns the assertion on the failure; checks that nothing was left behind. */
    private AbstractThrowableAssert<?, ? extends Throwable> failsToBuild() throws Exception {
        DatasetSpec spec = spec(dir, 0L, 1L);
        Path out = tmp.resolve("out");
        var result = assertThatThrownBy(() -> {
                    ResolvedInputs inputs =
                            ImportFixtures.resolver(tmp.resolve("cache")).resolve(spec);
                    new DatasetBuilder(16).build(spec, inputs, DatasetIds.compute(spec, inputs), out);
                })
                .isInstanceOf(InvalidDataException.class);
        result.message().doesNotContain("\n");
        assertThat(ImportFixtures.absentOrEmpty(out))
                .as("output folder after a failed build")
                .isTrue();
        return result;
    }

    private static double[][] rows(int n) {
        double[][] r = new double[n][10];
        for (int i = 0; i < n; i++) {
            r[i][i % 10] = 0.6;
            r[i][(i + 1) % 10] = 0.4;
        }
        return r;
    }

    /** Writes float64 rows without validation (SoftLabels.write would refuse bad rows). */
    private void writeRawProbs(double[][] rows) {
        double[] flat = new double[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
        }
        NpyFiles.writeFloat64(probs, flat, rows.length, rows[0].length);
    }

    @Test
    void probabilitiesWithNineColumns() throws Exception {
        data();
        NpyFiles.writeFloat64(probs, new double[N * 9], N, 9);
        failsToBuild()
                .hasMessage("sources.cifar10hProbs: " + probs + ": .npy header declares shape (60, 9); expected"
                        + " float64 or float32 probabilities of shape (N, 10), N ≤ 60000");
    }

    @Test
    void probabilitiesOfTheWrongDtype() throws Exception {
        data();
        NpyFiles.writeInt64(probs, new long[N * 10], N, 10);
        failsToBuild()
                .hasMessage("sources.cifar10hProbs: " + probs + ": .npy header declares dtype '<i8'; expected"
                        + " float64 or float32 probabilities of shape (N, 10), N ≤ 60000");
    }

    @Test
    void aRowThatDoesNotSumToOne() throws Exception {
        data();
        double[][] r = rows(N);
        r[17][3] += 0.07;
        writeRawProbs(r);
        failsToBuild().hasMessage(probs + ": row 17 sums to 1.07 (expected 1 ± 1e-6)");
    }

    @Test
    void aNaN() throws Exception {
        data();
        double[][] r = rows(N);
        r[5][2] = Double.NaN;
        writeRawProbs(r);
        failsToBuild().hasMessage(probs + ": row 5 column 2 is NaN (expected a finite probability)");
    }

    @Test
    void fewerRowsThanImages() throws Exception {
        data();
        SoftLabels.write(probs, rows(N - 1));
        failsToBuild().hasMessage(probs + ": 59 rows but " + dir.resolve("test_batch.bin") + " has 60 images");
    }

    @Test
    void aTruncatedImageFile() throws Exception {
        data();
        ImportFixtures.truncate(dir.resolve("test_batch.bin"), 0.501);
        // 0.501 · 60 · 3073 = 92,374 bytes: 30 records and a part of the 31st
        failsToBuild()
                .hasMessage("sources.cifar10Test: " + dir.resolve("test_batch.bin") + ": is 92374 bytes, not 1"
                        + " to 60000 records of 3073 bytes (label + 32×32×3 pixels)");
    }

    @Test
    void countsThatDisagreeWithTheProbabilities() throws Exception {
        data();
        double[][] p = SoftLabels.read(probs).toArray();
        long[] counts = new long[N * 10];
        for (int i = 0; i < N; i++) {
            for (int k = 0; k < 10; k++) {
                counts[i * 10 + k] = Math.round(p[i][k] * 50);
            }
        }
        Path countsFile = dir.resolve("cifar10h-counts.npy");
        NpyFiles.writeInt64(countsFile, counts, N, 10);
        // consistent counts pass
        DatasetSpec spec = spec(dir, 0L);
        ResolvedInputs inputs = ImportFixtures.resolver(tmp.resolve("cache")).resolve(spec);
        assertThat(inputs.get(io.softcifar.contracts.spec.DatasetInput.CIFAR10H_COUNTS))
                .isPresent();
        new DatasetBuilder().build(spec, inputs, "ds-ok", tmp.resolve("ok"));

        int k = 0;
        while (counts[4 * 10 + k] != 0) {
            k++;
        }
        counts[4 * 10 + k]++; // one more annotator for a class nobody chose: every ratio of row 4 changes
        NpyFiles.writeInt64(countsFile, counts, N, 10);
        failsToBuild()
                .hasMessageStartingWith(countsFile + ": row 4 gives ")
                .hasMessageEndingWith(" (they must agree within 1e-6)");
    }

    @Test
    void aValidationProblemOfTheSpecIsReportedBeforeAnythingIsWritten() throws Exception {
        data();
        DatasetSpec bad = new DatasetSpec(
                "cifar10h-split",
                io.softcifar.contracts.spec.Sources.fromDir(dir.toString()),
                null,
                java.util.List.of(-1L),
                null,
                null,
                null,
                null);
        Path out = tmp.resolve("out");
        assertThatThrownBy(() -> new DatasetBuilder().build(bad, ResolvedInputs.of(java.util.List.of()), "ds-x", out))
                .hasMessageContaining("seeds[0]");
        assertThat(Files.exists(out)).isFalse();
    }
}
