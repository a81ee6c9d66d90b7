package io.softcifar.ml.model;

import io.softcifar.ml.nn.Bf16Convolution;
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

    /**
     * The precision of an id ({@code fp32}, {@code bf16}; trimmed, any case); otherwise an
     * {@link IllegalArgumentException} "precision: unknown 'x' (expected one of fp32, bf16)".
     */
    public static Precision of(String id) {
        return EnumIds.parse(values(), Precision::id, id, "precision: unknown ");
    }
}
