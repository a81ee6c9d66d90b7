package io.softcifar.ml.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;

/** Images as tensors: the one way the trainer, the evaluator and the benchmarks put {@link LabeledImages} on a device. */
public final class ImageTensors {

    private ImageTensors() {}

    /**
     * The images as one uint8 tensor of shape (N, 3, 32, 32) in {@code manager} ({@code NDManager.create(byte[])} would
     * make int8; uint8 needs the buffer form).
     */
    public static NDArray upload(NDManager manager, LabeledImages images) {
        return manager.create(
                ByteBuffer.wrap(images.pixels()),
                new Shape(images.count(), LabeledImages.CHANNELS, LabeledImages.HEIGHT, LabeledImages.WIDTH),
                DataType.UINT8);
    }
}
