package io.softcifar.ml.data;

import java.nio.file.Path;
import java.util.List;

/**
 * The official CIFAR-10 binary format ({@code test_batch.bin}, {@code data_batch_1.bin} … of
 * {@code cifar-10-binary.tar.gz}): records of 3073 bytes — 1 label byte (0..9) followed by 1024 R, 1024 G and
 * 1024 B bytes, each plane row-major 32×32. The pixel part of a record is therefore already CHW.
 */
public final class Cifar10Binary {

    public static final int NUM_CLASSES = 10;
    public static final int RECORD_BYTES = 1 + LabeledImages.IMAGE_BYTES;

    private static final int[] RANGES = {NUM_CLASSES};
    private static final String[] NAMES = {"label"};

    private Cifar10Binary() {}

    /**
     * Reads one CIFAR-10 binary file.
     *
     * @throws InvalidDataException if the file is missing, empty, not a whole number of records, or a label is
     *     not in 0..9
     */
    public static LabeledImages read(Path file) {
        return CifarBinaryFormat.read(file, 0, RANGES, NAMES);
    }

    /** Reads several files (e.g. the five training batches) and concatenates them in order. */
    public static LabeledImages readAll(List<Path> files) {
        return LabeledImages.concat(files.stream().map(Cifar10Binary::read).toArray(LabeledImages[]::new));
    }

    /** Writes {@code images} in the official layout; labels must be 0..9. */
    public static void write(Path file, LabeledImages images) {
        CifarBinaryFormat.write(file, images, new int[][] {images.labels()}, RANGES, NAMES);
    }
}
