package io.softcifar.ml.data;

import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Small, seeded, learnable stand-ins for the real data, written in the exact on-disk formats — for tests of
 * this and other modules (no real data is needed to exercise the pipeline).
 *
 * <ul>
 *   <li>In-distribution images (10 classes): each class has its own base colour and its own stripe direction and
 *       frequency, plus a per-image brightness shift and per-pixel Gaussian noise. A small CNN (or even a linear
 *       model on channel means) learns the class; noise keeps it from being trivial.
 *   <li>Soft labels mimic CIFAR-10H: 50 simulated annotators per image; about 45% of images are unanimous
 *       (one-hot), the rest have annotators that err towards one confusable class. Rows are counts / 50.
 *   <li>OOD images (CIFAR-100-style, SVHN-style) use different generators: random-hue blobs and "digit-like"
 *       bright bars on dark backgrounds.
 * </ul>
 * Everything is a pure function of the arguments: SplittableRandom seeded with the seed, using only
 * {@code nextLong/nextInt/nextDouble} (Gaussian noise by Box–Muller here, not the JDK's {@code nextGaussian}, whose
 * algorithm changed in JDK 17), so the files are identical across JVMs.
 */
public final class SyntheticData {

    public static final int NUM_CLASSES = 10;
    /** Annotators per image in the simulated soft labels. */
    public static final int ANNOTATORS = 50;

    private static final int H = LabeledImages.HEIGHT;
    private static final int W = LabeledImages.WIDTH;
    private static final int C = LabeledImages.CHANNELS;

    /** Base RGB colour of each class. */
    private static final int[][] PALETTE = {
        {200, 60, 60}, {60, 200, 60}, {60, 60, 200}, {200, 200, 60}, {200, 60, 200},
        {60, 200, 200}, {230, 140, 40}, {120, 120, 120}, {40, 110, 160}, {170, 100, 220},
    };

    private SyntheticData() {}

    /** {@code n} class-dependent images; labels {@code i % 10} in a seeded shuffled order (balanced ±1). */
    public static LabeledImages images(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] perm = Splits.permutation(n, rnd.nextLong());
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[perm[i]] = i % NUM_CLASSES;
        }
        byte[] px = new byte[Math.multiplyExact(n, LabeledImages.IMAGE_BYTES)];
        for (int i = 0; i < n; i++) {
            int k = labels[i];
            double angle = Math.PI * k / NUM_CLASSES;
            double freq = 2 + (k % 3);
            double fx = StrictMath.cos(angle) * freq / W;
            double fy = StrictMath.sin(angle) * freq / H;
            double phase = rnd.nextDouble() * 2 * Math.PI;
            double shift = gaussian(rnd) * 15;
            for (int c = 0; c < C; c++) {
                for (int r = 0; r < H; r++) {
                    for (int col = 0; col < W; col++) {
                        double stripe = 40 * StrictMath.sin(2 * Math.PI * (fx * col + fy * r) + phase);
                        double v = PALETTE[k][c] + shift + stripe + gaussian(rnd) * 25;
                        px[LabeledImages.offset(i, c, r, col)] = (byte) clamp(v);
                    }
                }
            }
        }
        return new LabeledImages(px, labels, n);
    }

    /**
     * CIFAR-10H-like soft labels for images of the given classes: rows are annotator counts / {@link #ANNOTATORS}.
     * About 45% of rows are one-hot on the class; otherwise each annotator is right with probability
     * U(0.55, 0.97) and else picks the image's confusable class (70%) or any other class.
     */
    public static double[][] softLabels(int[] classes, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] out = new double[classes.length][NUM_CLASSES];
        for (int i = 0; i < classes.length; i++) {
            int k = classes[i];
            if (k < 0 || k >= NUM_CLASSES) {
                throw InvalidDataException.forField("classes", "class " + k + " of item " + i + " is not in 0..9");
            }
            int[] counts = new int[NUM_CLASSES];
            if (rnd.nextDouble() < 0.45) {
                counts[k] = ANNOTATORS;
            } else {
                double pRight = 0.55 + 0.42 * rnd.nextDouble();
                int confusable = (k + 1 + rnd.nextInt(NUM_CLASSES - 1)) % NUM_CLASSES;
                for (int a = 0; a < ANNOTATORS; a++) {
                    if (rnd.nextDouble() < pRight) {
                        counts[k]++;
                    } else if (rnd.nextDouble() < 0.7) {
                        counts[confusable]++;
                    } else {
                        counts[(k + 1 + rnd.nextInt(NUM_CLASSES - 1)) % NUM_CLASSES]++;
                    }
                }
            }
            for (int c = 0; c < NUM_CLASSES; c++) {
                out[i][c] = counts[c] / (double) ANNOTATORS;
            }
        }
        return out;
    }

    /** In-memory dataset: {@link #images} with {@link #softLabels} of their classes. */
    public static SoftLabelDataset dataset(int n, long seed) {
        LabeledImages images = images(n, seed);
        return new SoftLabelDataset(
                images, SoftLabels.of("synthetic soft labels", softLabels(images.labels(), seed + 1)));
    }

    /**
     * Writes {@code dir/test_batch.bin}, {@code dir/cifar10h-probs.npy} (float64 n×10) and
     * {@code dir/batches.meta.txt} exactly like the CIFAR-10H folder; the label byte is the generating class.
     *
     * @return {@code dir}
     */
    public static Path writeCifar10hFolder(Path dir, int n, long seed) {
        LabeledImages images = images(n, seed);
        Cifar10Binary.write(dir.resolve(Cifar10hFolder.IMAGES_FILE), images);
        SoftLabels.write(dir.resolve(Cifar10hFolder.PROBS_FILE), softLabels(images.labels(), seed + 1));
        Cifar10hFolder.writeClassNames(dir, Cifar10hFolder.CIFAR10_CLASS_NAMES);
        return dir;
    }

    /** {@code m} CIFAR-100-style OOD images (random-hue blobs), fine labels 0..99. */
    public static LabeledImages cifar100LikeImages(int m, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] px = new byte[Math.multiplyExact(m, LabeledImages.IMAGE_BYTES)];
        int[] labels = new int[m];
        for (int i = 0; i < m; i++) {
            labels[i] = rnd.nextInt(Cifar100Binary.NUM_FINE_CLASSES);
            double[] bg = {rnd.nextInt(256), rnd.nextInt(256), rnd.nextInt(256)};
            double[] fg = {rnd.nextInt(256), rnd.nextInt(256), rnd.nextInt(256)};
            double cx = rnd.nextDouble() * W;
            double cy = rnd.nextDouble() * H;
            double rad = 4 + rnd.nextDouble() * 10;
            for (int c = 0; c < C; c++) {
                for (int r = 0; r < H; r++) {
                    for (int col = 0; col < W; col++) {
                        boolean inside = (col - cx) * (col - cx) + (r - cy) * (r - cy) < rad * rad;
                        double v = (inside ? fg[c] : bg[c]) + gaussian(rnd) * 20;
                        px[LabeledImages.offset(i, c, r, col)] = (byte) clamp(v);
                    }
                }
            }
        }
        return new LabeledImages(px, labels, m);
    }

    /** {@code m} SVHN-style OOD images ("digit" = bright bars on a dark background), labels 0..9. */
    public static LabeledImages svhnLikeImages(int m, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] px = new byte[Math.multiplyExact(m, LabeledImages.IMAGE_BYTES)];
        int[] labels = new int[m];
        for (int i = 0; i < m; i++) {
            int d = rnd.nextInt(NUM_CLASSES);
            labels[i] = d;
            int bg = 20 + rnd.nextInt(60);
            int fg = 170 + rnd.nextInt(80);
            for (int c = 0; c < C; c++) {
                for (int r = 0; r < H; r++) {
                    for (int col = 0; col < W; col++) {
                        // a vertical bar whose height and a horizontal bar whose row depend on the digit
                        boolean vbar = col >= 14 && col <= 17 && r >= 6 && r <= 6 + 2 * d + 6;
                        boolean hbar = r == 8 + 2 * d && col >= 10 && col <= 21;
                        double v = (vbar || hbar ? fg : bg) + gaussian(rnd) * 12;
                        px[LabeledImages.offset(i, c, r, col)] = (byte) clamp(v);
                    }
                }
            }
        }
        return new LabeledImages(px, labels, m);
    }

    /** Writes {@link #cifar100LikeImages} in the official CIFAR-100 binary layout ({@code test.bin}); returns file. */
    public static Path writeCifar100Test(Path file, int m, long seed) {
        Cifar100Binary.write(file, cifar100LikeImages(m, seed));
        return file;
    }

    /** Writes {@link #svhnLikeImages} in the official SVHN MAT layout ({@code test_32x32.mat}); returns file. */
    public static Path writeSvhnTest(Path file, int m, long seed) {
        SvhnMat.write(file, svhnLikeImages(m, seed));
        return file;
    }

    /** Standard normal by Box–Muller from two uniforms (deterministic on every JDK). */
    private static double gaussian(SplittableRandom rnd) {
        double u1 = 1.0 - rnd.nextDouble(); // (0, 1]
        double u2 = rnd.nextDouble();
        return StrictMath.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2);
    }

    private static int clamp(double v) {
        long r = Math.round(v);
        return (int) Math.max(0, Math.min(255, r));
    }
}
