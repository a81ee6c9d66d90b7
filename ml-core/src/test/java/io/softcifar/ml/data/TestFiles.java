package io.softcifar.ml.data;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Helpers that write deliberately odd files for the tests. */
final class TestFiles {

    private TestFiles() {}

    /** An int64 .npy of the given shape (written by DJL). */
    static void writeInt64Npy(Path file, long[] data, long... shape) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray a = m.create(data, new Shape(shape));
            Npy.write(file, a);
        }
    }

    /** A float32 .npy of the given shape (written by DJL). */
    static void writeFloat32Npy(Path file, float[] data, long... shape) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Npy.write(file, m.create(data, new Shape(shape)));
        }
    }

    /**
     * A version-1.0 .npy built byte by byte the way numpy.save does it (header dict padded with spaces to a
     * 64-byte boundary, ending in a newline), followed by {@code payload}.
     */
    static void writeRawNpy(Path file, String dict, byte[] payload) throws IOException {
        int unpadded = 10 + dict.length() + 1;
        int total = (unpadded + 63) / 64 * 64;
        String header = dict + " ".repeat(total - unpadded) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.write(ByteBuffer.allocate(2)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) header.length())
                .array());
        out.write(header.getBytes(StandardCharsets.US_ASCII));
        out.write(payload);
        Files.write(file, out.toByteArray());
    }

    static byte[] littleEndianDoubles(double... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double d : v) {
            b.putDouble(d);
        }
        return b.array();
    }

    static void truncate(Path file, int bytesToDrop) throws IOException {
        byte[] b = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(b, b.length - bytesToDrop));
    }
}
