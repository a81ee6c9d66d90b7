package io.softcifar.ml.data;

import java.nio.file.Path;

/**
 * The official CIFAR-100 binary format ({@code test.bin} / {@code train.bin} of
 * {@code cifar-100-binary.tar.gz}): records of 3074 bytes — coarse label (0..19), fine label (0..99), then
 * the 3072 pixel bytes exactly as in CIFAR-10.
 */
public final class Cifar100Binary {

    public static final int NUM_FINE_CLASSES = 100;
    public static final int NUM_COARSE_CLASSES = 20;
    public static final int RECORD_BYTES = 2 + LabeledImages.IMAGE_BYTES;

    private static final int[] RANGES = {NUM_COARSE_CLASSES, NUM_FINE_CLASSES};
    private static final String[] NAMES = {"coarse label", "fine label"};

    private Cifar100Binary() {}

    /** Reads the file; the returned labels are the fine labels 0..99. Both label bytes are validated. */
    public static LabeledImages read(Path file) {
        return CifarBinaryFormat.read(file, 1, RANGES, NAMES);
    }

    /** Reads the file; the returned labels are the coarse labels 0..19. */
    public static LabeledImages readCoarse(Path file) {
        return CifarBinaryFormat.read(file, 0, RANGES, NAMES);
    }

    /**
     * Writes {@code images} (labels = fine labels 0..99) with coarse label {@code fine / 5}. That coarse mapping is a
     * stand-in for test data, not the official CIFAR-100 superclass table; use {@link #write(Path, LabeledImages,
     * int[])} to give real coarse labels.
     */
    public static void write(Path file, LabeledImages images) {
        int[] coarse = new int[images.count()];
        for (int i = 0; i < coarse.length; i++) {
            coarse[i] = Math.floorDiv(images.label(i), NUM_FINE_CLASSES / NUM_COARSE_CLASSES);
        }
        write(file, images, coarse);
    }

    /** Writes {@code images} (labels = fine labels 0..99) with the given coarse labels 0..19. */
    public static void write(Path file, LabeledImages images, int[] coarseLabels) {
        if (coarseLabels.length != images.count()) {
            throw InvalidDataException.forField(
                    "coarseLabels", coarseLabels.length + " coarse labels for " + images.count() + " images");
        }
        CifarBinaryFormat.write(file, images, new int[][] {coarseLabels, images.labels()}, RANGES, NAMES);
    }
}
