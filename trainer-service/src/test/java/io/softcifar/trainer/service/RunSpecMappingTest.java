package io.softcifar.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.softcifar.contracts.spec.FieldError;
import io.softcifar.contracts.spec.InvalidSpecException;
import io.softcifar.contracts.spec.RunSpec;
import io.softcifar.ml.model.DropoutConfig;
import io.softcifar.ml.model.Method;
import io.softcifar.ml.model.Precision;
import io.softcifar.ml.train.LabelMode;
import io.softcifar.ml.train.Mixing;
import io.softcifar.ml.train.TrainConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RunSpec → TrainConfig, against values written down from PROTOCOL.md and the spec's documentation. */
class RunSpecMappingTest {

    @Test
    void aSpecWithOnlyTheRequiredFieldsIsTheProtocolRun() {
        TrainConfig c = RunSpecMapping.toTrainConfig(
                RunSpec.builder("ds-1", "basic", "soft").build(), 0.15, 10);

        assertThat(c.model().method()).isEqualTo(Method.BASIC);
        assertThat(c.model().depth()).isEqualTo(20);
        assertThat(c.model().classes()).isEqualTo(10);
        assertThat(c.model().methodConfig().backboneDropout()).isEqualTo(0.0);
        assertThat(c.labels()).isEqualTo(LabelMode.SOFT);
        assertThat(c.mixing()).isEqualTo(Mixing.NONE);
        assertThat(c.entropyThreshold()).isEqualTo(0.0);
        assertThat(c.augment()).isTrue();
        assertThat(c.epochs()).isEqualTo(230);
        assertThat(c.batchSize()).isEqualTo(64);
        assertThat(c.learningRate()).isEqualTo(0.05);
        assertThat(c.momentum()).isEqualTo(0.9);
        assertThat(c.nesterov()).isFalse();
        assertThat(c.weightDecay()).isEqualTo(5e-4);
        assertThat(c.warmupEpochs()).isEqualTo(5);
        assertThat(c.milestones()).containsExactly(50, 100, 150, 190, 210, 230);
        assertThat(c.gamma()).isEqualTo(0.5);
        assertThat(c.seed()).isEqualTo(0L);
        assertThat(c.limit()).isZero();
        assertThat(c.precision()).isEqualTo(Precision.FP32);
        // ml-core's own protocol run is the same thing, built independently
        assertThat(c).isEqualTo(TrainConfig.protocol(Method.BASIC, LabelMode.SOFT));
    }

    @Test
    void everyFieldIsCarriedOver() {
        RunSpec spec = RunSpec.builder("ds-1", "dropout", "hard")
                .seed(3L)
                .dropoutRate(0.25)
                .depth(32)
                .epochs(7)
                .batchSize(16)
                .learningRate(0.1)
                .momentum(0.8)
                .nesterov(true)
                .weightDecay(1e-3)
                .warmupEpochs(2)
                .milestones(List.of(3, 5))
                .gamma(0.1)
                .entropyThreshold(0.4)
                .augment(false)
                .checkpointEvery(2)
                .device("cpu")
                .precision("bf16")
                .build();
        TrainConfig c = RunSpecMapping.toTrainConfig(spec, null, 10);

        assertThat(c.model().method()).isEqualTo(Method.DROPOUT);
        assertThat(c.model().methodConfig(DropoutConfig.class).rate()).isEqualTo(0.25);
        assertThat(c.model().depth()).isEqualTo(32);
        assertThat(c.model().methodConfig(DropoutConfig.class).mcSamples())
                .isEqualTo(10); // PROTOCOL: S = 10, not in the spec
        assertThat(c.labels()).isEqualTo(LabelMode.HARD);
        assertThat(c.seed()).isEqualTo(3L);
        assertThat(c.epochs()).isEqualTo(7);
        assertThat(c.batchSize()).isEqualTo(16);
        assertThat(c.learningRate()).isEqualTo(0.1);
        assertThat(c.momentum()).isEqualTo(0.8);
        assertThat(c.nesterov()).isTrue();
        assertThat(c.weightDecay()).isEqualTo(1e-3);
        assertThat(c.warmupEpochs()).isEqualTo(2);
        assertThat(c.milestones()).containsExactly(3, 5);
        assertThat(c.gamma()).isEqualTo(0.1);
        assertThat(c.entropyThreshold()).isEqualTo(0.4);
        assertThat(c.augment()).isFalse();
        assertThat(c.precision()).isEqualTo(Precision.BF16);
    }

    @Test
    void dropoutDefaultsToRateOneTenth() {
        TrainConfig c = RunSpecMapping.toTrainConfig(
                RunSpec.builder("ds-1", "dropout", "soft").build(), null, 10);
        assertThat(c.model().methodConfig(DropoutConfig.class).rate()).isEqualTo(0.1);
    }

    @Test
    void mixingTakesTheGivenQOrTheDefaultsOrTheMeanEntropyWhenAsked() {
        RunSpec.Builder b = RunSpec.builder("ds-1", "sngp", "hard");
        TrainConfig explicit =
                RunSpecMapping.toTrainConfig(b.mixing("cutmix", 0.5, 0.3).build(), 0.15, 10);
        assertThat(explicit.mixing()).isEqualTo(new Mixing(Mixing.Kind.CUTMIX, 0.5, 0.3));
        assertThat(explicit.model().method()).isEqualTo(Method.SNGP);

        // the reference's α = 0.2 and q = 0.15 (PROTOCOL.md "Training"), whatever the dataset's entropy
        TrainConfig reference = RunSpecMapping.toTrainConfig(
                RunSpec.builder("ds-1", "basic", "hard")
                        .mixing("mixup", null, null)
                        .build(),
                0.1545,
                10);
        assertThat(reference.mixing()).isEqualTo(new Mixing(Mixing.Kind.MIXUP, 0.2, 0.15));

        TrainConfig fromEntropy = RunSpecMapping.toTrainConfig(
                RunSpec.builder("ds-1", "basic", "hard")
                        .mixing("mixup", 1.0, null)
                        .mixProbabilityFromEntropy(true)
                        .build(),
                0.1545,
                10);
        assertThat(fromEntropy.mixing()).isEqualTo(new Mixing(Mixing.Kind.MIXUP, 1.0, 0.1545));

        assertThatThrownBy(() -> RunSpecMapping.toTrainConfig(
                        RunSpec.builder("ds-1", "basic", "hard")
                                .mixing("mixup", 1.0, null)
                                .mixProbabilityFromEntropy(true)
                                .build(),
                        null,
                        10))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("mixProbability");
    }

    @Test
    void anInvalidSpecNamesEveryField() {
        RunSpec bad = RunSpec.builder("ds-1", "nope", "soft")
                .learningRate(-1.0)
                .epochs(0)
                .build();
        assertThatThrownBy(() -> RunSpecMapping.toTrainConfig(bad, null, 10))
                .isInstanceOfSatisfying(
                        InvalidSpecException.class,
                        e -> assertThat(e.errors())
                                .extracting(FieldError::field)
                                .containsExactlyInAnyOrder("method", "learningRate", "epochs"));
    }
}
