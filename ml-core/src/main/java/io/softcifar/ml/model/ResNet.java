package io.softcifar.ml.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.softcifar.ml.nn.BatchNorm2d;
import io.softcifar.ml.nn.Bf16Convolution;
import io.softcifar.ml.nn.Conv2d;
import io.softcifar.ml.nn.Mode;
import io.softcifar.ml.nn.Module;
import io.softcifar.ml.nn.RunRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR ResNet of depth 6n+2 (He et al. 2016, section 4.2): 3×3 stem with 16 filters, three stages of n basic blocks
 * with 16/32/64 filters (stride 2 at the start of stages 2 and 3, 1×1 projection + BatchNorm shortcut where the shape
 * changes), global average pooling. Returns the 64-d feature vector; the heads live in {@link CifarNet}.
 */
public final class ResNet extends Module {

    public static final int FEATURES = 64;

    private final Conv2d stem;
    private final BatchNorm2d stemBn;
    private final List<ResidualBlock> blocks = new ArrayList<>();
    private final double dropout;
    /** Set in the bf16 precision mode: the activations are bfloat16, cast to float32 before pooling. */
    private volatile Bf16Convolution bf16;

    /** A ResNet for 32×32 images (CIFAR). */
    public ResNet(NDManager manager, int blocksPerStage, double dropout, Float spectralBound) {
        this(manager, blocksPerStage, dropout, spectralBound, ModelConfig.DEFAULT_IMAGE_SIZE);
    }

    /**
     * @param spectralBound c of SNGP's spectral normalization of every conv, or null
     * @param imageSize height = width of the input images: spectral normalization of a 3×3 conv bounds the norm of
     *     the convolution operator on the shape that conv sees
     */
    public ResNet(NDManager manager, int blocksPerStage, double dropout, Float spectralBound, int imageSize) {
        this.dropout = dropout;
        stem = registerChild("stem", new Conv2d(manager, 3, 16, 3, 1, spectralBound, imageSize));
        stemBn = registerChild("stem_bn", new BatchNorm2d(manager, 16));
        int in = 16;
        int size = imageSize;
        int[] widths = {16, 32, 64};
        for (int s = 0; s < widths.length; s++) {
            for (int b = 0; b < blocksPerStage; b++) {
                int stride = (s > 0 && b == 0) ? 2 : 1;
                String name = "stage" + (s + 1) + ".block" + b;
                blocks.add(registerChild(
                        name, new ResidualBlock(manager, in, widths[s], stride, dropout, spectralBound, size)));
                in = widths[s];
                size = (size - 1) / stride + 1; // 3×3, padding 1
            }
        }
    }

    public NDArray forward(NDArray x, Mode mode) {
        NDArray h = ResidualBlock.activate(stemBn.forward(stem.forward(x, mode), mode), dropout, mode);
        for (ResidualBlock block : blocks) {
            h = block.forward(h, mode);
        }
        if (bf16 != null) {
            h = bf16.toFloat32(h);
        }
        Shape s = h.getShape();
        return h.reshape(s.get(0), s.get(1), s.get(2) * s.get(3)).mean(new int[] {2});
    }

    /**
     * Computes the convolutions, and the activations between them, in bfloat16 from now on ({@code kernel}; the
     * returned features stay float32), or in float32 again (null). The parameters stay float32.
     */
    public void computeIn(Bf16Convolution kernel) {
        bf16 = kernel;
        visit(m -> {
            if (m instanceof Conv2d conv) {
                conv.computeIn(kernel);
            }
        });
    }

    /** One basic block: conv-BN-ReLU(-dropout)-conv-BN, plus the shortcut, ReLU(-dropout). */
    static final class ResidualBlock extends Module {
        private final Conv2d conv1;
        private final BatchNorm2d bn1;
        private final Conv2d conv2;
        private final BatchNorm2d bn2;
        private final Conv2d shortcut;
        private final BatchNorm2d shortcutBn;
        private final double dropout;

        ResidualBlock(NDManager manager, int in, int out, int stride, double dropout, Float spectralBound, int size) {
            this.dropout = dropout;
            conv1 = registerChild("conv1", new Conv2d(manager, in, out, 3, stride, spectralBound, size));
            bn1 = registerChild("bn1", new BatchNorm2d(manager, out));
            conv2 = registerChild("conv2", new Conv2d(manager, out, out, 3, 1, spectralBound, (size - 1) / stride + 1));
            bn2 = registerChild("bn2", new BatchNorm2d(manager, out));
            if (stride != 1 || in != out) {
                shortcut = registerChild("shortcut", new Conv2d(manager, in, out, 1, stride, spectralBound, size));
                shortcutBn = registerChild("shortcut_bn", new BatchNorm2d(manager, out));
            } else {
                shortcut = null;
                shortcutBn = null;
            }
        }

        NDArray forward(NDArray x, Mode mode) {
            NDArray h = activate(bn1.forward(conv1.forward(x, mode), mode), dropout, mode);
            h = bn2.forward(conv2.forward(h, mode), mode);
            NDArray skip = shortcut == null ? x : shortcutBn.forward(shortcut.forward(x, mode), mode);
            return activate(h.add(skip), dropout, mode);
        }

        static NDArray activate(NDArray x, double dropout, Mode mode) {
            NDArray r = x.getNDArrayInternal().relu();
            if (dropout > 0 && mode.dropout()) {
                NDArray kept = r;
                r = RunRandom.draw(() -> kept.getNDArrayInternal()
                        .dropout(kept, (float) dropout, true)
                        .singletonOrThrow());
            }
            return r;
        }
    }
}
