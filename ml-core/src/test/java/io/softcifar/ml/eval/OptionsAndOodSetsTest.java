package io.softcifar.ml.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionsAndOodSetsTest {

    @Test
    void defaultsAreTheProtocols() {
        EvaluationOptions o = EvaluationOptions.defaults();
        assertThat(o.fgsmEpsilons()).containsExactly(0.005);
        assertThat(o.mcSamples()).isEqualTo(10);
        assertThat(o.sngpMcSamples()).isZero();
        assertThat(o.device()).isEqualTo("cpu");
    }

    @Test
    void rejectsBadOptions() {
        EvaluationOptions o = EvaluationOptions.defaults();
        assertThatThrownBy(() -> o.withFgsmEpsilons(List.of(-0.1))).hasMessageStartingWith("fgsm: ");
        assertThatThrownBy(() -> o.withFgsmEpsilons(List.of(Double.NaN))).hasMessageStartingWith("fgsm: ");
        assertThatThrownBy(() -> o.withFgsmEpsilons(List.of(0.01, 0.010))).hasMessageContaining("twice");
        assertThatThrownBy(() -> o.withMcSamples(0)).hasMessageStartingWith("mc-samples: ");
        assertThatThrownBy(() -> o.withSngpMcSamples(-1)).hasMessageStartingWith("sngp-mc: ");
        assertThatThrownBy(() -> o.withBatchSize(0)).hasMessageStartingWith("batch-size: ");
    }

    @Test
    void parsesOodSpecifications() {
        Map<String, Path> m = OodSets.parse("cifar100=/a/test.bin, SVHN=/b/test_32x32.mat");
        assertThat(m)
                .containsExactly(
                        Map.entry("cifar100", Path.of("/a/test.bin")), Map.entry("svhn", Path.of("/b/test_32x32.mat")));
        assertThat(OodSets.parse(null)).isEmpty();
        assertThat(OodSets.parse(" ")).isEmpty();
    }

    @Test
    void rejectsBadOodSpecifications() {
        assertThatThrownBy(() -> OodSets.parse("mnist=x.bin"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ood: unknown OOD set 'mnist' (expected svhn or cifar100)");
        assertThatThrownBy(() -> OodSets.parse("svhn")).hasMessageStartingWith("ood: 'svhn' is not NAME=FILE");
        assertThatThrownBy(() -> OodSets.parse("svhn=a.mat,svhn=b.mat")).hasMessage("ood: svhn is given twice");
    }
}
