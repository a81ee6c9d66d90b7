package io.softcifar.ml.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * {@code count} colour images of 32×32 pixels with one integer label each.
 *
 * <p>{@code pixels} is uint8 (read with {@code & 0xFF}) in NCHW order: image, channel (R, G, B), row, column;
 * image {@code i} occupies bytes {@code [i·3072, (i+1)·3072)}. That is exactly the pixel part of an official
 * CIFAR binary record. The arrays are shared, not copied: treat them as read-only.
 */
public record LabeledImages(byte[] pixels, int[] labels, int count) {

    public static final int CHANNELS = 3;
    public static final int HEIGHT = 32;
    public static final int WIDTH = 32;
    /** Bytes of one channel plane (32×32). */
    public static final int PLANE_BYTES = HEIGHT * WIDTH;
    /** Bytes of one image (3×32×32 = 3072). */
    public static final int IMAGE_BYTES = CHANNELS * PLANE_BYTES;

    public LabeledImages {
        Objects.requireNonNull(pixels, "pixels");
        Objects.requireNonNull(labels, "labels");
        if (count < 0) {
            throw InvalidDataException.forField("count", count + " is negative");
        }
        if (labels.length != count) {
            throw InvalidDataException.forField("labels", labels.length + " labels for " + count + " images");
        }
        if (pixels.length != (long) count * IMAGE_BYTES) {
            throw InvalidDataException.forField(
                    "pixels",
                    pixels.length + " bytes for " + count + " images (expected " + (long) count * IMAGE_BYTES + ")");
        }
    }

    /** {@code new LabeledImages(pixels, labels, labels.length)}. */
    public LabeledImages(byte[] pixels, int[] labels) {
        this(pixels, labels, labels.length);
    }

    /** Index into {@link #pixels()} of image {@code image}, channel {@code channel}, row {@code row}, column {@code col}. */
    public static int offset(int image, int channel, int row, int col) {
        return image * IMAGE_BYTES + channel * PLANE_BYTES + row * WIDTH + col;
    }

    /** The pixel value 0..255. */
    public int pixel(int image, int channel, int row, int col) {
        return pixels[offset(image, channel, row, col)] & 0xFF;
    }

    /** Label of image {@code i}. */
    public int label(int i) {
        return labels[i];
    }

    /** A copy of image {@code i}: 3072 bytes, CHW. */
    public byte[] image(int i) {
        Objects.checkIndex(i, count);
        return Arrays.copyOfRange(pixels, i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES);
    }

    /** The images at {@code indices}, in that order (copied). */
    public LabeledImages subset(int[] indices) {
        byte[] px = new byte[Math.multiplyExact(indices.length, IMAGE_BYTES)];
        int[] lb = new int[indices.length];
        for (int j = 0; j < indices.length; j++) {
            int i = Objects.checkIndex(indices[j], count);
            System.arraycopy(pixels, i * IMAGE_BYTES, px, j * IMAGE_BYTES, IMAGE_BYTES);
            lb[j] = labels[i];
        }
        return new LabeledImages(px, lb, indices.length);
    }

    /** The first {@code min(n, count)} images. */
    public LabeledImages first(int n) {
        int m = Math.max(0, Math.min(n, count));
        return new LabeledImages(Arrays.copyOf(pixels, m * IMAGE_BYTES), Arrays.copyOf(labels, m), m);
    }

    /** All parts one after the other (e.g. the five CIFAR-10 training batches). */
    public static LabeledImages concat(LabeledImages... parts) {
        int n = 0;
        for (LabeledImages p : parts) {
            n = Math.addExact(n, p.count);
        }
        byte[] px = new byte[Math.multiplyExact(n, IMAGE_BYTES)];
        int[] lb = new int[n];
        int at = 0;
        for (LabeledImages p : parts) {
            System.arraycopy(p.pixels, 0, px, at * IMAGE_BYTES, p.count * IMAGE_BYTES);
            System.arraycopy(p.labels, 0, lb, at, p.count);
            at += p.count;
        }
        return new LabeledImages(px, lb, n);
    }

    /** Number of images per label 0..numClasses-1 (labels outside that range are ignored). */
    public int[] classCounts(int numClasses) {
        int[] c = new int[numClasses];
        for (int l : labels) {
            if (l >= 0 && l < numClasses) {
                c[l]++;
            }
        }
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabeledImages other
                && count == other.count
                && Arrays.equals(labels, other.labels)
                && Arrays.equals(pixels, other.pixels);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * count + Arrays.hashCode(labels)) + Arrays.hashCode(pixels);
    }

    @Override
    public String toString() {
        return "LabeledImages[count=" + count + ", 3x32x32 uint8]";
    }
}
