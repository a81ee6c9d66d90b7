package io.softcifar.ml.nn;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Loads the small TorchScript modules ml-core ships as class-path resources (the input gradient, the bf16
 * convolution, the fused optimizer update; each built by a script in {@code tools/}).
 */
public final class ScriptedModules {

    private ScriptedModules() {}

    /**
     * The module in resource {@code name} next to {@code owner}, owned by {@code manager} (closed with it).
     *
     * @throws IllegalStateException if the resource is missing (a broken build)
     */
    public static PtSymbolBlock load(NDManager manager, Class<?> owner, String name) {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the class path (broken build)");
            }
            return JniUtils.loadModule((PtNDManager) manager, in, true, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load " + name + ": " + e.getMessage(), e);
        }
    }
}
