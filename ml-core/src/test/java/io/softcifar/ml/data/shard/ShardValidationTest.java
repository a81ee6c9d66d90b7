package io.softcifar.ml.data.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.softcifar.ml.data.InvalidDataException;
import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.data.SyntheticData;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardValidationTest {

    @TempDir
    Path tmp;

    private static final int N = 4;

    private static Function<NDManager, NDArray> images(long... shape) {
        return m ->
                m.create(ByteBuffer.wrap(new byte[(int) new Shape(shape).size()]), new Shape(shape), DataType.UINT8);
    }

    private static Function<NDManager, NDArray> soft(int n) {
        return m -> {
            float[] p = new float[n * 10];
            for (int i = 0; i < n; i++) {
                p[i * 10 + i % 10] = 1f;
            }
            return m.create(p, new Shape(n, 10));
        };
    }

    private static Function<NDManager, NDArray> longs(long... v) {
        return m -> m.create(v, new Shape(v.length));
    }

    /** A valid 4-image shard's entries; tests replace one. */
    private static Map<String, Function<NDManager, NDArray>> valid() {
        Map<String, Function<NDManager, NDArray>> e = ShardTestFiles.entries();
        e.put("images.npy", images(N, 3, 32, 32));
        e.put("soft_labels.npy", soft(N));
        e.put("hard_labels.npy", longs(0, 1, 2, 3));
        e.put("indices.npy", longs(5, 6, 7, 8));
        return e;
    }

    private Path write(Map<String, Function<NDManager, NDArray>> e) throws Exception {
        Path f = tmp.resolve("bad-" + System.nanoTime() + ".npz");
        ShardTestFiles.writeNpz(f, e);
        return f;
    }

    @Test
    void theValidHandWrittenShardIsAccepted() throws Exception {
        assertThat(ShardReader.read(write(valid())).data().hardLabels()).containsExactly(0, 1, 2, 3);
    }

    @Test
    void checksumMismatchIsRejectedNamingTheFileAndBothValues() {
        SoftLabelDataset d = SyntheticData.dataset(5, 1);
        Path f = tmp.resolve("train-00000.npz");
        ShardInfo info = ShardWriter.write(f, d, new int[] {0, 1, 2, 3, 4});
        String wrong = "0".repeat(64);
        assertThatThrownBy(() -> ShardedSplit.load(List.of(new ShardFile(f, wrong))))
                .isInstanceOf(InvalidDataException.class)
                .hasMessageStartingWith(f + ": SHA-256 is " + info.sha256() + " but the manifest expects " + wrong)
                .message()
                .doesNotContain("\n");
    }

    @Test
    void aModifiedByteIsCaughtByTheChecksum() throws Exception {
        Path f = tmp.resolve("s.npz");
        ShardInfo info = ShardWriter.write(f, SyntheticData.dataset(5, 1), new int[] {0, 1, 2, 3, 4});
        byte[] b = Files.readAllBytes(f);
        b[b.length / 2] ^= 1;
        Files.write(f, b);
        assertThatThrownBy(() -> ShardReader.read(f, info.sha256())).hasMessageContaining("SHA-256 is ");
    }

    @Test
    void wrongImageDtypeIsRejected() throws Exception {
        var e = valid();
        e.put("images.npy", m -> m.zeros(new Shape(N, 3, 32, 32), DataType.FLOAT32));
        Path f = write(e);
        assertThatThrownBy(() -> ShardReader.read(f))
                .isInstanceOf(InvalidDataException.class)
                .hasMessage(f + ": images.npy has dtype float32 (expected uint8 (N, 3, 32, 32))");
    }

    @Test
    void channelsLastImagesAreRejected() throws Exception {
        var e = valid();
        e.put("images.npy", images(N, 32, 32, 3));
        Path f = write(e);
        assertThatThrownBy(() -> ShardReader.read(f))
                .hasMessage(f + ": images.npy has shape (4, 32, 32, 3) (expected (N, 3, 32, 32), NCHW)");
    }

    @Test
    void float64SoftLabelsAreRejected() throws Exception {
        var e = valid();
        e.put("soft_labels.npy", m -> soft(N).apply(m).toType(DataType.FLOAT64, false));
        Path f = write(e);
        assertThatThrownBy(() -> ShardReader.read(f))
                .hasMessage(f + ": soft_labels.npy has dtype float64 (expected float32 (N, K))");
    }

    @Test
    void int32HardLabelsAreRejected() throws Exception {
        var e = valid();
        e.put("hard_labels.npy", m -> m.create(new int[] {0, 1, 2, 3}));
        Path f = write(e);
        assertThatThrownBy(() -> ShardReader.read(f))
                .hasMessage(f + ": hard_labels.npy has dtype int32 (expected int64 (N,))");
    }

    @Test
    void rowCountMismatchIsRejected() throws Exception {
        var e = valid();
        e.put("soft_labels.npy", soft(N + 1));
        Path f = write(e);
        assertThatThrownBy(() -> ShardReader.read(f))
                .hasMessage(f + ": soft_labels.npy has 5 rows but images.npy has 4 images");
    }

    @Test
    void hardLabelThatIsNotTheArgmaxIsRejected() throws Exception {
        var e = valid();
        e.put("hard_labels.npy", longs(0, 1, 7, 3));
        Path f = write(e);
        assertThatThrownBy(() -> ShardReader.read(f))
                .hasMessage(f + ": hard_labels.npy row 2 is 7 but the argmax of soft_labels.npy row 2 is 2");
    }

    @Test
    void softLabelRowsMustSumToOne() throws Exception {
        var e = valid();
        e.put(
                "soft_labels.npy",
                m -> m.create(new float[N * 10], new Shape(N, 10)).add(0.05f));
        Path f = write(e);
        assertThatThrownBy(() -> ShardReader.read(f))
                .hasMessageStartingWith(f + ": soft_labels.npy: row 0 sums to 0.5");
    }

    @Test
    void missingEntryAndNonZipFilesAreRejected() throws Exception {
        var e = valid();
        e.remove("indices.npy");
        Path f = write(e);
        assertThatThrownBy(() -> ShardReader.read(f))
                .hasMessage(
                        f
                                + ": has no indices.npy (a shard holds images.npy, soft_labels.npy, hard_labels.npy, indices.npy)");
        Path junk = tmp.resolve("junk.npz");
        Files.writeString(junk, "not a zip at all");
        assertThatThrownBy(() -> ShardReader.read(junk))
                .isInstanceOf(InvalidDataException.class)
                .hasMessageStartingWith(junk + ": is not ");
        assertThatThrownBy(() -> ShardReader.read(tmp.resolve("absent.npz")))
                .hasMessage(tmp.resolve("absent.npz") + ": not found");
    }

    @Test
    void repeatedIndexWithinASplitIsRejected() {
        SoftLabelDataset d = SyntheticData.dataset(4, 1);
        Path a = tmp.resolve("train-00000.npz");
        Path b = tmp.resolve("train-00001.npz");
        ShardInfo ia = ShardWriter.write(a, d.subset(new int[] {0, 1}), new int[] {10, 11});
        ShardInfo ib = ShardWriter.write(b, d.subset(new int[] {2, 3}), new int[] {12, 11});
        assertThatThrownBy(
                        () -> ShardedSplit.load(List.of(new ShardFile(a, ia.sha256()), new ShardFile(b, ib.sha256()))))
                .hasMessage(b + ": indices.npy row 1: index 11 occurs twice in this split");
    }

    @Test
    void writerRejectsMismatchedIndices() {
        SoftLabelDataset d = SyntheticData.dataset(3, 1);
        Path f = tmp.resolve("w.npz");
        assertThatThrownBy(() -> ShardWriter.write(f, d, new int[] {0, 1}))
                .hasMessage(f + ": cannot write 2 indices for 3 images");
        assertThat(f).doesNotExist();
    }
}
