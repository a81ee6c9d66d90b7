package io.softcifar.ml.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MetricNamesTest {

    @Test
    void constants() {
        assertThat(MetricNames.TEST_ACCURACY).isEqualTo("test/accuracy");
        assertThat(MetricNames.TEST_ECE).isEqualTo("test/ece");
        assertThat(MetricNames.TEST_ECE_TRUE_CLASS).isEqualTo("test/ece_true_class");
        assertThat(MetricNames.TEST_OVERCONFIDENCE).isEqualTo("test/overconfidence_error");
        assertThat(MetricNames.TEST_NLL).isEqualTo("test/nll");
        assertThat(MetricNames.TEST_BRIER).isEqualTo("test/brier");
        assertThat(MetricNames.TEST_PRECISION).isEqualTo("test/macro_precision");
        assertThat(MetricNames.TEST_RECALL).isEqualTo("test/macro_recall");
        assertThat(MetricNames.TEST_SOFT_CE).isEqualTo("test/soft_cross_entropy");
        assertThat(MetricNames.TEST_SOFT_KL).isEqualTo("test/soft_kl");
        // the split-free suffixes agree with the TEST_ constants
        assertThat(MetricNames.of("test", MetricNames.OVERCONFIDENCE)).isEqualTo(MetricNames.TEST_OVERCONFIDENCE);
        assertThat(MetricNames.of("test", MetricNames.SOFT_KL)).isEqualTo(MetricNames.TEST_SOFT_KL);
        assertThat(MetricNames.of("val", MetricNames.ECE)).isEqualTo("val/ece");
    }

    @Test
    void oodNames() {
        assertThat(MetricNames.oodAuroc("svhn", "max_logit"))
                .isEqualTo("ood/svhn_auroc")
                .isEqualTo(MetricNames.OOD_SVHN_AUROC);
        assertThat(MetricNames.oodAuroc("svhn", "max_prob")).isEqualTo("ood/svhn_auroc_max_prob");
        assertThat(MetricNames.oodAuroc("svhn", "native")).isEqualTo("ood/svhn_auroc_native");
        assertThat(MetricNames.oodAupr("svhn", "max_logit")).isEqualTo("ood/svhn_aupr");
        assertThat(MetricNames.oodAupr("cifar100", "native")).isEqualTo("ood/cifar100_aupr_native");
        // the reference variant (MC Dropout logit average, DUQ softmax of its "logits") under its own names, which the
        // evaluation.completed contract's name rule [a-z0-9_]+/[a-z0-9_.]+ accepts
        assertThat(MetricNames.of(MetricNames.SPLIT_TEST_REFERENCE, MetricNames.ECE))
                .isEqualTo("test_ref/ece");
        assertThat(MetricNames.oodAuroc("svhn", MetricNames.SCORE_REFERENCE_MAX_PROB))
                .isEqualTo("ood/svhn_auroc_ref_max_prob")
                .matches("[a-z0-9_]+/[a-z0-9_.]+");
        assertThatThrownBy(() -> MetricNames.oodAuroc("svhn/x", "max_logit"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MetricNames.oodAuroc("svhn", " ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fgsmNames() {
        assertThat(MetricNames.fgsmDecrease(0.005))
                .isEqualTo("fgsm/0.005_decrease")
                .isEqualTo(MetricNames.FGSM_DEFAULT_DECREASE);
        assertThat(MetricNames.fgsmDecrease(0.01)).isEqualTo("fgsm/0.01_decrease");
        assertThat(MetricNames.fgsmDecrease(0.1)).isEqualTo("fgsm/0.1_decrease");
        assertThat(MetricNames.fgsmDecrease(1.0)).isEqualTo("fgsm/1_decrease");
        assertThat(MetricNames.fgsmDecrease(0.0005)).isEqualTo("fgsm/0.0005_decrease");
        assertThatThrownBy(() -> MetricNames.fgsmDecrease(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MetricNames.fgsmDecrease(-0.01)).isInstanceOf(IllegalArgumentException.class);
    }
}
