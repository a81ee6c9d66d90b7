package io.softcifar.ml.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bf16 precision mode's two operations: a convolution computed in bfloat16, {@code conv2d(bf16(x), bf16(w))}, with
 * a bfloat16 result, and the cast of the backbone's last activations back to float32. Between them the backbone's
 * activations stay bfloat16 (DJL's BatchNorm, ReLU, dropout and additions run on them as they are; BatchNorm's
 * parameters and running statistics stay float32), as under PyTorch's bf16 autocast; the weights stay the fp32 master
 * copy the optimizer updates. Backward runs through libtorch's autograd of the same graph (the casts included), so
 * the weights receive fp32 gradients, and DUQ's double backward works as in fp32.
 *
 * <p>DJL 0.33 aborts the JVM on {@code NDArray.toType(BFLOAT16)}, so the casts run inside scripted modules shipped as
 * resources ({@code bf16_conv.pt}, {@code bf16_to_float32.pt}; built by {@code tools/make_bf16_conv_module.py}).
 */
public final class Bf16Convolution implements AutoCloseable {

    private final PtSymbolBlock module;
    private final PtSymbolBlock toFloat32;
    private final NDManager manager;
    private final ParameterStore parameterStore;
    /**
     * Tensors of shape (stride, padding), made once per geometry: the module takes tensors only and reads the shape,
     * never the data, so a GPU does not synchronize for it.
     */
    private final Map<List<Integer>, NDArray> geometries = new ConcurrentHashMap<>();

    /** Loads the modules; they belong to {@code manager} and are closed with it or by {@link #close}. */
    public Bf16Convolution(NDManager manager) {
        module = ScriptedModules.load(manager, Bf16Convolution.class, "bf16_conv.pt");
        toFloat32 = ScriptedModules.load(manager, Bf16Convolution.class, "bf16_to_float32.pt");
        this.manager = manager;
        parameterStore = new ParameterStore(manager, false);
    }

    /**
     * The convolution of {@code x} (N, C, H, W; float32 or bfloat16) with {@code w} (O, C, k, k), no bias, square
     * stride and zero padding, as bfloat16, attached to {@code x}'s manager.
     */
    public NDArray apply(NDArray x, NDArray w, int stride, int padding) {
        NDArray geometry =
                geometries.computeIfAbsent(List.of(stride, padding), k -> manager.zeros(new Shape(stride, padding)));
        // with training = true DJL runs the module with autograd (its IValue entry point never does)
        NDArray y =
                module.forward(parameterStore, new NDList(x, w, geometry), true).singletonOrThrow();
        y.attach(x.getManager());
        return y;
    }

    /** {@code x} (bfloat16) as float32, attached to {@code x}'s manager. */
    public NDArray toFloat32(NDArray x) {
        NDArray y = toFloat32.forward(parameterStore, new NDList(x), true).singletonOrThrow();
        y.attach(x.getManager());
        return y;
    }

    @Override
    public void close() {
        module.close();
        toFloat32.close();
    }
}
