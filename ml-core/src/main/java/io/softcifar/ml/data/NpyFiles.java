package io.softcifar.ml.data;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

/**
 * Public facade of the {@code .npy} writer ({@link Npy}): little-endian, C order, NumPy format version 1.0, written by
 * DJL's NumPy encoder, readable by {@code numpy.load}. Every method creates a short-lived CPU {@link NDManager} (so the
 * PyTorch engine must be loadable) and writes the file in one piece, creating missing parent folders. For other
 * modules' own inputs it also reads integer arrays ({@link #readIntegers}) with the checks of ml-core's reader.
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

    /** An integer array read from a {@code .npy} file: its shape and its values in C order. */
    public record Integers(long[] shape, long[] data) {}

    /**
     * Reads a {@code .npy} file of dtype int64 or int32 (values as long). Every problem is an
     * {@link InvalidDataException} naming the file: not a {@code .npy}, big-endian or Fortran order, undecodable, more
     * than one array, another dtype ("dtype float64 is not {@code expected} (shape (5, 10))"), trailing bytes.
     *
     * @param expected how to name the expected dtype in an error, e.g. "int64 (annotator counts)"
     */
    public static Integers readIntegers(Path file, String expected) {
        return Npy.read(
                file,
                Set.of(DataType.INT64, DataType.INT32),
                expected,
                (a, type, shape, dtype) -> new Integers(
                        shape,
                        type == DataType.INT64
                                ? a.toLongArray()
                                : a.toType(DataType.INT64, false).toLongArray()));
    }

    /** A shape as NumPy prints it: "(5, 10)", "(7,)". */
    public static String shapeString(long[] shape) {
        return Npy.Array.shapeString(shape);
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
