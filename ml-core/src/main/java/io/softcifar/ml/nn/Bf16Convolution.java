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
 * A convolution computed in bfloat16, for the bf16 precision mode: {@code float32(conv2d(bf16(x), bf16(w)))}. The
 * inputs and the result are float32 (the weights stay the fp32 master copy the optimizer updates); only the
 * convolution's arithmetic is bf16. Backward runs through libtorch's autograd of the same graph (the casts included),
 * so the weights receive fp32 gradients, and DUQ's double backward works as in fp32.
 *
 * <p>DJL 0.33 aborts the JVM on {@code NDArray.toType(BFLOAT16)}, so the casts and the convolution run inside a
 * scripted module shipped as a resource ({@code bf16_conv.pt}, built by {@code tools/make_bf16_conv_module.py}).
 */
public final class Bf16Convolution implements AutoCloseable {

    private static final String RESOURCE = "bf16_conv.pt";
    private final PtSymbolBlock module;
    private final NDManager manager;
    private final ParameterStore parameterStore;
    /**
     * Tensors of shape (stride, padding), made once per geometry: the module takes tensors only and reads the shape,
     * never the data, so a GPU does not synchronize for it.
     */
    private final Map<List<Integer>, NDArray> geometries = new ConcurrentHashMap<>();

    /** Loads the module; it belongs to {@code manager} and is closed with it or by {@link #close}. */
    public Bf16Convolution(NDManager manager) {
        module = ScriptedModules.load(manager, Bf16Convolution.class, RESOURCE);
        this.manager = manager;
        parameterStore = new ParameterStore(manager, false);
    }

    /**
     * The convolution of {@code x} (N, C, H, W) with {@code w} (O, C, k, k), no bias, square stride and zero padding,
     * as float32, attached to {@code x}'s manager.
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

    @Override
    public void close() {
        module.close();
    }
}
