package io.softcifar.cli.stack;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.SplittableRandom;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * A stand-in for the official CIFAR-10 archive where only the test batch is at hand: the real
 * {@code test_batch.bin} beside five training batches of random pixels and labels (seeded), in the official binary
 * layout. Protocol peterson evaluates on those 50,000 images: what they cost to evaluate is real, their accuracy is
 * noise. For benchmarks only.
 */
final class SyntheticCifar {

    static final int IMAGES_PER_BATCH = 10_000;
    static final int RECORD_BYTES = 1 + 32 * 32 * 3;
    private static final String ARCHIVE_DIR = "cifar-10-batches-bin/";

    private SyntheticCifar() {}

    /**
     * Writes {@code target/cifar-10-binary.tar.gz} and a copy of {@code data}'s {@code cifar10h-probs.npy}.
     *
     * @param data a folder with {@code test_batch.bin} and {@code cifar10h-probs.npy}
     */
    static void write(Path data, Path target) {
        try {
            Files.createDirectories(target);
            Files.copy(
                    data.resolve("cifar10h-probs.npy"),
                    target.resolve("cifar10h-probs.npy"),
                    StandardCopyOption.REPLACE_EXISTING);
            Path archive = target.resolve("cifar-10-binary.tar.gz");
            Path partial = target.resolve("cifar-10-binary.tar.gz.partial");
            GzipParameters fast = new GzipParameters();
            fast.setCompressionLevel(1); // random pixels do not compress: spend no time trying
            try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(partial));
                    TarArchiveOutputStream tar =
                            new TarArchiveOutputStream(new GzipCompressorOutputStream(file, fast))) {
                SplittableRandom random = new SplittableRandom(20261204L);
                byte[] batch = new byte[IMAGES_PER_BATCH * RECORD_BYTES];
                for (int b = 1; b <= 5; b++) {
                    for (int i = 0; i < IMAGES_PER_BATCH; i++) {
                        int at = i * RECORD_BYTES;
                        batch[at] = (byte) random.nextInt(10);
                        for (int j = 1; j < RECORD_BYTES; j++) {
                            batch[at + j] = (byte) random.nextInt(256);
                        }
                    }
                    entry(tar, ARCHIVE_DIR + "data_batch_" + b + ".bin", batch);
                }
                entry(tar, ARCHIVE_DIR + "test_batch.bin", Files.readAllBytes(data.resolve("test_batch.bin")));
                tar.finish();
            }
            Files.move(partial, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("writing the synthetic CIFAR-10 archive in " + target, e);
        }
    }

    private static void entry(TarArchiveOutputStream tar, String name, byte[] bytes) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(bytes.length);
        tar.putArchiveEntry(entry);
        tar.write(bytes);
        tar.closeArchiveEntry();
    }
}
