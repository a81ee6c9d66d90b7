package io.softcifar.results.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every expected number here is worked out by hand in the comments. */
class ComparisonTest {

    private static ComparisonInput input() {
        return new ComparisonInput(
                "st",
                "hand",
                List.of(new ComparisonInput.Config("a", "basic, soft"), new ComparisonInput.Config("b", "basic, hard")),
                List.of(
                        new ComparisonInput.Run(
                                "a0",
                                "a",
                                0,
                                "FINISHED",
                                null,
                                Map.of(
                                        "test/accuracy",
                                        0.80,
                                        "test/ece",
                                        0.05,
                                        "ood/svhn_auroc",
                                        0.70,
                                        "fgsm/0.005_decrease",
                                        0.30)),
                        new ComparisonInput.Run(
                                "a1",
                                "a",
                                1,
                                "FINISHED",
                                null,
                                Map.of(
                                        "test/accuracy",
                                        0.84,
                                        "test/ece",
                                        0.07,
                                        "ood/svhn_auroc",
                                        0.74,
                                        "fgsm/0.005_decrease",
                                        0.34)),
                        new ComparisonInput.Run(
                                "b0",
                                "b",
                                0,
                                "FINISHED",
                                null,
                                Map.of(
                                        "test/accuracy",
                                        0.70,
                                        "test/ece",
                                        0.02,
                                        "ood/svhn_auroc",
                                        0.60,
                                        "fgsm/0.005_decrease",
                                        0.40)),
                        new ComparisonInput.Run(
                                "b1",
                                "b",
                                1,
                                "FINISHED",
                                null,
                                Map.of(
                                        "test/accuracy",
                                        0.76,
                                        "test/ece",
                                        0.04,
                                        "ood/svhn_auroc",
                                        0.62,
                                        "fgsm/0.005_decrease",
                                        0.44)),
                        new ComparisonInput.Run("b2", "b", 2, "FAILED", "out of memory", null)));
    }

    @Test
    void meanAndStandardErrorByHand() {
        Comparison c = Comparison.of(input());
        Comparison.Row a = c.configurations().get(0);
        Comparison.Row b = c.configurations().get(1);
        assertThat(a.n()).isEqualTo(2);
        // a: 0.80, 0.84 → mean 0.82; deviations ±0.02 → std = sqrt(2·0.0004/1) = 0.028284; SE = std/√2 = 0.02
        assertThat(a.metrics().get("test/accuracy").mean()).isCloseTo(0.82, within(1e-12));
        assertThat(a.metrics().get("test/accuracy").std()).isCloseTo(0.0282842712, within(1e-9));
        assertThat(a.metrics().get("test/accuracy").stdErr()).isCloseTo(0.02, within(1e-12));
        // b: 0.70, 0.76 → mean 0.73, SE 0.03; ECE 0.02, 0.04 → 0.03 ± 0.01
        assertThat(b.metrics().get("test/accuracy").mean()).isCloseTo(0.73, within(1e-12));
        assertThat(b.metrics().get("test/accuracy").stdErr()).isCloseTo(0.03, within(1e-12));
        assertThat(b.metrics().get("test/ece").mean()).isCloseTo(0.03, within(1e-12));
        assertThat(b.metrics().get("test/ece").stdErr()).isCloseTo(0.01, within(1e-12));
        // best: higher accuracy and AUROC (a), lower ECE (b), lower FGSM decrease (a: 0.32 < 0.42)
        assertThat(c.best())
                .containsEntry("test/accuracy", "a")
                .containsEntry("ood/svhn_auroc", "a")
                .containsEntry("test/ece", "b")
                .containsEntry("fgsm/0.005_decrease", "a");
        assertThat(a.metrics().get("test/accuracy").best()).isTrue();
        assertThat(b.metrics().get("test/ece").best()).isTrue();
        // the failed run is listed, not dropped
        assertThat(c.missing()).singleElement().satisfies(m -> {
            assertThat(m.runId()).isEqualTo("b2");
            assertThat(m.status()).isEqualTo("FAILED");
            assertThat(m.reason()).isEqualTo("out of memory");
        });
        assertThat(c.runs()).isEqualTo(5);
        assertThat(c.evaluated()).isEqualTo(4);
    }

    @Test
    void threeSeedsAndOneSeed() {
        // 0.1, 0.2, 0.6: mean 0.3; squares 0.04 + 0.01 + 0.09 = 0.14; var 0.07; std 0.2645751; SE 0.2645751/√3 =
        // 0.1527525
        SeedStats s = SeedStats.of(List.of(0.1, 0.2, 0.6));
        assertThat(s.mean()).isCloseTo(0.3, within(1e-12));
        assertThat(s.std()).isCloseTo(0.2645751311, within(1e-9));
        assertThat(s.stdErr()).isCloseTo(0.1527525232, within(1e-9));
        SeedStats one = SeedStats.of(List.of(0.5));
        assertThat(one.n()).isEqualTo(1);
        assertThat(one.stdErr()).isNull();
        // 1, 2, 3, 4: mean 2.5; squares 2.25 + 0.25 + 0.25 + 2.25 = 5; var 5/3; std 1.2909944; SE std/2 = 0.6454972
        SeedStats four = SeedStats.of(List.of(1.0, 2.0, 3.0, 4.0));
        assertThat(four.mean()).isCloseTo(2.5, within(1e-12));
        assertThat(four.std()).isCloseTo(1.2909944487, within(1e-9));
        assertThat(four.stdErr()).isCloseTo(0.6454972244, within(1e-9));
        assertThatThrownBy(() -> SeedStats.of(List.of())).hasMessage("values: at least one");
        assertThatThrownBy(() -> SeedStats.of(List.of(1.0, Double.NaN)))
                .hasMessage("values[1]: must be a finite number, got NaN");
    }

    @Test
    void directionsComeFromTheCatalogue() {
        assertThat(MetricDirection.of("test/accuracy")).isEqualTo(MetricDirection.HIGHER);
        assertThat(MetricDirection.of("test_ref/accuracy")).isEqualTo(MetricDirection.HIGHER);
        assertThat(MetricDirection.of("ood/cifar100_aupr_mc_logits_max_logit")).isEqualTo(MetricDirection.HIGHER);
        assertThat(MetricDirection.of("ood/svhn_auroc")).isEqualTo(MetricDirection.HIGHER);
        assertThat(MetricDirection.of("test/macro_precision")).isEqualTo(MetricDirection.HIGHER);
        assertThat(MetricDirection.of("test/ece")).isEqualTo(MetricDirection.LOWER);
        assertThat(MetricDirection.of("test/nll")).isEqualTo(MetricDirection.LOWER);
        assertThat(MetricDirection.of("test/brier")).isEqualTo(MetricDirection.LOWER);
        assertThat(MetricDirection.of("fgsm/0.005_decrease")).isEqualTo(MetricDirection.LOWER);
        assertThat(MetricDirection.of("test/overconfidence_error")).isEqualTo(MetricDirection.LOWER);
        assertThat(MetricDirection.of("test/soft_kl")).isEqualTo(MetricDirection.LOWER);
        assertThat(MetricDirection.of("test_mc/ece_true_class")).isEqualTo(MetricDirection.LOWER);
        // not in the catalogue: no direction, whatever the name suggests
        assertThat(MetricDirection.of("test/something")).isEqualTo(MetricDirection.UNKNOWN);
        assertThat(MetricDirection.of("test/accuracy_of_something")).isEqualTo(MetricDirection.UNKNOWN);
        assertThat(MetricDirection.of("val/loss")).isEqualTo(MetricDirection.UNKNOWN);
    }

    @Test
    void anUnknownMetricIsComparedButNeverBest() {
        Comparison c = Comparison.of(new ComparisonInput(
                "st",
                "x",
                List.of(new ComparisonInput.Config("a", "a"), new ComparisonInput.Config("b", "b")),
                List.of(
                        new ComparisonInput.Run("a0", "a", 0, "FINISHED", null, Map.of("test/something", 1.0)),
                        new ComparisonInput.Run("b0", "b", 0, "FINISHED", null, Map.of("test/something", 2.0)))));
        assertThat(c.directions()).containsExactly(Map.entry("test/something", MetricDirection.UNKNOWN));
        assertThat(c.best()).isEmpty();
        assertThat(c.configurations().get(1).metrics().get("test/something").mean())
                .isEqualTo(2.0);
        assertThat(ComparisonFormats.csv(c)).contains("a,a,test/something,unknown,1,1.0,,,false,");
    }

    @Test
    void anotherOodSetAndEpsilonFillTheReferenceColumns() {
        // no svhn and no ε = 0.005: the first name of each catalogue family, formatted like the default one
        Comparison c = Comparison.of(new ComparisonInput(
                "st",
                "x",
                List.of(new ComparisonInput.Config("a", "a")),
                List.of(new ComparisonInput.Run(
                        "a0",
                        "a",
                        0,
                        "FINISHED",
                        null,
                        Map.of(
                                "test/accuracy",
                                0.5,
                                "ood/cifar100_auroc",
                                0.625,
                                "ood/cifar100_auroc_max_prob",
                                0.125,
                                "test/ece",
                                0.25,
                                "fgsm/0.01_decrease",
                                0.375)))));
        assertThat(ComparisonFormats.markdown(c))
                .contains("| configuration | accuracy % | OOD AUROC | ECE | FGSM attack decrease | n |")
                .contains("| a | **50.000** | **0.625** | **0.2500** | **0.3750** | 1 |");
    }

    @Test
    void markdownLatexAndCsvInTheReferenceLayout() {
        Comparison c = Comparison.of(input());
        String md = ComparisonFormats.markdown(c);
        assertThat(md).contains("| configuration | accuracy % | OOD AUROC | ECE | FGSM attack decrease | n |");
        // a: accuracy 82.000 ± 2.000 (%), AUROC 0.72 ± 0.02, ECE 0.06 ± 0.01, FGSM 0.32 ± 0.02
        assertThat(md)
                .contains(
                        "| basic, soft | **82.000 ± 2.000** | **0.720 ± 0.0200** | 0.0600 ± 0.0100 | **0.3200 ± 0.0200** | 2 |");
        assertThat(md)
                .contains(
                        "| basic, hard | 73.000 ± 3.000 | 0.610 ± 0.0100 | **0.0300 ± 0.0100** | 0.4200 ± 0.0200 | 2 |");
        assertThat(md).contains("`b2` (basic, hard, seed 2): FAILED — out of memory");
        String tex = ComparisonFormats.latex(c);
        assertThat(tex).contains("configuration & accuracy \\% & OOD AUROC & ECE & FGSM attack decrease & $n$ \\\\");
        assertThat(tex).contains("basic, soft & $\\mathbf{82.000 \\pm 2.000}$");
        assertThat(tex).contains("\\begin{tabular}").contains("\\bottomrule");
        String csv = ComparisonFormats.csv(c);
        assertThat(csv.lines().findFirst().orElseThrow())
                .startsWith("configuration,configKey,metric,direction,n,mean,std,stdErr,best,missingRuns,");
        assertThat(csv).contains("\"basic, hard\",b,test/ece,lower,2,");
        // missingRuns, then the seven provenance columns (empty: these runs carry none)
        assertThat(csv.lines().filter(l -> l.contains(",b,")).allMatch(l -> l.endsWith(",b2,,,,,,,")))
                .isTrue();
    }
}
