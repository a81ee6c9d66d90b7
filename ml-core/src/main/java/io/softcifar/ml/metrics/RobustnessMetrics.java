package io.softcifar.ml.metrics;

/** Adversarial-robustness summaries. */
public final class RobustnessMetrics {

    private RobustnessMetrics() {}

    /**
     * FGSM attack decrease: among the points classified correctly before the attack, the fraction classified
     * wrongly after it. Points wrong before the attack are ignored (their {@code correctAfter} value does not
     * matter). Returns 0 when no point was correct before the attack (nothing to attack), by convention.
     *
     * @param correctBefore per test point: prediction correct on the clean input
     * @param correctAfter  per test point: prediction correct on the attacked input; same length
     */
    public static double fgsmDecrease(boolean[] correctBefore, boolean[] correctAfter) {
        if (correctBefore == null) {
            throw new IllegalArgumentException("correctBefore is null");
        }
        if (correctAfter == null) {
            throw new IllegalArgumentException("correctAfter is null");
        }
        if (correctBefore.length == 0) {
            throw new IllegalArgumentException("correctBefore is empty");
        }
        Validation.requireSameLength("correctBefore", correctBefore.length, "correctAfter", correctAfter.length);
        int attacked = 0;
        int flipped = 0;
        for (int i = 0; i < correctBefore.length; i++) {
            if (correctBefore[i]) {
                attacked++;
                if (!correctAfter[i]) {
                    flipped++;
                }
            }
        }
        return attacked == 0 ? 0.0 : (double) flipped / attacked;
    }
}
