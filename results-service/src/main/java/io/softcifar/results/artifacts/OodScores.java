package io.softcifar.results.artifacts;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Histograms of a run's OOD scores, in-distribution (the test set) against each OOD set, from the evaluation dump's
 * {@code test_native_scores.npy} and {@code ood_<set>_native_scores.npy} (float32 vectors, ml-core's
 * {@code EvaluationDump}). Both histograms of a set share their bin edges, from the smallest to the largest score of
 * either; each bin counts the scores in [lower, upper), the last one includes its upper edge.
 */
public final class OodScores {

    /** One OOD set: shared edges (bins + 1), counts of the test set's and of the OOD set's scores per bin. */
    public record Histogram(
            String set,
            List<Double> edges,
            List<Integer> inDistribution,
            List<Integer> outOfDistribution,
            int inCount,
            int outCount) {}

    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\((\\d+),?\\)");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*True");

    private OodScores() {}

    /** The float32 vector of an {@code .npy} file; anything else (another dtype, 2-D, big-endian) is refused. */
    public static float[] readFloat32Vector(String name, byte[] npy) {
        if (npy.length < 10
                || (npy[0] & 0xff) != 0x93
                || !new String(npy, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
            throw new IllegalArgumentException(name + ": not an .npy file");
        }
        int major = npy[6];
        int headerLength;
        int start;
        if (major == 1) {
            headerLength = (npy[8] & 0xff) | (npy[9] & 0xff) << 8;
            start = 10;
        } else if (major == 2 || major == 3) {
            headerLength =
                    ByteBuffer.wrap(npy, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            start = 12;
        } else {
            throw new IllegalArgumentException(name + ": unknown .npy version " + major);
        }
        if (headerLength < 0 || start + headerLength > npy.length) {
            throw new IllegalArgumentException(name + ": header longer than the file");
        }
        String header = new String(npy, start, headerLength, StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(header);
        Matcher shape = SHAPE.matcher(header);
        if (!descr.find()
                || !descr.group(1).equals("<f4")
                || !shape.find()
                || FORTRAN.matcher(header).find()) {
            throw new IllegalArgumentException(
                    name + ": expected a little-endian float32 vector, header " + header.strip());
        }
        long n = Long.parseLong(shape.group(1));
        int data = start + headerLength;
        if (n * 4 != npy.length - data) {
            throw new IllegalArgumentException(
                    name + ": " + n + " float32 values announced, " + (npy.length - data) + " bytes of data");
        }
        float[] values = new float[(int) n];
        ByteBuffer.wrap(npy, data, npy.length - data)
                .order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer()
                .get(values);
        return values;
    }

    /** Both histograms of one OOD set with {@code bins} shared bins (non-finite scores are left out). */
    public static Histogram histogram(String set, float[] in, float[] out, int bins) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (float[] values : new float[][] {in, out}) {
            for (float v : values) {
                if (Float.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (lo > hi) {
            return new Histogram(set, List.of(), List.of(), List.of(), 0, 0);
        }
        if (lo == hi) {
            hi = lo + 1;
        }
        List<Double> edges = new ArrayList<>();
        for (int i = 0; i <= bins; i++) {
            edges.add(lo + (hi - lo) * i / bins);
        }
        int[] inCounts = counts(in, lo, hi, bins);
        int[] outCounts = counts(out, lo, hi, bins);
        return new Histogram(set, edges, boxed(inCounts), boxed(outCounts), sum(inCounts), sum(outCounts));
    }

    private static int[] counts(float[] values, double lo, double hi, int bins) {
        int[] counts = new int[bins];
        for (float v : values) {
            if (Float.isFinite(v)) {
                int bin = (int) Math.floor((v - lo) / (hi - lo) * bins);
                counts[Math.min(bins - 1, Math.max(0, bin))]++;
            }
        }
        return counts;
    }

    private static List<Integer> boxed(int[] counts) {
        List<Integer> list = new ArrayList<>(counts.length);
        for (int c : counts) {
            list.add(c);
        }
        return list;
    }

    private static int sum(int[] counts) {
        int s = 0;
        for (int c : counts) {
            s += c;
        }
        return s;
    }
}
