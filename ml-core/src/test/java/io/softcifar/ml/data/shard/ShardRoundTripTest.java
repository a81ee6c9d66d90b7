package io.softcifar.ml.data.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.softcifar.ml.data.LabeledImages;
import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.data.SoftLabels;
import io.softcifar.ml.data.SyntheticData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardRoundTripTest {

    @TempDir
    Path tmp;

    /** Soft labels with thirds and a 1/7 (not exact in float32) so the float32 rounding is exercised. */
    private static SoftLabelDataset data(int n) {
        SoftLabelDataset d = SyntheticData.dataset(n, 7);
        double[][] rows = d.softLabels().toArray();
        rows[0] = new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3, 0, 0, 0, 0, 0, 0, 0};
        rows[1] = new double[] {0, 0, 0, 0, 0, 0, 1.0 / 7, 6.0 / 7, 0, 0};
        return new SoftLabelDataset(d.images(), SoftLabels.of("test rows", rows));
    }

    @Test
    void labeledShardRoundTripsEveryArray() {
        SoftLabelDataset d = data(23);
        int[] indices = new int[23];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = 1000 - 3 * i;
        }
        Path file = tmp.resolve("seed-1/train-00000.npz");
        ShardInfo info = ShardWriter.write(file, d, indices);

        assertThat(info.count()).isEqualTo(23);
        assertThat(info.bytes()).isEqualTo(file.toFile().length());
        LabeledShard back = ShardReader.read(file, info.sha256());
        assertThat(back.indices()).containsExactly(indices);
        assertThat(back.data().images().pixels()).isEqualTo(d.images().pixels()); // uint8 0..255, incl. > 127
        assertThat(back.data().hardLabels()).containsExactly(d.hardLabels());
        assertThat(back.data().images().labels()).containsExactly(d.hardLabels());
        double[][] want = d.softLabels().toArray();
        double[][] got = back.data().softLabels().toArray();
        for (int i = 0; i < want.length; i++) {
            for (int j = 0; j < 10; j++) {
                assertThat(got[i][j]).isEqualTo((double) (float) want[i][j]); // float32 exactly
            }
        }
        assertThat(back.data().hardLabel(0)).isZero(); // tie → lowest index, like numpy.argmax
    }

    @Test
    void pixelsCoverTheWholeUint8Range() {
        byte[] px = new byte[2 * LabeledImages.IMAGE_BYTES];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) i;
        }
        LabeledImages images = new LabeledImages(px, new int[] {3, 4});
        ShardInfo info = ShardWriter.writeOod(tmp.resolve("ood.npz"), images, new int[] {5, 9});
        OodShard back = ShardReader.readOod(tmp.resolve("ood.npz"), info.sha256());
        assertThat(back.images().pixels()).isEqualTo(px);
        assertThat(back.images().pixel(0, 0, 0, 255)).isEqualTo(255);
        assertThat(back.images().labels()).containsExactly(ShardFormat.NO_LABEL, ShardFormat.NO_LABEL);
        assertThat(back.indices()).containsExactly(5, 9);
    }

    @Test
    void sameArraysGiveByteIdenticalFilesAndTheReportedChecksum() throws Exception {
        SoftLabelDataset d = data(12);
        int[] idx = java.util.stream.IntStream.range(0, 12).toArray();
        ShardInfo a = ShardWriter.write(tmp.resolve("a.npz"), d, idx);
        // a zip timestamp has 2-second resolution: write the second file in a later 2-second slot, so a timestamp
        // that leaked into the file would make the two differ
        long slot = System.currentTimeMillis() / 2000;
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(5))
                .pollInterval(java.time.Duration.ofMillis(50))
                .until(() -> System.currentTimeMillis() / 2000 > slot);
        ShardInfo b = ShardWriter.write(tmp.resolve("b.npz"), d, idx);
        assertThat(Files.readAllBytes(tmp.resolve("a.npz"))).isEqualTo(Files.readAllBytes(tmp.resolve("b.npz")));
        String independent = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(tmp.resolve("a.npz"))));
        assertThat(a.sha256()).isEqualTo(independent).isEqualTo(b.sha256()).hasSize(64);
    }

    @Test
    void entriesAreTheDocumentedNpyFilesInOrder() throws Exception {
        ShardWriter.write(tmp.resolve("s.npz"), data(3), new int[] {0, 1, 2});
        try (ZipFile zip = new ZipFile(tmp.resolve("s.npz").toFile())) {
            assertThat(zip.stream().map(ZipEntry::getName).toList()).isEqualTo(ShardFormat.LABELED_ENTRIES);
        }
    }

    @Test
    void splitLoadsAndConcatenatesShardsInOrder() {
        SoftLabelDataset d = data(25);
        List<ShardFormat.Range> ranges = ShardFormat.ranges(25, 10);
        assertThat(ranges).extracting(ShardFormat.Range::count).containsExactly(10, 10, 5);
        List<ShardFile> files = new java.util.ArrayList<>();
        for (int s = 0; s < ranges.size(); s++) {
            int[] pos = java.util.stream.IntStream.range(
                            ranges.get(s).from(), ranges.get(s).to())
                    .toArray();
            Path f = tmp.resolve(String.format("train-%05d.npz", s));
            ShardInfo info = ShardWriter.write(f, d.subset(pos), pos);
            files.add(new ShardFile(f, info.sha256().toUpperCase()));
        }
        LabeledShard all = ShardedSplit.load(files);
        assertThat(all.count()).isEqualTo(25);
        assertThat(all.indices())
                .containsExactly(java.util.stream.IntStream.range(0, 25).toArray());
        assertThat(all.data().images().pixels()).isEqualTo(d.images().pixels());
        assertThat(all.data().hardLabels()).containsExactly(d.hardLabels());
    }

    @Test
    void combineGivesOneDatasetAndTheSplitThatSelectsEachPart() {
        SoftLabelDataset d = data(20);
        LabeledShard train = shard(d, 0, 12);
        LabeledShard val = shard(d, 12, 15);
        LabeledShard test = shard(d, 15, 20);
        ShardedSplit.TrainValTest c = ShardedSplit.combine(train, val, test);
        assertThat(c.split().train()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        assertThat(c.split().val()).containsExactly(12, 13, 14);
        assertThat(c.split().test()).containsExactly(15, 16, 17, 18, 19);
        assertThat(c.data().images().pixels()).isEqualTo(d.images().pixels());
        assertThat(c.data().hardLabels()).containsExactly(d.hardLabels());
    }

    @Test
    void trainAndValidationLeaveTheTestPartEmpty() {
        SoftLabelDataset d = data(20);
        ShardedSplit.TrainValTest c = ShardedSplit.trainAndValidation(shard(d, 0, 12), shard(d, 12, 15));
        assertThat(c.split().train()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        assertThat(c.split().val()).containsExactly(12, 13, 14);
        assertThat(c.split().test()).isEmpty();
        assertThat(c.data().size()).isEqualTo(15);
        assertThat(c.data().hardLabels()).containsExactly(java.util.Arrays.copyOf(d.hardLabels(), 15));
    }

    private LabeledShard shard(SoftLabelDataset d, int from, int to) {
        int[] pos = java.util.stream.IntStream.range(from, to).toArray();
        Path f = tmp.resolve("part-" + from + ".npz");
        return ShardReader.read(f, ShardWriter.write(f, d.subset(pos), pos).sha256());
    }
}
