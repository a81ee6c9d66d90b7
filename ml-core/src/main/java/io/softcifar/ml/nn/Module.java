package io.softcifar.ml.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small module tree on top of DJL NDArrays. DJL's {@code AbstractBlock} ties the parameter-file format to the
 * order of child blocks; here every tensor is saved under its dotted path ({@code stage2.block0.conv1.weight}) so the
 * checkpoint format does not depend on declaration order, and the three forward modes of {@link Mode} (train, eval,
 * MC dropout) are explicit.
 *
 * <p>Trainable tensors are <em>parameters</em> (gradient attached); non-trainable state such as BatchNorm running
 * statistics, spectral-norm power-iteration vectors or the SNGP precision matrix are <em>buffers</em>. All of them
 * live in the model's long-lived manager; everything a forward pass creates lives in the caller's (per step) manager.
 */
public abstract class Module {

    private final Map<String, NDArray> parameters = new LinkedHashMap<>();
    private final Map<String, NDArray> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();

    protected final NDArray registerParameter(String name, NDArray value) {
        value.setRequiresGradient(true);
        parameters.put(name, value);
        return value;
    }

    protected final NDArray registerBuffer(String name, NDArray value) {
        buffers.put(name, value);
        return value;
    }

    /** Replaces a buffer's tensor (the old one is closed). */
    protected final NDArray replaceBuffer(String name, NDArray value) {
        NDArray old = buffers.put(name, value);
        if (old != null && old != value) {
            old.close();
        }
        return value;
    }

    protected final NDArray buffer(String name) {
        return buffers.get(name);
    }

    protected final NDArray parameter(String name) {
        return parameters.get(name);
    }

    /**
     * Converts every parameter and buffer of the tree to {@code type} (e.g. float64 for gradient checks). Layers read
     * their tensors by name on every pass, so replacing the tensors here is all a cast needs.
     */
    public final void cast(ai.djl.ndarray.types.DataType type) {
        visit(module -> {
            module.parameters.replaceAll((name, old) -> {
                NDArray cast = old.toType(type, true);
                cast.setRequiresGradient(true);
                old.close();
                return cast;
            });
            module.buffers.replaceAll((name, old) -> {
                NDArray cast = old.toType(type, true);
                old.close();
                return cast;
            });
        });
    }

    protected final <M extends Module> M registerChild(String name, M child) {
        children.put(name, child);
        return child;
    }

    /** Trainable tensors by dotted path, in a stable order. */
    public final Map<String, NDArray> namedParameters() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        collect("", out, true);
        return out;
    }

    /** Non-trainable state by dotted path, in a stable order. */
    public final Map<String, NDArray> namedBuffers() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        collect("", out, false);
        return out;
    }

    private void collect(String prefix, Map<String, NDArray> out, boolean params) {
        for (Map.Entry<String, NDArray> e : (params ? parameters : buffers).entrySet()) {
            out.put(prefix + e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().collect(prefix + e.getKey() + ".", out, params);
        }
    }

    /** Number of trainable scalars. */
    public final long parameterCount() {
        return namedParameters().values().stream()
                .mapToLong(a -> a.getShape().size())
                .sum();
    }

    /** Visits this module and all descendants, parents first. */
    public final void visit(java.util.function.Consumer<Module> visitor) {
        visitor.accept(this);
        children.values().forEach(c -> c.visit(visitor));
    }

    /**
     * Copies a tensor computed from a parameter into the manager of the activations, so that it is freed with the
     * step. DJL attaches a result to the manager of its first operand, which for {@code weight.mul(...)} is the
     * model's long-lived manager.
     */
    protected static NDArray scoped(NDArray result, NDManager stepManager) {
        if (result.getManager() != stepManager) {
            result.attach(stepManager);
        }
        return result;
    }
}
