package io.softcifar.ml.data;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * Per-channel mean and population standard deviation of pixels in [0, 1] scale (pixel / 255), over a set of
 * images — the protocol's normalization, computed on the train split.
 *
 * <p>Sums and sums of squares are accumulated exactly in integers, so the result does not depend on the order of
 * the images.
 */
public record ChannelStats(double[] mean, double[] std) {

    public ChannelStats {
        if (mean.length != std.length) {
            throw InvalidDataException.forField("std", std.length + " values for " + mean.length + " channels");
        }
    }

    /** Statistics of the images {@code indices} of {@code images}. */
    public static ChannelStats of(LabeledImages images, int[] indices) {
        return of(images.pixels(), indices);
    }

    /**
     * Statistics of the images {@code indices} of an NCHW uint8 pixel array (3×32×32 per image).
     *
     * @throws InvalidDataException if {@code indices} is empty or an index is out of range
     */
    public static ChannelStats of(byte[] pixels, int[] indices) {
        int c = LabeledImages.CHANNELS;
        int plane = LabeledImages.PLANE_BYTES;
        int imageBytes = LabeledImages.IMAGE_BYTES;
        if (pixels.length % imageBytes != 0) {
            throw InvalidDataException.forField("pixels", pixels.length + " bytes is not a multiple of " + imageBytes);
        }
        int n = pixels.length / imageBytes;
        if (indices.length == 0) {
            throw InvalidDataException.forField("indices", "empty (need at least one image)");
        }
        long[] sum = new long[c];
        long[] sumSq = new long[c];
        for (int idx : indices) {
            if (idx < 0 || idx >= n) {
                throw InvalidDataException.forField("indices", "index " + idx + " is not in 0.." + (n - 1));
            }
            for (int ch = 0; ch < c; ch++) {
                int base = idx * imageBytes + ch * plane;
                long s = 0;
                long q = 0;
                for (int k = 0; k < plane; k++) {
                    int v = pixels[base + k] & 0xFF;
                    s += v;
                    q += (long) v * v; // v <= 255: the int product never overflowed; the cast says so
                }
                sum[ch] += s;
                sumSq[ch] += q;
            }
        }
        long count = (long) indices.length * plane;
        double[] mean = new double[c];
        double[] std = new double[c];
        BigInteger bc = BigInteger.valueOf(count);
        for (int ch = 0; ch < c; ch++) {
            mean[ch] = (double) sum[ch] / count / 255.0;
            // population variance in pixel units = (count·Σv² − (Σv)²) / count², exact in integers
            BigInteger num = bc.multiply(BigInteger.valueOf(sumSq[ch]))
                    .subtract(BigInteger.valueOf(sum[ch]).pow(2));
            double var = num.doubleValue() / ((double) count * count);
            std[ch] = Math.sqrt(var) / 255.0;
        }
        return new ChannelStats(mean, std);
    }

    /** The means as floats (e.g. for a normalize transform). */
    public float[] meanAsFloats() {
        return toFloats(mean);
    }

    /** The standard deviations as floats. */
    public float[] stdAsFloats() {
        return toFloats(std);
    }

    private static float[] toFloats(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelStats s && Arrays.equals(mean, s.mean) && Arrays.equals(std, s.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "ChannelStats[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
