package io.softcifar.ml.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.training.ParameterStore;

/**
 * ∇ₓ Σ outputs with {@code create_graph=True}, as {@code torch.autograd.grad} computes it: the result is
 * differentiable (double backprop), and — unlike {@code backward(create_graph=True)} — no parameter's {@code .grad}
 * is touched. That matters: a graph-carrying {@code .grad} ties every parameter to the double-backward graph in a
 * reference cycle that PyTorch never frees (measured: resident memory grew every DUQ step).
 *
 * <p>DJL's JNI has no {@code autograd.grad}; TorchScript does, and DJL runs TorchScript, so the function is a
 * two-line scripted module shipped as a resource ({@code input_gradient.pt}, built by
 * {@code tools/make_input_gradient_module.py}).
 */
public final class InputGradient implements AutoCloseable {

    private static final String RESOURCE = "input_gradient.pt";
    private final PtSymbolBlock module;
    private final ParameterStore parameterStore;

    public InputGradient(NDManager manager) {
        module = ScriptedModules.load(manager, InputGradient.class, RESOURCE);
        parameterStore = new ParameterStore(manager, false);
    }

    /**
     * The gradient of {@code outputs.sum()} with respect to {@code inputs} (which must require gradient and be part
     * of the graph of {@code outputs}), itself part of the autograd graph. Must run with grad mode on.
     */
    public NDArray of(NDArray outputs, NDArray inputs) {
        NDList result = module.forward(parameterStore, new NDList(outputs, inputs), true);
        NDArray gradient = result.singletonOrThrow();
        gradient.attach(inputs.getManager());
        return gradient;
    }

    @Override
    public void close() {
        module.close();
    }
}
