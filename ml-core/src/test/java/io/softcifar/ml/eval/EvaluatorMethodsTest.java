package io.softcifar.ml.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.softcifar.ml.data.LabeledImages;
import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.metrics.MetricNames;
import io.softcifar.ml.model.Method;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MC Dropout, SNGP and DUQ checkpoints (one tiny epoch each) through the same evaluator. */
class EvaluatorMethodsTest {

    private static final List<Double> EPSILONS = List.of(0.0, 0.005);

    private static EvaluationResult evaluate(Method method, EvaluationOptions options) {
        SoftLabelDataset data = TrainedModels.dataset();
        Map<String, LabeledImages> ood = Map.of("svhn", OodSets.load("svhn", TrainedModels.svhnFile()));
        return Evaluator.evaluate(TrainedModels.checkpoint(method), data, ood, options.withFgsmEpsilons(EPSILONS));
    }

    private static void assertValid(EvaluationResult r) {
        r.metrics().metrics().forEach((name, v) -> {
            assertThat(v).as(name).isFinite().isGreaterThanOrEqualTo(0.0);
            if (!name.endsWith("nll")
                    && !name.endsWith("soft_cross_entropy")
                    && !name.endsWith("soft_kl")
                    && !name.endsWith("brier")) {
                assertThat(v).as(name).isLessThanOrEqualTo(1.0);
            }
        });
        assertThat(r.metrics().metrics())
                .containsKeys(
                        MetricNames.TEST_ACCURACY,
                        MetricNames.OOD_SVHN_AUROC,
                        "ood/svhn_auroc_native",
                        MetricNames.FGSM_DEFAULT_DECREASE);
        // probabilities are distributions
        float[] p = r.test().probabilities();
        for (int i = 0; i < r.test().count(); i++) {
            double sum = 0;
            for (int k = 0; k < 10; k++) {
                sum += p[i * 10 + k];
            }
            assertThat(sum).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
        }
    }

    @Test
    void mcDropoutAveragesTheConfiguredNumberOfPasses() {
        EvaluationResult r =
                evaluate(Method.DROPOUT, EvaluationOptions.defaults().withMcSamples(3));
        assertValid(r);
        assertThat(r.info().passes()).isEqualTo(3);
        assertThat(r.info().method()).isEqualTo("dropout");
        // the reference's logit average from the same passes, under its own names
        assertThat(r.metrics().metrics())
                .containsKeys("test_ref/accuracy", "test_ref/ece", "test_ref/nll", "ood/svhn_auroc_ref_max_prob");
        // its accuracy is that of the argmax of the mean logits (the dumped test logits)
        int correct = 0;
        for (int i = 0; i < r.test().count(); i++) {
            int best = 0;
            for (int k = 1; k < 10; k++) {
                if (r.test().logits()[i * 10 + k] > r.test().logits()[i * 10 + best]) {
                    best = k;
                }
            }
            correct += best == r.testLabels()[i] ? 1 : 0;
        }
        assertThat(r.metrics().get("test_ref/accuracy"))
                .isCloseTo((double) correct / r.test().count(), within(1e-12));
        // stochastic passes: native score = max of the averaged probabilities
        for (int i = 0; i < r.test().count(); i++) {
            float max = 0;
            for (int k = 0; k < 10; k++) {
                max = Math.max(max, r.test().probabilities()[i * 10 + k]);
            }
            assertThat(r.test().nativeScores()[i]).isEqualTo(max);
        }
    }

    @Test
    void sngpReportsMeanFieldAndOnRequestMonteCarlo(@TempDir Path dump) {
        EvaluationResult r = evaluate(Method.SNGP, EvaluationOptions.defaults().withSngpMcSamples(50));
        EvaluationDump.write(dump, r);
        assertThat(dump.resolve("test_mc_probabilities.npy")).exists();
        assertThat(dump.resolve("ood_svhn_mc_probabilities.npy")).exists();
        assertValid(r);
        assertThat(r.metrics().metrics())
                .containsKeys(
                        "test_mc/accuracy",
                        "test_mc/ece",
                        "ood/svhn_auroc_mc_max_prob",
                        "test_mc_logits/accuracy",
                        "test_mc_logits/ece",
                        "test_mc_logits/nll",
                        "ood/svhn_auroc_mc_logits_max_logit",
                        "ood/svhn_aupr_mc_logits_max_logit");
        // every name passes the event contract's metric-name pattern [a-z0-9_]+/[a-z0-9_.]+ (results-service)
        assertThat(r.metrics().metrics().keySet()).allMatch(k -> k.matches("[a-z0-9_]+/[a-z0-9_.]+"));
        assertThat(r.metrics().get("test_mc_logits/accuracy")).isBetween(0.0, 1.0);
        assertThat(r.metrics().get("ood/svhn_auroc_mc_logits_max_logit")).isBetween(0.0, 1.0);
        assertThat(r.testMcProbabilities()).hasSize(r.test().count() * 10);
        assertThat(r.metrics().get("fgsm/0_decrease")).isZero();
        // native score = −predictive variance ≤ 0
        for (float s : r.test().nativeScores()) {
            assertThat(s).isLessThanOrEqualTo(0f);
        }
    }

    @Test
    void duqUsesNormalizedKernelsAndMaxKernelAsNativeScore() {
        EvaluationResult r = evaluate(Method.DUQ, EvaluationOptions.defaults());
        assertValid(r);
        assertThat(r.metrics().get("fgsm/0_decrease")).isZero();
        assertThat(r.metrics().metrics())
                .containsKeys(
                        "test_ref/accuracy", "test_ref/ece", "test_ref/ece_true_class", "ood/svhn_auroc_ref_max_prob");
        int n = r.test().count();
        double[] maxProb = new double[n];
        for (int i = 0; i < n; i++) {
            double maxLogit = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < 10; k++) {
                maxLogit = Math.max(maxLogit, r.test().logits()[i * 10 + k]);
                maxProb[i] = Math.max(maxProb[i], r.test().probabilities()[i * 10 + k]);
                // logits are the log of the normalized kernels (the probabilities)
                assertThat(Math.exp(r.test().logits()[i * 10 + k]))
                        .isCloseTo(r.test().probabilities()[i * 10 + k], within(1e-6));
            }
            assertThat(Math.exp(maxLogit)).isCloseTo(maxProb[i], within(1e-6));
            assertThat((double) r.test().nativeScores()[i]).isBetween(0.0, 1.0); // a kernel value
        }
        // the native max kernel ranks some pair of test points differently from the max normalized kernel
        int discordant = 0;
        float[] k = r.test().nativeScores();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (k[i] > k[j] && maxProb[i] < maxProb[j]) {
                    discordant++;
                }
            }
        }
        System.out.printf(
                "DUQ svhn AUROC: max logit %.4f, max prob %.4f, native %.4f, reference max prob %.4f;"
                        + " %d discordant pairs; test ECE %.4f, reference ECE %.4f%n",
                r.metrics().get(MetricNames.OOD_SVHN_AUROC),
                r.metrics().get("ood/svhn_auroc_max_prob"),
                r.metrics().get("ood/svhn_auroc_native"),
                r.metrics().get("ood/svhn_auroc_ref_max_prob"),
                discordant,
                r.metrics().get("test/ece"),
                r.metrics().get("test_ref/ece"));
        assertThat(discordant).isPositive();
        // softmax(q / (1 + q)) keeps the argmax of q, so the reference variant's accuracy is ours
        assertThat(r.metrics().get("test_ref/accuracy")).isEqualTo(r.metrics().get(MetricNames.TEST_ACCURACY));
        assertThat(r.metrics().get("ood/svhn_auroc_native"))
                .isNotEqualTo(r.metrics().get(MetricNames.OOD_SVHN_AUROC));
    }

    @Test
    void sngpMonteCarloOnAnotherMethodIsIgnoredWithANote() {
        EvaluationResult r = evaluate(
                Method.BASIC, EvaluationOptions.defaults().withSngpMcSamples(5).withFgsmEpsilons(List.of()));
        assertThat(r.notes()).anyMatch(n -> n.startsWith("sngp-mc ignored"));
        assertThat(r.testMcProbabilities()).isNull();
        assertThat(r.metrics().metrics().keySet()).noneMatch(k -> k.startsWith("test_mc"));
        assertThat(r.metrics().metrics().keySet()).noneMatch(k -> k.startsWith("test_ref/") || k.contains("ref_max"));
    }
}
