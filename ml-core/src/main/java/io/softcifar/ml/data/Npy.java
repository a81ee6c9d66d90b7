package io.softcifar.ml.data;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * NumPy {@code .npy} I/O through DJL.
 *
 * <p>Reading: DJL 0.33's {@link NDList#decode(NDManager, InputStream)} recognises the {@code \x93NUMPY} magic
 * and decodes the array (format versions 1–3, numeric dtypes), exactly (float64 stays float64). Two limits of
 * DJL 0.33, both checked here from the header before decoding so they give a clear error: a
 * {@code fortran_order: True} header is rejected by DJL ("Invalid numpy header"), and a big-endian dtype such as
 * {@code '>f8'} is silently decoded with the wrong byte order (DJL sets the order on its staging buffer, but the
 * PyTorch engine copies the raw bytes). Files written by {@code numpy.save} on x86/ARM are little-endian C order.
 *
 * <p>Writing: DJL has no public single-array {@code .npy} writer — its {@code .npy} encoder
 * ({@code NDSerializer.encodeAsNumpy}) is package-private and only reachable through
 * {@link NDList#encode(java.io.OutputStream, NDList.Encoding)} with {@link NDList.Encoding#NPZ}. An
 * {@code .npz} is by definition a zip archive of {@code .npy} files, so {@link #writeFloat64} encodes the array
 * as a one-entry NPZ in memory and stores that entry's bytes, unchanged, as the {@code .npy} file. The bytes
 * are DJL's encoder output ({@code {'descr': '<f8', 'fortran_order': False, 'shape': (n, k), }}, padded to a
 * 64-byte boundary, version 1.0), readable by {@code numpy.load}.
 *
 * <p>Both directions need an {@link NDManager}, i.e. the DJL engine (PyTorch here) — it is created on CPU and
 * closed again right away.
 */
final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int MAX_HEADER = 1 << 16;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*True");

    private Npy() {}

    /** A decoded array: dtype name as NumPy spells it (float64, int64, …), shape, values widened to double. */
    record Array(String dtype, long[] shape, double[] data) {

        String shapeString() {
            return shapeString(shape);
        }

        static String shapeString(long[] shape) {
            if (shape.length == 1) {
                return "(" + shape[0] + ",)";
            }
            return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", ", "(", ")"));
        }
    }

    /**
     * Reads a {@code .npy} file whose dtype is one of {@code allowed}; the data are widened to double.
     *
     * @param allowedText how to name the allowed dtypes in an error, e.g. "float64 or float32"
     */
    static Array read(Path file, Set<DataType> allowed, String allowedText) {
        return read(file, allowed, allowedText, (a, type, shape, dtype) -> {
            double[] data;
            if (type == DataType.FLOAT64) {
                data = a.toDoubleArray();
            } else {
                data = a.toType(DataType.FLOAT64, false).toDoubleArray();
            }
            return new Array(dtype, shape, data);
        });
    }

    /** How {@link #read(Path, Set, String, Values)} turns the decoded array into its result. */
    @FunctionalInterface
    interface Values<T> {
        T of(NDArray a, DataType type, long[] shape, String dtype);
    }

    /**
     * Reads a {@code .npy} file holding one array whose dtype is one of {@code allowed} and hands it to
     * {@code values} (within the reading NDManager's life); every problem names the file.
     */
    static <T> T read(Path file, Set<DataType> allowed, String allowedText, Values<T> values) {
        DataFiles.requireRegularFile(file);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            checkHeader(file, in);
            try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
                NDList list;
                try {
                    list = NDList.decode(manager, in);
                } catch (RuntimeException e) {
                    throw InvalidDataException.forFile(
                            file, "cannot decode .npy (truncated or unsupported dtype?): " + e.getMessage(), e);
                }
                if (list.size() != 1) {
                    throw InvalidDataException.forFile(file, "holds " + list.size() + " arrays (expected 1)");
                }
                NDArray a = list.get(0);
                DataType type = a.getDataType();
                long[] shape = a.getShape().getShape();
                String dtype = numpyName(type);
                if (!allowed.contains(type)) {
                    throw InvalidDataException.forFile(
                            file,
                            "dtype " + dtype + " is not " + allowedText + " (shape " + Array.shapeString(shape) + ")");
                }
                T result = values.of(a, type, shape, dtype);
                if (in.read() != -1) {
                    throw InvalidDataException.forFile(
                            file, "has trailing bytes after the " + Array.shapeString(shape) + " " + dtype + " array");
                }
                return result;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Looks at the magic and the header dict (then rewinds) to turn the two cases DJL 0.33 gets wrong or reports
     * vaguely into clear errors: a big-endian dtype ({@code '>f8'}: DJL hands the bytes to the engine unswapped, so
     * the values come out as garbage) and Fortran order (DJL: "Invalid numpy header").
     */
    private static void checkHeader(Path file, InputStream in) throws IOException {
        in.mark(MAX_HEADER + 16);
        byte[] pre = in.readNBytes(MAGIC.length + 2);
        if (pre.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(pre, MAGIC.length), MAGIC)) {
            throw InvalidDataException.forFile(file, "is not a NumPy .npy file (no \\x93NUMPY magic at the start)");
        }
        if (pre.length < MAGIC.length + 2) {
            throw InvalidDataException.forFile(file, "is truncated inside the .npy header");
        }
        int major = pre[MAGIC.length] & 0xFF;
        byte[] len = in.readNBytes(major == 1 ? 2 : 4);
        long headerLen = 0;
        for (int i = len.length - 1; i >= 0; i--) {
            headerLen = headerLen << 8 | (len[i] & 0xFF); // little-endian
        }
        if (headerLen > MAX_HEADER) {
            throw InvalidDataException.forFile(file, ".npy header length " + headerLen + " is implausible");
        }
        String header = new String(in.readNBytes((int) headerLen), StandardCharsets.ISO_8859_1);
        in.reset();
        Matcher descr = DESCR.matcher(header);
        if (descr.find() && descr.group(1).startsWith(">")) {
            throw InvalidDataException.forFile(
                    file,
                    "dtype " + descr.group(1) + " is big-endian, which DJL 0.33 decodes"
                            + " as little-endian (re-save it little-endian, e.g. numpy: a.astype('<f8'))");
        }
        if (FORTRAN.matcher(header).find()) {
            throw InvalidDataException.forFile(
                    file,
                    "is in Fortran order ('fortran_order': True), which DJL 0.33 cannot"
                            + " decode (re-save it in C order, e.g. numpy.ascontiguousarray)");
        }
    }

    /** Writes a float64 C-order {@code .npy} of the given shape with DJL's NumPy encoder (see class doc). */
    static void writeFloat64(Path file, double[] data, long... shape) {
        long size = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        if (size != data.length) {
            throw InvalidDataException.forFile(
                    file, data.length + " values do not fill shape " + Array.shapeString(shape));
        }
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            write(file, manager.create(data, new Shape(shape)));
        }
    }

    /** Writes any DJL array as a C-order {@code .npy} with DJL's NumPy encoder (see class doc). */
    static void write(Path file, NDArray array) {
        byte[] npy;
        try {
            ByteArrayOutputStream zip = new ByteArrayOutputStream(Math.toIntExact(array.size() * 8 + 1024));
            new NDList(array).encode(zip, NDList.Encoding.NPZ);
            try (ZipInputStream zin = new ZipInputStream(new ByteArrayInputStream(zip.toByteArray()))) {
                ZipEntry entry = zin.getNextEntry();
                if (entry == null || !entry.getName().endsWith(".npy")) {
                    throw new IllegalStateException("DJL NPZ encoding produced no .npy entry");
                }
                npy = zin.readAllBytes();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot encode .npy: " + e.getMessage(), e);
        }
        DataFiles.writeAllBytes(file, npy);
    }

    /** float64, float32, int64, uint8, … (DJL's enum name in lower case matches NumPy's dtype name). */
    static String numpyName(DataType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }
}
