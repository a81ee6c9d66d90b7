package io.softcifar.ml.nn;

import java.util.Arrays;
import java.util.Locale;

/**
 * The arithmetic of a model's backbone. FP32: everything float32. BF16: the convolutions (nearly all of a ResNet's
 * arithmetic) compute in bfloat16 on fp32 master weights, and the activations between them stay bfloat16 (as under
 * PyTorch's bf16 autocast); the features, the heads, the loss and the optimizer stay float32 ({@link
 * Bf16Convolution}). Fast where the CPU has AVX-512 BF16 or AMX and on GPUs; correct but slower elsewhere.
 */
public enum Precision {
    FP32,
    BF16;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The precision of an id ({@code fp32}, {@code bf16}); a message naming the choices otherwise. */
    public static Precision of(String id) {
        for (Precision p : values()) {
            if (p.id().equals(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("precision must be one of "
                + Arrays.stream(values()).map(Precision::id).toList() + ", got '" + id + "'");
    }
}
