package io.softcifar.evaluator.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.softcifar.contracts.metrics.MetricCatalogue;
import io.softcifar.ml.data.LabeledImages;
import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.data.Splits;
import io.softcifar.ml.data.SyntheticData;
import io.softcifar.ml.eval.EvaluationOptions;
import io.softcifar.ml.eval.EvaluationResult;
import io.softcifar.ml.eval.Evaluator;
import io.softcifar.ml.model.Method;
import io.softcifar.ml.model.ModelConfig;
import io.softcifar.ml.train.LabelMode;
import io.softcifar.ml.train.TrainConfig;
import io.softcifar.ml.train.Trainer;
import io.softcifar.ml.train.TrainingData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every name a real evaluation reports is in contracts' {@link MetricCatalogue}: a tiny ResNet-8 of each method (one
 * training step of 16 synthetic images) is evaluated by ml-core's {@link Evaluator} with every option that adds
 * names — two OOD sets, three ε, MC Dropout passes, SNGP Monte Carlo — and an unknown name fails here, before a
 * consumer meets it. The families each method must have produced are written out by hand (PROTOCOL.md, "Metrics";
 * ml-core's Evaluator javadoc), so the check cannot pass by evaluating less.
 */
class EmittedMetricNamesTest {

    private static final int IMAGES = 200;
    private static final long RUN_SEED = 3;
    private static final List<String> CLASSIFIER = List.of(
            "accuracy",
            "ece",
            "ece_true_class",
            "overconfidence_error",
            "nll",
            "brier",
            "macro_precision",
            "macro_recall",
            "soft_cross_entropy",
            "soft_kl");
    private static final List<String> SETS = List.of("svhn", "cifar100");
    private static final List<Double> EPSILONS = List.of(0.0, 0.005, 0.01);

    @TempDir
    static Path root;

    @ParameterizedTest
    @EnumSource(Method.class)
    void everyReportedNameIsInTheCatalogue(Method method) {
        SoftLabelDataset data = SyntheticData.dataset(IMAGES, 21);
        TrainConfig config = TrainConfig.protocol(method, LabelMode.SOFT)
                .withModel(ModelConfig.defaults(method).withDepth(8))
                .withEpochs(1)
                .withBatchSize(16)
                .withLimit(16)
                .withWarmupEpochs(0)
                .withAugment(false)
                .withSeed(RUN_SEED);
        Path checkpoint = Trainer.train(
                        config,
                        TrainingData.of(data, Splits.seeded(IMAGES, RUN_SEED), config),
                        Trainer.Options.defaults(root.resolve(method.id())),
                        null)
                .bestCheckpoint();
        Map<String, LabeledImages> ood = new LinkedHashMap<>();
        ood.put("svhn", SyntheticData.svhnLikeImages(20, 31));
        ood.put("cifar100", SyntheticData.cifar100LikeImages(20, 32));
        EvaluationResult result = Evaluator.evaluate(
                checkpoint,
                data,
                ood,
                EvaluationOptions.defaults()
                        .withFgsmEpsilons(EPSILONS)
                        .withMcSamples(2)
                        .withSngpMcSamples(method == Method.SNGP ? 4 : 0));

        Map<String, Double> reported = result.metrics().metrics();
        assertThat(reported.keySet())
                .allSatisfy(name -> assertThat(MetricCatalogue.lookup(name))
                        .as("catalogue entry of %s", name)
                        .isPresent());
        assertThat(reported.keySet()).containsAll(expected(method));
        // and the service publishes exactly these names
        assertThat(MetricMapping.toEventMetrics(result.metrics())).isEqualTo(reported);
    }

    /** The names a method must report: test/*, the OOD scores of every set, every ε, and its variants. */
    private static List<String> expected(Method method) {
        List<String> splits = new ArrayList<>(List.of("test"));
        List<String> scores = new ArrayList<>(List.of("", "_max_prob", "_native"));
        switch (method) {
            case DROPOUT, DUQ -> {
                splits.add("test_ref");
                scores.add("_ref_max_prob");
            }
            case SNGP -> {
                splits.addAll(List.of("test_mc", "test_mc_logits"));
                scores.addAll(List.of("_mc_max_prob", "_mc_logits_max_logit"));
            }
            default -> {}
        }
        List<String> out = new ArrayList<>();
        splits.forEach(split -> CLASSIFIER.forEach(m -> out.add(split + "/" + m)));
        SETS.forEach(set -> scores.forEach(score -> {
            out.add("ood/" + set + "_auroc" + score);
            out.add("ood/" + set + "_aupr" + score);
        }));
        out.addAll(List.of("fgsm/0_decrease", "fgsm/0.005_decrease", "fgsm/0.01_decrease"));
        return out;
    }
}
