package io.softcifar.ml.metrics;

import java.math.BigDecimal;

/**
 * Metric names, in {@code split/metric} style. The split-free suffixes ({@link #ACCURACY}, ...) combine with any
 * split through {@link #of}; the {@code TEST_*} constants are the test-split names the study reports.
 */
public final class MetricNames {

    private MetricNames() {}

    public static final String SPLIT_TEST = "test";
    public static final String SPLIT_VALIDATION = "val";
    /** SNGP Monte Carlo: the mean softmax over S logit draws on the test split. */
    public static final String SPLIT_TEST_MC = "test_mc";
    /**
     * SNGP Monte Carlo as the reference forms it: softmax of the mean of S drawn logits on the test split (the
     * reference averages 1,000 draws).
     */
    public static final String SPLIT_TEST_MC_LOGITS = "test_mc_logits";
    /**
     * The test split under the reference code's predictive distribution where it differs from ours: MC Dropout =
     * softmax of the logits averaged over the S passes (ours averages the probabilities); DUQ = softmax of
     * sigmoid(ln(Kₖ / Σⱼ Kⱼ)) (ours: the normalized kernels). Absent for basic and SNGP.
     */
    public static final String SPLIT_TEST_REFERENCE = "test_ref";

    // split-free suffixes
    /** Accuracy as a fraction in [0, 1] (the protocol's table shows percent; convert when presenting). */
    public static final String ACCURACY = "accuracy";

    public static final String ECE = "ece";
    /** The reference code's true-class-probability ECE variant, see {@link Calibration#eceTrueClass}. */
    public static final String ECE_TRUE_CLASS = "ece_true_class";

    public static final String OVERCONFIDENCE = "overconfidence_error";
    public static final String NLL = "nll";
    public static final String BRIER = "brier";
    public static final String PRECISION = "macro_precision";
    public static final String RECALL = "macro_recall";
    public static final String SOFT_CE = "soft_cross_entropy";
    public static final String SOFT_KL = "soft_kl";

    public static final String TEST_ACCURACY = "test/accuracy";
    public static final String TEST_ECE = "test/ece";
    public static final String TEST_ECE_TRUE_CLASS = "test/ece_true_class";
    public static final String TEST_OVERCONFIDENCE = "test/overconfidence_error";
    public static final String TEST_NLL = "test/nll";
    public static final String TEST_BRIER = "test/brier";
    public static final String TEST_PRECISION = "test/macro_precision";
    public static final String TEST_RECALL = "test/macro_recall";
    public static final String TEST_SOFT_CE = "test/soft_cross_entropy";
    public static final String TEST_SOFT_KL = "test/soft_kl";

    public static final String OOD_SET_SVHN = "svhn";
    public static final String OOD_SET_CIFAR100 = "cifar100";
    /** The default OOD score; its metric names carry no score suffix. */
    public static final String SCORE_MAX_LOGIT = "max_logit";

    public static final String SCORE_MAX_PROB = "max_prob";
    /** Method-native score (SNGP: −predictive variance, DUQ: max kernel value). */
    public static final String SCORE_NATIVE = "native";
    /** SNGP Monte Carlo: max of the mean softmax over the logit draws. */
    public static final String SCORE_MC_MAX_PROB = "mc_max_prob";
    /** SNGP Monte Carlo as the reference: max of the mean of the drawn logits. */
    public static final String SCORE_MC_LOGITS_MAX_LOGIT = "mc_logits_max_logit";
    /** Max probability of the reference variant's distribution ({@link #SPLIT_TEST_REFERENCE}). */
    public static final String SCORE_REFERENCE_MAX_PROB = "ref_max_prob";

    public static final String OOD_SVHN_AUROC = "ood/svhn_auroc";
    public static final String OOD_SVHN_AUPR = "ood/svhn_aupr";
    public static final String FGSM_DEFAULT_DECREASE = "fgsm/0.005_decrease";

    /** {@code split + "/" + metric}, e.g. {@code of("val", ECE)} → "val/ece". */
    public static String of(String split, String metric) {
        requireToken("split", split);
        requireToken("metric", metric);
        return split + "/" + metric;
    }

    /**
     * "ood/{set}_auroc" for the default score {@value #SCORE_MAX_LOGIT}, otherwise "ood/{set}_auroc_{score}";
     * e.g. {@code oodAuroc("svhn", "max_prob")} → "ood/svhn_auroc_max_prob".
     */
    public static String oodAuroc(String set, String score) {
        return ood(set, "auroc", score);
    }

    /** Like {@link #oodAuroc} with "aupr": "ood/svhn_aupr", "ood/svhn_aupr_native", ... */
    public static String oodAupr(String set, String score) {
        return ood(set, "aupr", score);
    }

    /**
     * "fgsm/{eps}_decrease" with eps printed by {@code BigDecimal.valueOf(eps).stripTrailingZeros().toPlainString()}:
     * 0.005 → "fgsm/0.005_decrease", 0.01 → "fgsm/0.01_decrease", 1.0 → "fgsm/1_decrease".
     */
    public static String fgsmDecrease(double eps) {
        if (!Double.isFinite(eps) || eps < 0) {
            throw new IllegalArgumentException("eps must be finite and >= 0, got " + eps);
        }
        return "fgsm/" + BigDecimal.valueOf(eps).stripTrailingZeros().toPlainString() + "_decrease";
    }

    private static String ood(String set, String metric, String score) {
        requireToken("set", set);
        requireToken("score", score);
        String base = "ood/" + set + "_" + metric;
        return SCORE_MAX_LOGIT.equals(score) ? base : base + "_" + score;
    }

    private static void requireToken(String what, String s) {
        if (s == null || s.isBlank() || s.contains("/")) {
            throw new IllegalArgumentException(what + " must be a non-blank name without '/', got " + s);
        }
    }
}
