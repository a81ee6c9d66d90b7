package io.softcifar.contracts.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.softcifar.contracts.events.EvaluationCompleted;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Directions, formats and families written out by hand from the metrics' definitions (PROTOCOL.md, "Metrics"). */
class MetricCatalogueTest {

    @Test
    void directionsOfRepresentativeNames() {
        Map<String, Direction> expected = Map.ofEntries(
                Map.entry("test/accuracy", Direction.HIGHER),
                Map.entry("test/macro_precision", Direction.HIGHER),
                Map.entry("test/macro_recall", Direction.HIGHER),
                Map.entry("test/ece", Direction.LOWER),
                Map.entry("test/ece_true_class", Direction.LOWER),
                Map.entry("test/overconfidence_error", Direction.LOWER),
                Map.entry("test/nll", Direction.LOWER),
                Map.entry("test/brier", Direction.LOWER),
                Map.entry("test/soft_cross_entropy", Direction.LOWER),
                Map.entry("test/soft_kl", Direction.LOWER),
                Map.entry("test_mc/accuracy", Direction.HIGHER),
                Map.entry("test_mc_logits/nll", Direction.LOWER),
                Map.entry("test_ref/ece", Direction.LOWER),
                Map.entry("ood/svhn_auroc", Direction.HIGHER),
                Map.entry("ood/cifar100_aupr", Direction.HIGHER),
                Map.entry("ood/svhn_auroc_max_prob", Direction.HIGHER),
                Map.entry("ood/svhn_aupr_native", Direction.HIGHER),
                Map.entry("ood/cifar100_auroc_mc_max_prob", Direction.HIGHER),
                Map.entry("ood/svhn_aupr_mc_logits_max_logit", Direction.HIGHER),
                Map.entry("ood/svhn_auroc_ref_max_prob", Direction.HIGHER),
                Map.entry("fgsm/0.005_decrease", Direction.LOWER),
                Map.entry("fgsm/0_decrease", Direction.LOWER),
                Map.entry("fgsm/1_decrease", Direction.LOWER));
        expected.forEach((name, direction) -> assertThat(MetricCatalogue.lookup(name))
                .as(name)
                .get()
                .extracting(MetricDefinition::direction)
                .isEqualTo(direction));
    }

    @Test
    void parameterisedFamiliesAreFoundByTheirTemplate() {
        Map<String, String> familyOf = Map.of(
                "ood/svhn_auroc", "ood/<set>_auroc",
                "ood/cifar100_auroc", "ood/<set>_auroc",
                // a set name the evaluator does not know today is still the same family
                "ood/places365_aupr_max_prob", "ood/<set>_aupr_max_prob",
                "fgsm/0.03_decrease", "fgsm/<eps>_decrease",
                "fgsm/0.005_decrease", "fgsm/<eps>_decrease");
        familyOf.forEach((name, family) -> {
            MetricDefinition d = MetricCatalogue.require(name);
            assertThat(d.name()).as(name).isEqualTo(family);
            assertThat(d.parameterised()).as(name).isTrue();
        });
        assertThat(MetricCatalogue.require("test/accuracy").parameterised()).isFalse();
    }

    @Test
    void everyReportedNameHasExactlyOneEntry() {
        for (String name : List.of(
                "test/accuracy",
                "test/ece",
                "test/ece_true_class",
                "ood/svhn_auroc",
                "ood/svhn_auroc_max_prob",
                "ood/svhn_auroc_mc_max_prob",
                "ood/svhn_auroc_mc_logits_max_logit",
                "ood/svhn_aupr_ref_max_prob",
                "fgsm/0.005_decrease")) {
            assertThat(MetricCatalogue.matching(name)).as(name).hasSize(1);
        }
        // 4 splits × 10 classifier metrics + 2 OOD measures × 6 scores + FGSM
        assertThat(MetricCatalogue.all()).hasSize(4 * 10 + 2 * 6 + 1);
        assertThat(MetricCatalogue.all()).extracting(MetricDefinition::name).doesNotHaveDuplicates();
    }

    @Test
    void unknownAndMalformedNamesAreNotFound() {
        for (String name : List.of(
                "test/something",
                "test/accuracy_x",
                "val/accuracy",
                "ood/svhn_auroc_typo",
                "ood/svhn_x_auroc",
                "ood/_auroc",
                "fgsm/abc_decrease",
                "fgsm/0._decrease",
                "fgsm/-1_decrease",
                "accuracy",
                "")) {
            assertThat(MetricCatalogue.lookup(name)).as(name).isEmpty();
        }
        assertThat(MetricCatalogue.lookup(null)).isEmpty();
        assertThatThrownBy(() -> MetricCatalogue.require("test/something"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("metric 'test/something' is not in the metric catalogue; add it to contracts'"
                        + " io.softcifar.contracts.metrics.MetricCatalogue");
    }

    @Test
    void formatsOfTheReferenceTable() {
        // PROTOCOL.md's table: accuracy in percent with 3 decimals, AUROC 3 (SE 4), ECE and FGSM 4
        MetricFormat accuracy = MetricCatalogue.require("test/accuracy").format();
        assertThat(accuracy.value(0.82)).isEqualTo("82.000");
        assertThat(accuracy.error(0.02)).isEqualTo("2.000");
        assertThat(accuracy.unit()).isEqualTo("%");
        MetricFormat auroc = MetricCatalogue.require("ood/svhn_auroc").format();
        assertThat(auroc.value(0.72)).isEqualTo("0.720");
        assertThat(auroc.error(0.02)).isEqualTo("0.0200");
        assertThat(MetricCatalogue.require("test/ece").format().value(0.06)).isEqualTo("0.0600");
        assertThat(MetricCatalogue.require("fgsm/0.005_decrease").format().error(0.01))
                .isEqualTo("0.0100");
        assertThat(MetricCatalogue.require("test/nll").format()).isEqualTo(new MetricFormat(1, "", 4, 4));
        assertThatThrownBy(() -> new MetricFormat(0, "", 3, 3)).hasMessageContaining("scale");
    }

    @Test
    void labelsAndDescriptionsAreFilledAndTemplatesFitTheEventNameRule() {
        Map.of(
                        "test/ece",
                        "ECE",
                        "ood/svhn_auroc",
                        "OOD AUROC",
                        "fgsm/0.005_decrease",
                        "FGSM attack decrease",
                        "test_mc/accuracy",
                        "accuracy (SNGP MC)")
                .forEach((name, label) -> assertThat(
                                MetricCatalogue.require(name).label())
                        .as(name)
                        .isEqualTo(label));
        for (MetricDefinition d : MetricCatalogue.all()) {
            assertThat(d.description()).as(d.name()).isNotBlank().doesNotContain("\n");
            String example = d.name().replace("<set>", "svhn").replace("<eps>", "0.005");
            assertThat(EvaluationCompleted.METRIC_NAME.matcher(example).matches())
                    .as(example)
                    .isTrue();
            assertThat(MetricCatalogue.lookup(example)).as(example).contains(d);
        }
    }

    @Test
    void betterFollowsTheDirection() {
        assertThat(Direction.HIGHER.better(0.8, 0.7)).isTrue();
        assertThat(Direction.HIGHER.better(0.7, 0.7)).isFalse();
        assertThat(Direction.LOWER.better(0.02, 0.05)).isTrue();
        assertThat(Direction.LOWER.better(0.05, 0.02)).isFalse();
        assertThat(Direction.NONE.better(1, 0)).isFalse();
    }
}
