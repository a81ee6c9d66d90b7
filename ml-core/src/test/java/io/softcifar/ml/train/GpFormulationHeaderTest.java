package io.softcifar.ml.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.softcifar.ml.model.GpFormulation;
import io.softcifar.ml.model.Method;
import io.softcifar.ml.model.SngpConfig;
import org.junit.jupiter.api.Test;

/**
 * The GP formulation travels in the checkpoint header's {@link TrainConfig}; a header written before the field
 * existed (its model was trained with the Liu et al. feature map and P₀ = ridge·I) reads as liu2020, so its stored
 * precision/covariance buffers keep their meaning.
 */
class GpFormulationHeaderTest {

    @Test
    void formulationRoundTripsAndAMissingFieldReadsAsLiu2020() throws Exception {
        for (GpFormulation f : GpFormulation.values()) {
            TrainConfig config = TrainConfig.protocol(Method.SNGP, LabelMode.SOFT)
                    .withModel(TrainConfig.protocol(Method.SNGP, LabelMode.SOFT)
                            .model()
                            .withGpFormulation(f));
            String json = Checkpoint.JSON.writeValueAsString(config);
            assertThat(json).contains("\"gpFormulation\"");
            assertThat(Checkpoint.JSON.readValue(json, TrainConfig.class)).isEqualTo(config);
        }
        TrainConfig current = TrainConfig.protocol(Method.SNGP, LabelMode.SOFT);
        assertThat(current.model().methodConfig(SngpConfig.class).formulation()).isEqualTo(GpFormulation.REFERENCE);
        ObjectNode tree = Checkpoint.JSON.valueToTree(current);
        ((ObjectNode) tree.get("model")).remove("gpFormulation");
        TrainConfig old = Checkpoint.JSON.treeToValue(tree, TrainConfig.class);
        assertThat(old.model().methodConfig(SngpConfig.class).formulation()).isEqualTo(GpFormulation.LIU2020);
        assertThat(old.model().withGpFormulation(GpFormulation.REFERENCE)).isEqualTo(current.model());
    }
}
