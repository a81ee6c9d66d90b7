package io.softcifar.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.softcifar.ml.model.BasicConfig;
import io.softcifar.ml.model.CifarNet;
import io.softcifar.ml.model.DropoutConfig;
import io.softcifar.ml.model.DuqConfig;
import io.softcifar.ml.model.GpFormulation;
import io.softcifar.ml.model.HeadContext;
import io.softcifar.ml.model.Method;
import io.softcifar.ml.model.ModelConfig;
import io.softcifar.ml.model.SngpConfig;
import io.softcifar.ml.model.sngp.SngpHead;
import org.junit.jupiter.api.Test;

/**
 * The model config in a checkpoint header stays the flat JSON object written before the per-method settings records
 * existed; the per-method records validate their own fields; the catalogue builds each method's head.
 */
class ModelConfigHeaderTest {

    /**
     * {@code config.model} of a DUQ checkpoint header as the code before the per-method records wrote it (taken from a
     * header written on 2026-12-03 by commit 989f2d1, with the DUQ settings changed by hand), fields in that order.
     */
    private static final String OLD_DUQ_HEADER = """
            {
              "method" : "DUQ",
              "depth" : 8,
              "classes" : 10,
              "dropoutRate" : 0.0,
              "mcSamples" : 2,
              "spectralBound" : 3.0,
              "gpFeatures" : 64,
              "gpKernelScale" : 1.0,
              "gpRidge" : 1.0,
              "gpMeanFieldFactor" : 0.39269908169872414,
              "gpFormulation" : "REFERENCE",
              "duqEmbedding" : 16,
              "duqLengthScale" : 0.25,
              "duqMomentum" : 0.99,
              "duqGradientPenalty" : 0.5,
              "imageSize" : 32
            }""";

    @Test
    void anOldHeaderReadsIntoTheMethodsOwnSettings() throws Exception {
        ModelConfig m = Checkpoint.JSON.readValue(OLD_DUQ_HEADER, ModelConfig.class);
        assertThat(m).isEqualTo(new ModelConfig(new DuqConfig(16, 0.25, 0.99, 0.5), 8, 10, 32));
        assertThat(m.method()).isEqualTo(Method.DUQ);
    }

    @Test
    void theHeaderIsWrittenFlatInTheOldFieldOrderWithTheOtherMethodsAtTheirDefaults() throws Exception {
        ModelConfig m = new ModelConfig(new DuqConfig(16, 0.25, 0.99, 0.5), 8, 10, 32);
        // the old header with MC Dropout's S and SNGP's features at PROTOCOL.md's defaults (10 and 1,024)
        String expected = OLD_DUQ_HEADER
                .replace("\"mcSamples\" : 2", "\"mcSamples\" : 10")
                .replace("\"gpFeatures\" : 64", "\"gpFeatures\" : 1024");
        assertThat(Checkpoint.JSON.writeValueAsString(m)).isEqualToIgnoringNewLines(expected);
    }

    @Test
    void everyMethodRoundTripsAndOtherMethodsFieldsAreIgnoredOnReading() throws Exception {
        for (Method method : Method.values()) {
            ModelConfig m = ModelConfig.defaults(method)
                    .withDepth(32)
                    .withDropoutRate(0.3)
                    .withMcSamples(4)
                    .withGpFeatures(128)
                    .withGpFormulation(GpFormulation.LIU2020)
                    .withDuqEmbedding(64);
            String json = Checkpoint.JSON.writeValueAsString(m);
            assertThat(Checkpoint.JSON.readValue(json, ModelConfig.class))
                    .as(json)
                    .isEqualTo(m);
        }
        // a basic header whose (unused) dropout rate is 0.3 is the basic model
        String basic = OLD_DUQ_HEADER
                .replace("\"DUQ\"", "\"BASIC\"")
                .replace("\"dropoutRate\" : 0.0", "\"dropoutRate\" : 0.3");
        assertThat(Checkpoint.JSON.readValue(basic, ModelConfig.class))
                .isEqualTo(new ModelConfig(BasicConfig.DEFAULTS, 8, 10, 32));
    }

    @Test
    void theWithersChangeOnlyTheMethodTheSettingBelongsTo() {
        assertThat(ModelConfig.defaults(Method.BASIC)
                        .withDropoutRate(0.3)
                        .withGpFeatures(7)
                        .withDuqEmbedding(7)
                        .withMcSamples(3))
                .isEqualTo(ModelConfig.defaults(Method.BASIC));
        assertThat(ModelConfig.defaults(Method.DROPOUT)
                        .withDropoutRate(0.3)
                        .withMcSamples(3)
                        .methodConfig())
                .isEqualTo(new DropoutConfig(0.3, 3));
        assertThat(ModelConfig.defaults(Method.SNGP)
                        .withGpFeatures(7)
                        .methodConfig(SngpConfig.class)
                        .features())
                .isEqualTo(7);
        assertThatThrownBy(() -> ModelConfig.defaults(Method.BASIC).methodConfig(SngpConfig.class))
                .hasMessage("this is a basic model, not one configured by SngpConfig");
    }

    @Test
    void eachSettingsRecordValidatesItsOwnFieldsWithAOneLineMessage() {
        assertThatThrownBy(() -> new DropoutConfig(1.0, 10)).hasMessage("dropout: rate must be in [0, 1), got 1.0");
        assertThatThrownBy(() -> new DropoutConfig(0.1, 0)).hasMessage("mc-samples: must be >= 1, got 0");
        assertThatThrownBy(() -> SngpConfig.DEFAULTS.withFeatures(0)).hasMessage("gp features: must be >= 1, got 0");
        assertThatThrownBy(() -> new SngpConfig(0, 8, 1, 1, 1, null))
                .hasMessage("spectral bound: must be > 0, got 0.0");
        assertThatThrownBy(() -> new DuqConfig(8, 0.1, 1.0, 0.1))
                .hasMessage("duq momentum: must be in (0, 1), got 1.0");
        assertThatThrownBy(() -> new DuqConfig(8, 0.1, 0.9, -1))
                .hasMessage("duq gradient penalty: must be >= 0, got -1.0");
        assertThat(new SngpConfig(3, 8, 1, 1, 1, null).formulation()).isEqualTo(GpFormulation.LIU2020);
        assertThatThrownBy(() -> new ModelConfig(null, 20, 10, 32)).hasMessage("method: required");
    }

    @Test
    void theCatalogueMapsEachMethodToItsSettingsAndHead() {
        for (Method method : Method.values()) {
            assertThat(method.defaults().method()).isEqualTo(method);
            assertThat(method.configType())
                    .isInstanceOf(Class.class)
                    .isEqualTo(method.defaults().getClass());
            assertThat(Method.parse(method.id())).isEqualTo(method);
        }
        assertThat(new DropoutConfig(0.2, 5).backboneDropout()).isEqualTo(0.2);
        assertThat(SngpConfig.DEFAULTS.backboneSpectralBound()).isEqualTo(3.0f);
        assertThat(DuqConfig.DEFAULTS.backboneSpectralBound()).isNull();
        assertThat(DuqConfig.DEFAULTS.backboneDropout()).isZero();
        assertThatThrownBy(() -> Method.SNGP.newHead(DuqConfig.DEFAULTS, new HeadContext(null, null, 10, 0)))
                .hasMessage("method sngp: needs a SngpConfig, got DuqConfig");
        EngineSetup.engine();
        try (NDManager m = NDManager.newBaseManager()) {
            CifarNet net = new CifarNet(
                    m, ModelConfig.defaults(Method.SNGP).withDepth(8).withGpFeatures(8), 1);
            assertThat(net.head()).isInstanceOf(SngpHead.class);
            assertThat(net.namedParameters()).containsKey("gp.beta.weight");
            assertThatThrownBy(() -> net.head(io.softcifar.ml.model.duq.DuqHead.class))
                    .hasMessage("DuqHead needed, but this is a sngp model");
        }
    }
}
