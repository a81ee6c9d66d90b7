package io.softcifar.contracts.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.softcifar.contracts.events.EventCodec;
import io.softcifar.contracts.storage.ObjectKeys;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunSpecTest {

    private static RunSpec.Builder basicSoft() {
        return RunSpec.builder("ds-1", "basic", "soft");
    }

    @Test
    void defaultsAreTheProtocols() {
        // PROTOCOL.md "Training" and "Network"
        RunSpec s = RunSpec.protocol("ds-1", "basic", "soft");

        assertThat(s.seed()).isZero();
        assertThat(s.mixing()).isEqualTo("none");
        assertThat(s.depth()).isEqualTo(20);
        assertThat(s.epochs()).isEqualTo(230);
        assertThat(s.batchSize()).isEqualTo(64);
        assertThat(s.learningRate()).isEqualTo(0.05);
        assertThat(s.momentum()).isEqualTo(0.9);
        assertThat(s.nesterov())
                .as("plain momentum, as the reference's torch.optim.SGD")
                .isFalse();
        assertThat(s.weightDecay()).isEqualTo(5e-4);
        assertThat(s.warmupEpochs()).isEqualTo(5);
        assertThat(s.milestones()).containsExactly(50, 100, 150, 190, 210, 230);
        assertThat(s.gamma()).isEqualTo(0.5);
        assertThat(s.augment()).isTrue();
        assertThat(s.dropoutRate()).isZero();
        assertThat(s.mixAlpha()).isEqualTo(0.2);
        assertThat(s.mixProbability()).isEqualTo(0.15);
        assertThat(s.mixProbabilityFromEntropy()).isFalse();
        assertThat(s.entropyThreshold()).isNull();
        assertThat(s.checkpointEvery()).isEqualTo(1);
        assertThat(s.device()).isEqualTo("auto");
        assertThat(s.validate()).isEmpty();
        assertThat(RunSpec.protocol("ds-1", "dropout", "hard").dropoutRate()).isEqualTo(0.1);
    }

    @Test
    void aMinimalJsonRequestGetsTheDefaults() {
        RunSpec s = EventCodec.fromJson(
                "{\"datasetId\":\"ds-1\",\"method\":\"basic\",\"labelMode\":\"soft\"}", RunSpec.class);

        assertThat(s.withDefaults()).isEqualTo(RunSpec.protocol("ds-1", "basic", "soft"));
    }

    @Test
    void unknownChoicesAreNamed() {
        RunSpec s = RunSpec.builder("ds-1", "bayes", "fuzzy")
                .mixing("mixup+cutmix", null, null)
                .device("tpu")
                .build();

        assertThat(s.validate())
                .extracting(FieldError::toString)
                .containsExactly(
                        "method: unknown method 'bayes' (expected one of basic, dropout, sngp, duq)",
                        "labelMode: unknown labelMode 'fuzzy' (expected one of soft, hard)",
                        "mixing: unknown mixing 'mixup+cutmix' (expected one of none, mixup, cutmix)",
                        "device: unknown device 'tpu' (expected one of auto, cpu, gpu)");
    }

    @Test
    void requiredFieldsAreNamed() {
        assertThat(RunSpec.builder(null, null, null).build().validate())
                .extracting(FieldError::toString)
                .containsExactly(
                        "datasetId: required",
                        "method: required (basic, dropout, sngp, duq)",
                        "labelMode: required (soft, hard)");
    }

    @Test
    void numericRulesReportEveryProblem() {
        RunSpec s = basicSoft()
                .seed(-1L)
                .learningRate(0.0)
                .epochs(0)
                .depth(21)
                .batchSize(1)
                .momentum(1.0)
                .weightDecay(-1e-4)
                .warmupEpochs(-1)
                .milestones(Arrays.asList(50, 40, null, 0))
                .gamma(1.5)
                .entropyThreshold(-0.1)
                .checkpointEvery(0)
                .dropoutRate(1.0)
                .build();

        assertThat(s.validate())
                .extracting(FieldError::field)
                .containsExactly(
                        "seed",
                        "dropoutRate",
                        "depth",
                        "epochs",
                        "batchSize",
                        "learningRate",
                        "momentum",
                        "weightDecay",
                        "warmupEpochs",
                        "milestones[1]",
                        "milestones[2]",
                        "milestones[3]",
                        "gamma",
                        "entropyThreshold",
                        "checkpointEvery");
        assertThat(s.validate())
                .extracting(FieldError::toString)
                .contains(
                        "learningRate: must be > 0, got 0.0",
                        "seed: must be >= 0, got -1",
                        "epochs: must be >= 1, got 0",
                        "batchSize: must be >= 2 (BatchNorm needs two samples), got 1",
                        "warmupEpochs: must be >= 0, got -1",
                        "checkpointEvery: must be >= 1 epoch, got 0",
                        "depth: must be 6n+2 with n >= 1 (20, 32, 44, 56, 110), got 21",
                        "milestones[1]: must be greater than the previous milestone 50, got 40");
    }

    @Test
    void negativeLearningRateAndNanAreRejected() {
        assertThat(basicSoft().learningRate(-0.05).build().validate())
                .extracting(FieldError::field)
                .containsExactly("learningRate");
        assertThat(basicSoft().learningRate(Double.NaN).build().validate())
                .extracting(FieldError::field)
                .containsExactly("learningRate");
    }

    @Test
    void validDepthsAre6nPlus2() {
        for (int depth : List.of(8, 20, 32, 44, 56, 110)) {
            assertThat(basicSoft().depth(depth).build().validate())
                    .as("depth " + depth)
                    .isEmpty();
        }
        for (int depth : List.of(2, 18, 21, 22)) {
            assertThat(basicSoft().depth(depth).build().validate())
                    .as("depth " + depth)
                    .extracting(FieldError::field)
                    .containsExactly("depth");
        }
    }

    @Test
    void dropoutNeedsAPositiveRate() {
        assertThat(RunSpec.builder("ds-1", "dropout", "soft")
                        .dropoutRate(0.0)
                        .build()
                        .validate())
                .extracting(FieldError::field, FieldError::message)
                .containsExactly(tuple("dropoutRate", "method dropout needs a rate > 0 (e.g. 0.1), got 0"));
        assertThat(RunSpec.builder("ds-1", "dropout", "soft")
                        .dropoutRate(0.3)
                        .build()
                        .validate())
                .isEmpty();
    }

    @Test
    void mixingParametersAreCheckedOnlyWhenMixing() {
        assertThat(basicSoft().mixing("none", -1.0, 7.0).build().validate())
                .extracting(FieldError::field)
                .containsExactly("mixProbability");
        assertThat(basicSoft().mixing("mixup", 0.0, 0.15).build().validate())
                .extracting(FieldError::field)
                .containsExactly("mixAlpha");
        assertThat(RunSpec.builder("ds-1", "basic", "hard")
                        .mixing("cutmix", 1.0, null)
                        .build()
                        .validate())
                .isEmpty();
    }

    @Test
    void qFromTheMeanEntropyIsAnExplicitChoiceThatExcludesAFixedQ() {
        RunSpec fromEntropy = RunSpec.builder("ds-1", "basic", "hard")
                .mixing("mixup", null, null)
                .mixProbabilityFromEntropy(true)
                .build();
        assertThat(fromEntropy.validate()).isEmpty();
        assertThat(fromEntropy.withDefaults().mixProbability())
                .as("q comes from the dataset")
                .isNull();
        assertThat(fromEntropy.configurationKey())
                .isNotEqualTo(RunSpec.builder("ds-1", "basic", "hard")
                        .mixing("mixup", null, null)
                        .build()
                        .configurationKey());

        assertThat(fromEntropy.toBuilder().mixing("mixup", null, 0.15).build().validate())
                .extracting(FieldError::field)
                .containsExactly("mixProbabilityFromEntropy");
    }

    @Test
    void nesterovIsAnOptionThatChangesTheConfiguration() {
        assertThat(basicSoft().nesterov(true).build().validate()).isEmpty();
        assertThat(basicSoft().nesterov(true).build().configurationKey())
                .isNotEqualTo(basicSoft().build().configurationKey());
        assertThat(basicSoft().nesterov(false).build().configurationKey())
                .isEqualTo(basicSoft().build().configurationKey());
    }

    @Test
    void precisionBf16IsAnOptionThatChangesTheConfigurationAndFp32IsTheSameAsNone() {
        assertThat(basicSoft().precision("bf16").build().validate()).isEmpty();
        assertThat(basicSoft().precision("bf16").build().configurationKey())
                .isNotEqualTo(basicSoft().build().configurationKey());
        assertThat(basicSoft().precision("fp32").build().configurationKey())
                .isEqualTo(basicSoft().build().configurationKey());
        // a spec without it keeps its JSON (defaults leave it out), so earlier keys and events do not change
        assertThat(basicSoft().build().withDefaults().precision()).isNull();
        assertThat(basicSoft().build().withDefaults().configurationJson()).doesNotContain("precision");
        assertThat(basicSoft().precision("fp16").build().validate())
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.field()).isEqualTo("precision");
                    assertThat(e.message()).isEqualTo("unknown precision 'fp16' (expected one of fp32, bf16)");
                });
    }

    @Test
    void explicitPaperMixingEqualsTheDefaults() {
        assertThat(basicSoft().mixing("cutmix", 0.2, 0.15).build().configurationKey())
                .isEqualTo(basicSoft().mixing("cutmix", null, null).build().configurationKey());
    }

    @Test
    void datasetIdMustBeUsableInObjectKeys() {
        assertThat(RunSpec.builder("../etc", "basic", "soft").build().validate())
                .extracting(FieldError::field, FieldError::message)
                .containsExactly(tuple("datasetId", ObjectKeys.ID_RULE + ", got '../etc'"));
    }

    @Test
    void configurationKeyGroupsSeedsAndIgnoresOperationalSettings() {
        RunSpec seed0 = basicSoft().seed(0L).build();
        RunSpec seed4 = basicSoft().seed(4L).device("cpu").checkpointEvery(10).build();
        RunSpec explicitDefaults =
                RunSpec.protocol("ds-1", "basic", "soft").toBuilder().seed(2L).build();

        assertThat(seed4.configurationKey())
                .isEqualTo(seed0.configurationKey())
                .isEqualTo(explicitDefaults.configurationKey())
                .matches("basic-soft-[0-9a-f]{12}")
                .matches(ObjectKeys::isValidId);
    }

    @Test
    void configurationKeyIgnoresSettingsTheMethodDoesNotUse() {
        RunSpec plain = basicSoft().build();

        assertThat(basicSoft().dropoutRate(0.3).build().configurationKey()).isEqualTo(plain.configurationKey());
        assertThat(basicSoft().mixing("none", 0.2, 0.5).build().configurationKey())
                .isEqualTo(plain.configurationKey());
        assertThat(basicSoft().entropyThreshold(0.0).build().configurationKey()).isEqualTo(plain.configurationKey());
        assertThat(basicSoft().entropyThreshold(0.5).build().configurationKey()).isNotEqualTo(plain.configurationKey());
    }

    @Test
    void configurationKeySeparatesDifferentConfigurations() {
        List<String> keys = List.of(
                basicSoft().build().configurationKey(),
                basicSoft().learningRate(0.1).build().configurationKey(),
                basicSoft().augment(false).build().configurationKey(),
                basicSoft().datasetId("ds-2").build().configurationKey(),
                basicSoft()
                        .mixing("mixup", 1.0, null)
                        .mixProbabilityFromEntropy(true)
                        .build()
                        .configurationKey(),
                basicSoft().mixing("mixup", 1.0, 0.15).build().configurationKey(),
                basicSoft().mixing("mixup", 0.2, 0.15).build().configurationKey(),
                basicSoft().mixing("cutmix", 0.2, 0.15).build().configurationKey(),
                basicSoft().nesterov(true).build().configurationKey(),
                RunSpec.builder("ds-1", "basic", "hard").build().configurationKey(),
                RunSpec.builder("ds-1", "dropout", "soft")
                        .dropoutRate(0.1)
                        .build()
                        .configurationKey(),
                RunSpec.builder("ds-1", "dropout", "soft")
                        .dropoutRate(0.2)
                        .build()
                        .configurationKey());

        assertThat(keys).doesNotHaveDuplicates();
        assertThat(keys.get(4)).startsWith("basic-soft-mixup-");
        assertThat(keys.get(2)).matches("basic-soft-noaug-[0-9a-f]{12}");
    }

    @Test
    void configurationJsonIsCanonical() {
        assertThat(RunSpec.builder("ds-1", "sngp", "hard").build().configurationJson())
                .isEqualTo("{\"augment\":true,\"batchSize\":64,\"datasetId\":\"ds-1\",\"depth\":20,\"epochs\":230,"
                        + "\"gamma\":0.5,\"labelMode\":\"hard\",\"learningRate\":0.05,"
                        + "\"method\":\"sngp\",\"milestones\":[50,100,150,190,210,230],\"mixing\":\"none\","
                        + "\"momentum\":0.9,\"warmupEpochs\":5,\"weightDecay\":5.0E-4}");
        assertThat(RunSpec.builder("ds-1", "basic", "hard")
                        .mixing("mixup", null, null)
                        .build()
                        .configurationJson())
                .isEqualTo("{\"augment\":true,\"batchSize\":64,\"datasetId\":\"ds-1\",\"depth\":20,\"epochs\":230,"
                        + "\"gamma\":0.5,\"labelMode\":\"hard\",\"learningRate\":0.05,"
                        + "\"method\":\"basic\",\"milestones\":[50,100,150,190,210,230],\"mixAlpha\":0.2,"
                        + "\"mixProbability\":0.15,\"mixing\":\"mixup\","
                        + "\"momentum\":0.9,\"warmupEpochs\":5,\"weightDecay\":5.0E-4}");
        assertThat(RunSpec.builder("ds-1", "sngp", "hard")
                        .nesterov(true)
                        .build()
                        .configurationJson())
                .contains("\"momentum\":0.9,\"nesterov\":true,");
    }

    @Test
    void anInvalidSpecHasNoConfigurationKey() {
        assertThatThrownBy(() -> basicSoft().epochs(0).build().configurationKey())
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("epochs: must be >= 1, got 0")
                .satisfies(e -> assertThat(((InvalidSpecException) e).errors()).hasSize(1));
    }
}
