package io.softcifar.ml.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.softcifar.ml.train.EngineSetup;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
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

    /*
     * There is deliberately no "control" showing that plain DJL's x.div(4f) goes wrong under this harness: that
     * failure is a read of freed memory (undefined behaviour), so such a control could pass or fail by luck. What
     * Scalars does instead is checked by definition below: its constants are arrays of their own, owned by the
     * operand's manager, whose value survives garbage collection.
     */
    @Test
    void constantsAreArraysOwnedByTheOperandsManagerAndSurviveCollection() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new Shape(4));
            NDArray c = Scalars.like(x, 0.25);
            assertThat(c.getManager()).isSameAs(x.getManager());
            churn();
            assertThat(c.toFloatArray()).containsExactly(0.25f);
        }
    }

    @Test
    void scalarOperandsKeepGradientsExactThroughGarbageCollection() {
        for (int i = 0; i < TRIES; i++) {
            assertThat(gradientAtOne(x -> Scalars.div(x, 4))).as("d(x/4)/dx").isEqualTo(0.25f);
            assertThat(gradientAtOne(x -> Scalars.mul(x, 3))).as("d(3x)/dx").isEqualTo(3f);
            assertThat(gradientAtOne(x -> Scalars.maximum(x, 0.5)))
                    .as("d max(x, 0.5)/dx at 1")
                    .isEqualTo(1f);
            assertThat(gradientAtOne(x -> Scalars.maximum(x, 2)))
                    .as("d max(x, 2)/dx at 1")
                    .isEqualTo(0f);
            assertThat(gradientAtOne(x -> Scalars.rsub(5, x).mul(x)))
                    .as("d((5 - x)·x)/dx = 5 - 2x")
                    .isEqualTo(3f);
            assertThat(gradientAtOne(x -> Scalars.add(x, 2).mul(x)))
                    .as("d((x + 2)·x)/dx = 2x + 2")
                    .isEqualTo(4f);
            assertThat(gradientAtOne(x -> Scalars.sub(x, 2).mul(x)))
                    .as("d((x - 2)·x)/dx = 2x - 2")
                    .isEqualTo(0f);
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

    /**
     * Five rounds of: make 2,000 small direct buffers unreachable, collect, wait until the JVM has actually freed
     * them (the direct-buffer pool count drops), then allocate 20,000 more that reuse the freed memory.
     */
    private static List<ByteBuffer> churn() {
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct"))
                .findFirst()
                .orElseThrow();
        List<ByteBuffer> keep = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            List<ByteBuffer> garbage = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                garbage.add(ByteBuffer.allocateDirect(4));
            }
            long withGarbage = direct.getCount();
            garbage = null;
            System.gc();
            await().atMost(Duration.ofSeconds(30))
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        System.gc();
                        return direct.getCount() <= withGarbage - 2_000;
                    });
            for (int i = 0; i < 20_000; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(4);
                b.putFloat(0, 0f);
                keep.add(b);
            }
        }
        return keep;
    }
}
