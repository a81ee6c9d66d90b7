package io.softcifar.ml.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.softcifar.ml.nn.Autograd;
import io.softcifar.ml.nn.Conv2d;
import io.softcifar.ml.nn.Linear;
import io.softcifar.ml.nn.Module;
import io.softcifar.ml.train.NesterovSgd;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SNGP bounds the spectral norm of every conv/linear weight by c = 3. After training with a large learning rate
 * (the raw weights grow past the bound), the weight each layer actually applies must have largest singular value
 * ≤ c (1 % slack for the one-power-iteration-per-step estimate), measured by an exact eigen-decomposition in Java.
 */
class SpectralNormalizationTest {

    private static final double BOUND = 3.0;

    private record Layer(String name, NDArray raw, java.util.function.Function<NDManager, NDArray> effective) {}

    private static List<Layer> normalizedLayers(CifarNet net) {
        List<Layer> layers = new ArrayList<>();
        net.visit(m -> {
            if (m instanceof Conv2d c && c.spectrallyNormalized()) {
                layers.add(new Layer("conv#" + layers.size(), weightOf(c), c::effectiveWeight));
            } else if (m instanceof Linear l && l.spectrallyNormalized()) {
                layers.add(new Layer("linear#" + layers.size(), weightOf(l), l::effectiveWeight));
            }
        });
        return layers;
    }

    private static NDArray weightOf(Module m) {
        return m.namedParameters().get("weight");
    }

    private static double sigma(NDArray weight) {
        Shape s = weight.getShape();
        int rows = (int) s.get(0);
        int cols = (int) (s.size() / rows);
        return LinAlg.largestSingularValue(LinAlg.doubles(weight), rows, cols);
    }

    @Test
    void effectiveWeightsStayWithinTheBoundAfterAggressiveTraining() {
        Engine.getInstance().setRandomSeed(7);
        try (NDManager root = NDManager.newBaseManager()) {
            CifarNet net = new CifarNet(root, ModelConfig.defaults(Method.SNGP).withDepth(8).withGpFeatures(64), 7);
            List<Layer> layers = normalizedLayers(net);
            // depth 8: stem + 3 stages × 1 block × 2 convs + 2 projection shortcuts; the GP's β is not normalized
            assertThat(layers).hasSize(9);
            // push every weight past the bound (σ ≈ 1.9 at Kaiming initialization, below c): the normalization is
            // then active during training, and the estimate has to follow weights that keep changing
            Autograd.noGrad(() -> layers.forEach(l -> l.raw().muli(2.5f)));
            NesterovSgd optimizer = new NesterovSgd(net.namedParameters(), root, 0.9, 5e-4);
            NDArray x = root.randomNormal(0f, 1f, new Shape(16, 3, 16, 16), DataType.FLOAT32);
            NDArray y = root.randomInteger(0, 10, new Shape(16), DataType.INT64).oneHot(10).toType(DataType.FLOAT32, false);
            for (int step = 0; step < 12; step++) {
                try (NDManager sm = root.newSubManager()) {
                    NDArray xs = x.duplicate();
                    xs.attach(sm);
                    try (Autograd g = Autograd.enable()) {
                        Autograd.backward(net.trainingLoss(xs, y));
                    }
                    optimizer.step(0.5, sm);
                    net.afterOptimizerStep(xs, y);
                }
            }
            double largestRaw = 0;
            StringBuilder table = new StringBuilder();
            double[][] sigmas = new double[layers.size()][];
            try (NDManager sm = root.newSubManager()) {
                for (int i = 0; i < layers.size(); i++) {
                    Layer layer = layers.get(i);
                    sigmas[i] = new double[] {sigma(layer.raw()), sigma(layer.effective().apply(sm))};
                    table.append(String.format("%s raw σ %.4f, effective σ %.4f%n", layer.name(), sigmas[i][0], sigmas[i][1]));
                }
            }
            System.out.print("[SpectralNormalizationTest]\n" + table);
            {
                for (int i = 0; i < layers.size(); i++) {
                    Layer layer = layers.get(i);
                    double raw = sigmas[i][0];
                    double effective = sigmas[i][1];
                    largestRaw = Math.max(largestRaw, raw);
                    assertThat(effective).as("%s (raw σ %.4f)", layer.name(), raw).isLessThanOrEqualTo(BOUND * 1.01);
                    if (raw > BOUND * 1.01) {
                        // normalization active: the effective weight sits at the bound, not far below it
                        assertThat(effective).as("%s at the bound", layer.name()).isGreaterThanOrEqualTo(BOUND * 0.99);
                    } else if (raw < BOUND * 0.99) {
                        // inactive: the weight is applied unchanged (factor max(1, σ/c) = 1)
                        assertThat(effective).as("%s unchanged", layer.name()).isCloseTo(raw,
                                org.assertj.core.api.Assertions.within(1e-5 * raw));
                    }
                }
            }
            // the bound was actually needed: some raw weight grew past c
            assertThat(largestRaw).as("largest raw σ").isGreaterThan(BOUND * 1.05);
        }
    }
}
