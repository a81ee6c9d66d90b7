package io.softcifar.ml.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.softcifar.ml.model.CifarNet;
import io.softcifar.ml.model.ConvMatrix;
import io.softcifar.ml.model.LinAlg;
import io.softcifar.ml.model.Method;
import io.softcifar.ml.model.ModelConfig;
import io.softcifar.ml.train.NesterovSgd;
import java.util.LinkedHashMap;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * SNGP's spectral normalization bounds the norm of each convolution as an operator on the shape that conv actually
 * sees (issue 12; the reference's {@code Conv2dSpectralNormalizer}), not the norm of its kernel reshaped to a matrix.
 *
 * <p>The real SNGP ResNet-20 is built for 8×8 images and trained for a few steps with its normalized weights inflated
 * past the bound c = 3. Then, for every normalized conv, the test writes the convolution at that conv's input shape
 * as a matrix itself ({@link ConvMatrix}: from the kernel values, with the stride and the zero padding of the
 * architecture — the project's conv is used only to check that the matrix is the layer's operator), and computes its
 * largest singular value exactly from a dense eigen-decomposition (EJML) of the smaller Gram matrix.
 */
class ConvOperatorNormTest {

    private static final double BOUND = 3.0;
    private static final int IMAGE = 8;
    /** The protocol's learning rate: the weights move as in real training, and the estimate has to follow them. */
    private static final double LEARNING_RATE = 0.05;

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Test
    void everyNormalizedConvOfTheTrainedNetworkHasOperatorNormWithinTheBound() {
        Engine.getInstance().setRandomSeed(12);
        long started = System.nanoTime();
        try (NDManager root = NDManager.newBaseManager()) {
            CifarNet net = new CifarNet(
                    root, ModelConfig.defaults(Method.SNGP).withGpFeatures(64).withImageSize(IMAGE), 12);
            Map<String, NDArray> params = net.namedParameters();
            Map<String, Conv2d> convs = new LinkedHashMap<>();
            net.visit(m -> {
                if (m instanceof Conv2d c && c.spectrallyNormalized()) {
                    NDArray weight = c.namedParameters().get("weight");
                    params.forEach((path, p) -> {
                        if (p == weight) {
                            convs.put(path, c);
                        }
                    });
                }
            });
            // ResNet-20: stem + 3 stages × 3 blocks × 2 convs (19 3×3) + 2 projection shortcuts (1×1); BatchNorm
            // and the GP output layer are not normalized
            assertThat(convs).hasSize(21);
            assertThat(convs.keySet().stream().filter(p -> p.contains("shortcut")))
                    .hasSize(2);
            net.visit(m -> {
                if (m instanceof WeightLayer l && !(m instanceof Conv2d)) {
                    assertThat(l.spectrallyNormalized())
                            .as("linear layer normalized")
                            .isFalse();
                }
            });

            // push the raw weights past the bound (Kaiming initialization leaves most operator norms below c)
            Autograd.noGrad(() -> convs.keySet().forEach(p -> params.get(p).muli(2.5f)));
            NesterovSgd optimizer = new NesterovSgd(params, root, 0.9, 5e-4);
            NDArray x = root.randomNormal(0f, 1f, new Shape(16, 3, IMAGE, IMAGE), DataType.FLOAT32);
            NDArray y = root.randomInteger(0, 10, new Shape(16), DataType.INT64)
                    .oneHot(10)
                    .toType(DataType.FLOAT32, false);
            for (int step = 0; step < 10; step++) {
                try (NDManager sm = root.newSubManager()) {
                    NDArray xs = x.duplicate();
                    xs.attach(sm);
                    try (Autograd g = Autograd.enable()) {
                        Autograd.backward(net.trainingLoss(xs, y));
                    }
                    optimizer.step(LEARNING_RATE, sm);
                    net.afterOptimizerStep(xs, y);
                }
            }

            double trained = (System.nanoTime() - started) / 1e9;
            System.out.printf("[ConvOperatorNormTest] built and trained in %.1f s%n", trained);
            Map<String, NDArray> buffers = net.namedBuffers(); // the power iteration replaced the vectors
            int atBound = 0;
            StringBuilder table = new StringBuilder();
            SoftAssertions checks = new SoftAssertions();
            for (Map.Entry<String, Conv2d> e : convs.entrySet()) {
                String path = e.getKey();
                Conv2d conv = e.getValue();
                String prefix = path.substring(0, path.length() - "weight".length());
                Shape ws = params.get(path).getShape();
                int cout = (int) ws.get(0);
                int cin = (int) ws.get(1);
                int k = (int) ws.get(2);
                int h = ConvMatrix.resNetInputSize(path, IMAGE);
                int stride = ConvMatrix.resNetStride(path);
                int oh = ConvMatrix.outputSize(h, k, stride);
                double[] raw = LinAlg.doubles(params.get(path));
                double[] u = LinAlg.doubles(buffers.get(prefix + "sn_u"));
                double[] v = LinAlg.doubles(buffers.get(prefix + "sn_v"));

                // σ̂ = ⟨u, A v⟩ from the stored vectors, by the definition of each operator
                double estimate;
                if (k > 1) {
                    assertThat(buffers.get(prefix + "sn_u").getShape())
                            .as(path + " u")
                            .isEqualTo(new Shape(1, cout, oh, oh));
                    assertThat(buffers.get(prefix + "sn_v").getShape())
                            .as(path + " v")
                            .isEqualTo(new Shape(1, cin, h, h));
                    estimate =
                            dot(u, ConvMatrix.of(raw, cout, cin, k, h, stride).times(v));
                } else {
                    // 1×1: the (out, in) matrix, whose norm is the operator's on any input shape
                    assertThat(buffers.get(prefix + "sn_u").getShape())
                            .as(path + " u")
                            .isEqualTo(new Shape(cout));
                    assertThat(buffers.get(prefix + "sn_v").getShape())
                            .as(path + " v")
                            .isEqualTo(new Shape(cin));
                    estimate = dot(u, ConvMatrix.of(raw, cout, cin, 1, 1, 1).times(v));
                }
                checks.assertThat(conv.spectralNormEstimate())
                        .as(path + " σ̂ reported")
                        .isCloseTo(estimate, within(1e-4 * estimate));

                // the applied weight is W / max(1, σ̂ / c)
                double factor = Math.max(1, estimate / BOUND);
                double[] applied;
                try (NDManager sm = root.newSubManager()) {
                    applied = LinAlg.doubles(conv.effectiveWeight(sm));
                }
                double worstWeight = 0;
                for (int i = 0; i < raw.length; i++) {
                    worstWeight = Math.max(
                            worstWeight, Math.abs(applied[i] - raw[i] / factor) / (Math.abs(raw[i] / factor) + 1e-2));
                }
                checks.assertThat(worstWeight)
                        .as(path + " applied weight vs W / max(1, σ̂/c), relative")
                        .isLessThan(1e-5);

                // the matrix is the layer's operator at its input shape: the same output as the layer's forward pass
                ConvMatrix operator = ConvMatrix.of(applied, cout, cin, k, h, stride);
                double worstOutput = 0;
                try (NDManager sm = root.newSubManager()) {
                    NDArray probe = sm.randomNormal(0f, 1f, new Shape(1, cin, h, h), DataType.FLOAT32);
                    double[] expected = operator.times(LinAlg.doubles(probe));
                    double[] actual = LinAlg.doubles(conv.forward(probe, Mode.EVAL));
                    assertThat(actual).as(path + " output size").hasSize(expected.length);
                    for (int i = 0; i < expected.length; i++) {
                        worstOutput = Math.max(worstOutput, Math.abs(actual[i] - expected[i]));
                    }
                }
                checks.assertThat(worstOutput)
                        .as(path + " layer output vs matrix · input")
                        .isLessThan(1e-4);

                double sigmaApplied = operator.largestSingularValue();
                double sigmaRaw = sigmaApplied * factor;
                table.append(String.format(
                        "%-38s %dx%d in %dx%d  raw σ %.4f  estimate %.4f (%+.2f%%)  applied σ %.4f%n",
                        path, k, k, h, h, sigmaRaw, estimate, 100 * (estimate / sigmaRaw - 1), sigmaApplied));
                checks.assertThat(sigmaApplied)
                        .as(path + " operator norm of the applied weight")
                        .isLessThanOrEqualTo(BOUND * 1.01);
                checks.assertThat(estimate)
                        .as(path + " power-iteration estimate vs exact σ")
                        .isCloseTo(sigmaRaw, within(0.02 * sigmaRaw));
                if (sigmaRaw > BOUND * 1.01) {
                    atBound++;
                    checks.assertThat(sigmaApplied)
                            .as(path + " sits at the bound")
                            .isGreaterThanOrEqualTo(BOUND * 0.98);
                }
            }
            System.out.print("[ConvOperatorNormTest]\n" + table
                    + String.format(
                            "%d of %d convs above the bound before"
                                    + " normalization; built and trained in %.1f s, checked in %.1f s%n",
                            atBound, convs.size(), trained, (System.nanoTime() - started) / 1e9 - trained));
            checks.assertAll();
            // the bound mattered: most layers' raw operator norm is above c
            assertThat(atBound).as("layers whose raw operator norm exceeds c").isGreaterThanOrEqualTo(15);
        }
    }
}
