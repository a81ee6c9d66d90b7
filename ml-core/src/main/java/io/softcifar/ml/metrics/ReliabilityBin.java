package io.softcifar.ml.metrics;

/**
 * One bin of a reliability diagram.
 *
 * <p>Bin {@code index} m of B covers the half-open interval ({@code lower}, {@code upper}] = (m/B, (m+1)/B];
 * bin 0 additionally holds confidence exactly 0, i.e. it is [0, 1/B].
 *
 * <p>Empty bins are reported with {@code count = 0}, {@code meanConfidence = 0} and {@code accuracy = 0}
 * (never NaN, so the JSON stays standard); always check {@code count} before reading the other two.
 *
 * @param index          bin number m, 0-based
 * @param lower          m / B (exclusive, except 0 for bin 0)
 * @param upper          (m + 1) / B (inclusive)
 * @param count          number of examples whose confidence falls in the bin
 * @param meanConfidence mean confidence of those examples (0 if empty)
 * @param accuracy       fraction of those examples that are correct (0 if empty)
 */
public record ReliabilityBin(int index, double lower, double upper, int count, double meanConfidence, double accuracy) {

    /** |accuracy − meanConfidence|, 0 for an empty bin. */
    public double gap() {
        return Math.abs(accuracy - meanConfidence);
    }
}
