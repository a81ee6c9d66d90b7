package io.softcifar.ml.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.softcifar.ml.train.EngineSetup;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Constants in differentiable code must outlive the backward pass. The harness runs a forward pass, then provokes
 * exactly what happens during training: garbage collections while the JVM keeps allocating small direct buffers
 * (which land in memory freed by the collector), then the backward pass. Expected gradients are the textbook
 * derivatives at x = 1.
 */
class ScalarsTest {

    private static final int TRIES = 5;

    @BeforeAll
    static void engine() {
        EngineSetup.engine();
    }

    /**
     * The control: plain DJL 0.33 {@code x.div(4f)} passes a borrowed buffer to autograd, and the harness makes
     * backward read freed memory (d(x/4)/dx comes out as anything but 0.25). If this ever passes, DJL has stopped
     * borrowing, and {@link Scalars} is no longer needed.
     */
    @Test
    void theHarnessCatchesDjlsBorrowedScalarOperand() {
        int tries = 0;
        float gradient = 0.25f;
        while (gradient == 0.25f && tries < 4 * TRIES) { // here it has always gone wrong at the first try
            gradient = gradientAtOne(x -> x.div(4f));
            tries++;
        }
        assertThat(gradient).as("d(x/4)/dx with plain DJL's x.div(4f), %d tries", tries).isNotEqualTo(0.25f);
    }

    @Test
    void scalarOperandsKeepGradientsExactThroughGarbageCollection() {
        for (int i = 0; i < TRIES; i++) {
            assertThat(gradientAtOne(x -> Scalars.div(x, 4))).as("d(x/4)/dx").isEqualTo(0.25f);
            assertThat(gradientAtOne(x -> Scalars.mul(x, 3))).as("d(3x)/dx").isEqualTo(3f);
            assertThat(gradientAtOne(x -> Scalars.maximum(x, 0.5))).as("d max(x, 0.5)/dx at 1").isEqualTo(1f);
            assertThat(gradientAtOne(x -> Scalars.maximum(x, 2))).as("d max(x, 2)/dx at 1").isEqualTo(0f);
            assertThat(gradientAtOne(x -> Scalars.rsub(5, x).mul(x))).as("d((5 - x)·x)/dx = 5 - 2x").isEqualTo(3f);
            assertThat(gradientAtOne(x -> Scalars.add(x, 2).mul(x))).as("d((x + 2)·x)/dx = 2x + 2").isEqualTo(4f);
            assertThat(gradientAtOne(x -> Scalars.sub(x, 2).mul(x))).as("d((x - 2)·x)/dx = 2x - 2").isEqualTo(0f);
        }
    }

    @Test
    void constantsTakeTheDataTypeOfTheirOperandAndKeepFloat64Exact() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new Shape(2)).toType(ai.djl.ndarray.types.DataType.FLOAT64, false);
            NDArray c = Scalars.like(x, 0.1);
            assertThat(c.getDataType()).isEqualTo(ai.djl.ndarray.types.DataType.FLOAT64);
            assertThat(c.getShape().dimension()).isZero();
            assertThat(Scalars.mul(x, 0.1).toDoubleArray()).containsExactly(0.1, 0.1);
        }
    }

    /** d/dx Σ f(x) at x = (1, 1, 1, 1), element 0, with garbage collections and allocations between the passes. */
    private static float gradientAtOne(UnaryOperator<NDArray> f) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new Shape(4));
            x.setRequiresGradient(true);
            NDArray loss;
            try (Autograd ignored = Autograd.enable()) {
                loss = f.apply(x).sum();
            }
            List<ByteBuffer> churn = churn();
            try (Autograd ignored = Autograd.enable()) {
                Autograd.backward(loss);
            }
            assertThat(churn).isNotEmpty();
            return x.getGradient().toFloatArray()[0];
        }
    }

    private static List<ByteBuffer> churn() {
        List<ByteBuffer> keep = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            System.gc();
            try {
                Thread.sleep(20); // the collector's cleaner thread frees the unreachable direct buffers
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            for (int i = 0; i < 20_000; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(4);
                b.putFloat(0, 0f);
                keep.add(b);
            }
        }
        return keep;
    }
}
