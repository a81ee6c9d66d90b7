package io.softcifar.dataset.imports;

import io.softcifar.ml.data.InvalidDataException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Checks the variable headers of an SVHN {@code *_32x32.mat} (MAT v5) before the MAT reader allocates anything, so a
 * crafted file that claims a huge array is refused at once.
 *
 * <p>MAT v5 layout (MathWorks, "MAT-File Format", 2021): a 128-byte header (text, subsystem offset, version 0x0100,
 * endian indicator {@code IM}/{@code MI}), then data elements, each an 8-byte tag (type, byte count) and its data.
 * A variable is an {@code miMATRIX} (14) element, or an {@code miCOMPRESSED} (15) element holding one zlib-compressed;
 * inside: array flags (class in the low byte), dimensions ({@code miINT32}), name ({@code miINT8}, possibly in the
 * 4-byte "small element" form), then the data. Only the first bytes of each variable are inflated here.
 *
 * <p>Accepted: exactly the variables {@code X} (uint8, 32×32×3×N) and {@code y} (real numeric, N×1 or 1×N) with the
 * same N, 1 ≤ N ≤ {@value #MAX_IMAGES}, each declaring no more bytes than its shape needs, each inside the file.
 */
final class MatHeader {

    /** More than the 73,257 images of SVHN's training file; the test file has 26,032. */
    static final int MAX_IMAGES = 100_000;

    private static final int MI_INT8 = 1;
    private static final int MI_INT32 = 5;
    private static final int MI_UINT32 = 6;
    private static final int MI_MATRIX = 14;
    private static final int MI_COMPRESSED = 15;
    private static final int MX_DOUBLE = 6;
    private static final int MX_UINT8 = 9;
    private static final int MX_UINT64 = 15;
    /** Bytes per element of mxDOUBLE … mxUINT64 (classes 6..15). */
    private static final int[] ITEM_BYTES = {8, 4, 1, 1, 2, 2, 4, 4, 8, 8};

    private static final String EXPECTED = "MAT v5 with X uint8 32×32×3×N and y N×1, N ≤ " + MAX_IMAGES;

    private MatHeader() {}

    /** A variable's header: name, class, dimensions, declared byte count. */
    private record Variable(String name, int mxClass, boolean complex, long[] dims, long declared) {}

    static void check(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer header = read(ch, 0, 128);
            if (header.remaining() < 128) {
                throw bad(file, "is too short for a MAT file header (" + size + " bytes)");
            }
            String text = new String(header.array(), header.arrayOffset(), 116, StandardCharsets.ISO_8859_1);
            if (text.startsWith("MATLAB 7.3")) {
                throw bad(file, "is a MAT v7.3 (HDF5) file, which is not supported");
            }
            char e0 = (char) header.get(126);
            char e1 = (char) header.get(127);
            ByteOrder order = e0 == 'I' && e1 == 'M'
                    ? ByteOrder.LITTLE_ENDIAN
                    : e0 == 'M' && e1 == 'I' ? ByteOrder.BIG_ENDIAN : null;
            if (!text.startsWith("MATLAB 5.0 MAT-file") || order == null) {
                throw bad(file, "is not a MAT v5 file (no 'MATLAB 5.0 MAT-file' header with an endian indicator)");
            }
            Map<String, Variable> vars = new LinkedHashMap<>();
            long pos = 128;
            while (pos < size) {
                ByteBuffer tag = read(ch, pos, 8).order(order);
                if (tag.remaining() < 8) {
                    throw bad(file, "is truncated after byte " + pos + " (an element tag is cut off)");
                }
                int type = tag.getInt(0);
                long bytes = Integer.toUnsignedLong(tag.getInt(4));
                if (pos + 8 + bytes > size) {
                    throw bad(
                            file,
                            "declares an element of " + bytes + " bytes at byte " + pos + " but the file has " + size
                                    + " (truncated, or a forged size)");
                }
                Variable v;
                if (type == MI_COMPRESSED) {
                    v = compressed(file, ch, pos + 8, bytes, order);
                } else if (type == MI_MATRIX) {
                    v = matrix(
                            file, read(ch, pos + 8, (int) Math.min(bytes, 512)).order(order), bytes);
                } else {
                    throw bad(
                            file,
                            "holds a top-level element of type " + type + " at byte " + pos + " (expected variables)");
                }
                checkVariable(file, v);
                if (vars.put(v.name(), v) != null) {
                    throw bad(file, "holds variable '" + v.name() + "' twice");
                }
                pos += 8 + (type == MI_COMPRESSED ? bytes : align8(bytes));
            }
            Variable x = vars.get("X");
            Variable y = vars.get("y");
            if (x == null || y == null) {
                throw bad(file, "has no variable '" + (x == null ? "X" : "y") + "'");
            }
            long n = x.dims().length == 4 ? x.dims()[3] : 1;
            long m = y.dims()[0] * y.dims()[1];
            if (n != m) {
                throw bad(file, "variable 'y' has " + m + " labels but 'X' has " + n + " images");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static Variable compressed(Path file, FileChannel ch, long start, long bytes, ByteOrder order)
            throws IOException {
        ByteBuffer deflated = read(ch, start, (int) Math.min(bytes, 4096));
        byte[] head;
        try (InputStream in = new InflaterInputStream(
                new java.io.ByteArrayInputStream(deflated.array(), deflated.arrayOffset(), deflated.limit()),
                new Inflater())) {
            head = in.readNBytes(8 + 512);
        } catch (IOException e) {
            throw bad(
                    file,
                    "holds a compressed element at byte " + (start - 8) + " that does not inflate (" + e.getMessage()
                            + ")");
        }
        ByteBuffer b = ByteBuffer.wrap(head).order(order);
        if (head.length < 8 || b.getInt(0) != MI_MATRIX) {
            throw bad(file, "holds a compressed element at byte " + (start - 8) + " that is not a variable");
        }
        long declared = Integer.toUnsignedLong(b.getInt(4));
        return matrix(
                file, ByteBuffer.wrap(Arrays.copyOfRange(head, 8, head.length)).order(order), declared);
    }

    /** Parses array flags, dimensions and name from the first bytes of an miMATRIX's data. */
    private static Variable matrix(Path file, ByteBuffer b, long declared) {
        try {
            int flagsType = b.getInt(0);
            if (flagsType != MI_UINT32 || b.getInt(4) != 8) {
                throw bad(file, "holds a variable without array flags");
            }
            int flags = b.getInt(8);
            int mxClass = flags & 0xFF;
            boolean complex = (flags & 0x800) != 0;
            int dimsType = b.getInt(16);
            int dimsBytes = b.getInt(20);
            if (dimsType != MI_INT32 || dimsBytes < 8 || dimsBytes > 32 || dimsBytes % 4 != 0) {
                throw bad(file, "holds a variable with malformed dimensions");
            }
            long[] dims = new long[dimsBytes / 4];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = b.getInt(24 + 4 * i);
                if (dims[i] < 0) {
                    throw bad(file, "holds a variable with a negative dimension");
                }
            }
            int at = 24 + (int) align8(dimsBytes);
            int nameWord = b.getInt(at);
            String name;
            if (nameWord >>> 16 != 0) { // small element: size in the upper, type in the lower half
                int len = nameWord >>> 16;
                if ((nameWord & 0xFFFF) != MI_INT8 || len > 4) {
                    throw bad(file, "holds a variable with a malformed name");
                }
                name = ascii(b, at + 4, len);
            } else {
                int len = b.getInt(at + 4);
                if (nameWord != MI_INT8 || len < 0 || len > 64) {
                    throw bad(file, "holds a variable with a malformed name");
                }
                name = ascii(b, at + 8, len);
            }
            return new Variable(name, mxClass, complex, dims, declared);
        } catch (IndexOutOfBoundsException e) {
            throw bad(file, "holds a variable whose header is cut off");
        }
    }

    private static void checkVariable(Path file, Variable v) {
        String dims = Arrays.stream(v.dims()).mapToObj(Long::toString).collect(Collectors.joining("×"));
        if (!v.name().equals("X") && !v.name().equals("y")) {
            throw bad(file, "holds unexpected variable '" + v.name() + "' (" + dims + ")");
        }
        if (v.mxClass() < MX_DOUBLE || v.mxClass() > MX_UINT64 || v.complex()) {
            throw bad(
                    file,
                    "variable '" + v.name() + "' has class " + v.mxClass() + (v.complex() ? " (complex)" : "")
                            + ", not a real numeric array");
        }
        long[] d = v.dims();
        long n;
        if (v.name().equals("X")) {
            if (v.mxClass() != MX_UINT8) {
                throw bad(file, "variable 'X' has class " + v.mxClass() + " (expected uint8, class 9)");
            }
            boolean shape = (d.length == 4 || d.length == 3) && d[0] == 32 && d[1] == 32 && d[2] == 3;
            if (!shape) {
                throw bad(file, "variable 'X' declares shape " + dims + " (expected 32×32×3×N)");
            }
            n = d.length == 4 ? d[3] : 1;
        } else {
            if (d.length != 2 || (d[0] != 1 && d[1] != 1)) {
                throw bad(file, "variable 'y' declares shape " + dims + " (expected N×1)");
            }
            n = d[0] * d[1];
        }
        if (n < 1 || n > MAX_IMAGES) {
            throw bad(
                    file,
                    "variable '" + v.name() + "' declares shape " + dims + ": " + n + " images, more than the "
                            + MAX_IMAGES + " allowed or none");
        }
        long elements = Arrays.stream(d).reduce(1, (a, b) -> a * b);
        long needed = 16 + 8 + align8(4L * d.length) + 8 + 64 + 8 + align8(elements * ITEM_BYTES[v.mxClass() - 6]);
        if (v.declared() > needed) {
            throw bad(
                    file,
                    "variable '" + v.name() + "' declares " + v.declared() + " bytes, more than its shape " + dims
                            + " needs (" + needed + ")");
        }
    }

    private static String ascii(ByteBuffer b, int from, int len) {
        byte[] out = new byte[len];
        for (int i = 0; i < len; i++) {
            out[i] = b.get(from + i);
        }
        return new String(out, StandardCharsets.US_ASCII);
    }

    private static ByteBuffer read(FileChannel ch, long pos, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(len);
        while (buf.hasRemaining()) {
            if (ch.read(buf, pos + buf.position()) < 0) {
                break;
            }
        }
        buf.flip();
        return ByteBuffer.wrap(buf.array(), 0, buf.limit()).slice();
    }

    private static long align8(long n) {
        return (n + 7) & ~7L;
    }

    private static InvalidDataException bad(Path file, String problem) {
        return InvalidDataException.forFile(file, problem + "; expected " + EXPECTED);
    }
}
