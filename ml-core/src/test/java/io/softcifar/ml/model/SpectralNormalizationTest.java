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
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SNGP bounds the spectral norm of every conv by c = 3: a 3×3 conv's as an operator on its input shape, a 1×1 conv's
 * as a matrix. After training with weights inflated past the bound, the weight each layer actually applies must have
 * largest singular value ≤ c (1 % slack for the one-power-iteration-per-step estimate), measured exactly in Java
 * ({@link ConvMatrix}). A depth-8 network on 6×6 images: its stride-2 convs map 6 → 3 and 3 → 2, the sizes whose
 * transposed convolution needs (6 → 3) and does not need (3 → 2) the extra output row; the ResNet-20 on 8×8 images is
 * {@code nn.ConvOperatorNormTest}.
 */
class SpectralNormalizationTest {

    private static final double BOUND = 3.0;

    private static final int IMAGE = 6;

    private record Layer(String name, NDArray raw, java.util.function.Function<NDManager, NDArray> effective) {}

    private static List<Layer> normalizedLayers(CifarNet net) {
        List<Layer> layers = new ArrayList<>();
        Map<String, NDArray> params = net.namedParameters();
        net.visit(m -> {
            if (m instanceof Conv2d c && c.spectrallyNormalized()) {
                params.forEach((path, p) -> {
                    if (p == weightOf(c)) {
                        layers.add(new Layer(path, p, c::effectiveWeight));
                    }
                });
            } else if (m instanceof Linear l) {
                assertThat(l.spectrallyNormalized())
                        .as("a linear layer is normalized")
                        .isFalse();
            }
        });
        return layers;
    }

    private static NDArray weightOf(Module m) {
        return m.namedParameters().get("weight");
    }

    /** Operator norm of the conv with this kernel on the input shape its layer sees. */
    private static double sigma(String path, NDArray weight) {
        Shape s = weight.getShape();
        return ConvMatrix.of(
                        LinAlg.doubles(weight),
                        (int) s.get(0),
                        (int) s.get(1),
                        (int) s.get(2),
                        ConvMatrix.resNetInputSize(path, IMAGE),
                        ConvMatrix.resNetStride(path))
                .largestSingularValue();
    }

    @Test
    void effectiveWeightsStayWithinTheBoundAfterAggressiveTraining() {
        Engine.getInstance().setRandomSeed(7);
        try (NDManager root = NDManager.newBaseManager()) {
            CifarNet net = new CifarNet(
                    root,
                    ModelConfig.defaults(Method.SNGP)
                            .withDepth(8)
                            .withGpFeatures(64)
                            .withImageSize(IMAGE),
                    7);
            List<Layer> layers = normalizedLayers(net);
            // depth 8: stem + 3 stages × 1 block × 2 convs + 2 projection shortcuts; the GP's β is not normalized
            assertThat(layers).hasSize(9);
            // push every weight past the bound (most operator norms at Kaiming initialization are below c): the
            // normalization is then active during training, and the estimate has to follow weights that keep changing
            Autograd.noGrad(() -> layers.forEach(l -> l.raw().muli(2.5f)));
            NesterovSgd optimizer = new NesterovSgd(net.namedParameters(), root, 0.9, 5e-4);
            NDArray x = root.randomNormal(0f, 1f, new Shape(16, 3, IMAGE, IMAGE), DataType.FLOAT32);
            NDArray y = root.randomInteger(0, 10, new Shape(16), DataType.INT64)
                    .oneHot(10)
                    .toType(DataType.FLOAT32, false);
            for (int step = 0; step < 12; step++) {
                try (NDManager sm = root.newSubManager()) {
                    NDArray xs = x.duplicate();
                    xs.attach(sm);
                    try (Autograd g = Autograd.enable()) {
                        Autograd.backward(net.trainingLoss(xs, y));
                    }
                    optimizer.step(0.1, sm);
                    net.afterOptimizerStep(xs, y);
                }
            }
            double largestRaw = 0;
            StringBuilder table = new StringBuilder();
            double[][] sigmas = new double[layers.size()][];
            try (NDManager sm = root.newSubManager()) {
                for (int i = 0; i < layers.size(); i++) {
                    Layer layer = layers.get(i);
                    sigmas[i] = new double[] {
                        sigma(layer.name(), layer.raw()),
                        sigma(layer.name(), layer.effective().apply(sm))
                    };
                    table.append(String.format(
                            "%s raw σ %.4f, effective σ %.4f%n", layer.name(), sigmas[i][0], sigmas[i][1]));
                }
            }
            System.out.print("[SpectralNormalizationTest]\n" + table);
            {
                for (int i = 0; i < layers.size(); i++) {
                    Layer layer = layers.get(i);
                    double raw = sigmas[i][0];
                    double effective = sigmas[i][1];
                    largestRaw = Math.max(largestRaw, raw);
                    assertThat(effective)
                            .as("%s (raw σ %.4f)", layer.name(), raw)
                            .isLessThanOrEqualTo(BOUND * 1.01);
                    if (raw > BOUND * 1.01) {
                        // normalization active: the effective weight sits at the bound, not far below it
                        assertThat(effective)
                                .as("%s at the bound", layer.name())
                                .isGreaterThanOrEqualTo(BOUND * 0.99);
                    } else if (raw < BOUND * 0.99) {
                        // inactive: the weight is applied unchanged (factor max(1, σ/c) = 1)
                        assertThat(effective)
                                .as("%s unchanged", layer.name())
                                .isCloseTo(raw, org.assertj.core.api.Assertions.within(1e-5 * raw));
                    }
                }
            }
            // the bound was actually needed: some raw weight grew past c
            assertThat(largestRaw).as("largest raw σ").isGreaterThan(BOUND * 1.05);
        }
    }
}
