package io.softcifar.evaluator.it;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** A minimal .npy reader for the test (little-endian, C order, version 1.0/2.0), independent of the code under test. */
final class Npy {

    private Npy() {}

    static float[] float32(byte[] file, int columns) {
        ByteBuffer data = payload(file, "<f4");
        float[] out = new float[data.remaining() / 4];
        data.asFloatBuffer().get(out);
        if (out.length % columns != 0) {
            throw new AssertionError(out.length + " values are not rows of " + columns);
        }
        return out;
    }

    static long[] int64(byte[] file) {
        ByteBuffer data = payload(file, "<i8");
        long[] out = new long[data.remaining() / 8];
        data.asLongBuffer().get(out);
        return out;
    }

    private static ByteBuffer payload(byte[] file, String dtype) {
        if ((file[0] & 0xFF) != 0x93 || file[1] != 'N') {
            throw new AssertionError("not a .npy file");
        }
        int major = file[6];
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = major == 1 ? Short.toUnsignedInt(b.getShort(8)) : b.getInt(8);
        int start = 8 + (major == 1 ? 2 : 4);
        String header = new String(file, start, headerLength, StandardCharsets.ISO_8859_1);
        if (!header.contains("'descr': '" + dtype + "'") || header.contains("'fortran_order': True")) {
            throw new AssertionError("unexpected .npy header " + header + " (expected " + dtype + ", C order)");
        }
        return ByteBuffer.wrap(file, start + headerLength, file.length - start - headerLength)
                .slice()
                .order(ByteOrder.LITTLE_ENDIAN);
    }
}
