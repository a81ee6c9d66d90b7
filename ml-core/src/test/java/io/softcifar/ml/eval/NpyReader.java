package io.softcifar.ml.eval;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A from-scratch reader of the {@code .npy} format (NEP 1: magic, version, little-endian header length, Python dict
 * header, raw C-order data), independent of DJL, so the tests check the dump as NumPy would see it. Supports the
 * dtypes the dump uses: {@code <f4}, {@code <f8}, {@code <i8}.
 */
final class NpyReader {

    record Array(String descr, long[] shape, double[] data) {
        int rows() {
            return (int) shape[0];
        }

        int cols() {
            return shape.length > 1 ? (int) shape[1] : 1;
        }

        double at(int i, int j) {
            return data[i * cols() + j];
        }
    }

    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private NpyReader() {}

    static Array read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[6];
        buf.get(magic);
        if (!Arrays.equals(magic, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'})) {
            throw new IOException(file + ": no .npy magic");
        }
        int major = buf.get();
        buf.get(); // minor
        int headerLen = major == 1 ? Short.toUnsignedInt(buf.getShort()) : buf.getInt();
        byte[] header = new byte[headerLen];
        buf.get(header);
        String dict = new String(header, StandardCharsets.ISO_8859_1);
        if ((buf.position()) % 16 != 0) {
            throw new IOException(file + ": data does not start at a multiple of 16 bytes");
        }
        Matcher d = DESCR.matcher(dict);
        Matcher f = FORTRAN.matcher(dict);
        Matcher s = SHAPE.matcher(dict);
        if (!d.find() || !f.find() || !s.find()) {
            throw new IOException(file + ": header " + dict);
        }
        if (f.group(1).equals("True")) {
            throw new IOException(file + ": Fortran order");
        }
        long[] shape = Arrays.stream(s.group(1).split(","))
                .map(String::strip)
                .filter(t -> !t.isEmpty())
                .mapToLong(Long::parseLong)
                .toArray();
        long size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        double[] data = new double[(int) size];
        String descr = d.group(1);
        for (int i = 0; i < size; i++) {
            data[i] = switch (descr) {
                case "<f4" -> buf.getFloat();
                case "<f8" -> buf.getDouble();
                case "<i8" -> buf.getLong();
                default -> throw new IOException(file + ": unsupported dtype " + descr);
            };
        }
        if (buf.hasRemaining()) {
            throw new IOException(file + ": " + buf.remaining() + " trailing bytes");
        }
        return new Array(descr, shape, data);
    }
}
