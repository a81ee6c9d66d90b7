package io.softcifar.ml.data;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Public facade of the {@code .npy} writer ({@link Npy}): little-endian, C order, NumPy format version 1.0, written by
 * DJL's NumPy encoder, readable by {@code numpy.load}. Every method creates a short-lived CPU {@link NDManager} (so the
 * PyTorch engine must be loadable) and writes the file in one piece, creating missing parent folders.
 */
public final class NpyFiles {

    private NpyFiles() {}

    /** Writes {@code array} (any numeric DJL dtype; copied to the CPU if needed). */
    public static void write(Path file, NDArray array) {
        Npy.write(file, array.getDevice().isGpu() ? array.toDevice(Device.cpu(), true) : array);
    }

    /** Writes a {@code float32} array ({@code '<f4'}) of the given shape. */
    public static void writeFloat32(Path file, float[] data, long... shape) {
        checkSize(file, data.length, shape);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Npy.write(file, manager.create(data, new Shape(shape)));
        }
    }

    /** Writes a {@code float64} array ({@code '<f8'}) of the given shape. */
    public static void writeFloat64(Path file, double[] data, long... shape) {
        checkSize(file, data.length, shape);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Npy.write(file, manager.create(data, new Shape(shape)));
        }
    }

    /** Writes an {@code int64} array ({@code '<i8'}) of the given shape. */
    public static void writeInt64(Path file, long[] data, long... shape) {
        checkSize(file, data.length, shape);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Npy.write(file, manager.create(data, new Shape(shape)));
        }
    }

    /** Writes an {@code int64} array ({@code '<i8'}) of the given shape from Java ints. */
    public static void writeInt64(Path file, int[] data, long... shape) {
        writeInt64(file, Arrays.stream(data).asLongStream().toArray(), shape);
    }

    private static void checkSize(Path file, int length, long[] shape) {
        long size = 1;
        for (long d : shape) {
            if (d < 0) {
                throw InvalidDataException.forFile(file, "negative dimension in shape " + Npy.Array.shapeString(shape));
            }
            size = Math.multiplyExact(size, d);
        }
        if (size != length) {
            throw InvalidDataException.forFile(
                    file, length + " values do not fill shape " + Npy.Array.shapeString(shape));
        }
    }
}
