package io.softcifar.dataset.imports;

import io.softcifar.ml.data.InvalidDataException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a {@code .npy} file's header against what we expect of it — before anything reads the data, so a header that
 * claims a huge shape is refused at once instead of being allocated.
 *
 * <p>Format (NumPy's {@code format.py}): magic {@code \x93NUMPY}, major and minor version, a little-endian header
 * length (2 bytes in version 1, 4 in versions 2 and 3), then a Python dict literal with {@code descr},
 * {@code fortran_order} and {@code shape}, then the data. Accepted here: a little-endian dtype of the allowed ones,
 * C order, a 2-D shape (N, columns) with 1 ≤ N ≤ {@code maxRows}, and a file exactly as long as header plus
 * N · columns · itemsize (so truncated files and trailing bytes are refused too).
 */
final class NpyHeader {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int MAX_HEADER = 1 << 16;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyHeader() {}

    /**
     * @param dtypes allowed {@code descr} values and their item sizes, e.g. {@code '<f8' → 8}
     * @param what   what the file should hold, for messages ("float64 or float32 (N, 10) probabilities")
     * @throws InvalidDataException naming the file and what is wrong with its header
     */
    static void check(Path file, Map<String, Integer> dtypes, int columns, long maxRows, String what) {
        long size;
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            size = Files.size(file);
            head = in.readNBytes(10);
            if (head.length < 10 || !Arrays.equals(Arrays.copyOf(head, MAGIC.length), MAGIC)) {
                throw bad(file, "is not a NumPy .npy file (no \\x93NUMPY magic and version at the start)", what);
            }
            int major = head[6] & 0xFF;
            if (major < 1 || major > 3) {
                throw bad(file, "has .npy format version " + major + " (expected 1, 2 or 3)", what);
            }
            long headerLen = (head[8] & 0xFF) | (head[9] & 0xFF) << 8;
            int prefix = 10;
            if (major >= 2) {
                byte[] more = in.readNBytes(2);
                if (more.length < 2) {
                    throw bad(file, "is truncated inside the .npy header", what);
                }
                headerLen |= ((long) (more[0] & 0xFF) << 16) | ((long) (more[1] & 0xFF) << 24);
                prefix = 12;
            }
            if (headerLen > MAX_HEADER || prefix + headerLen > size) {
                throw bad(
                        file,
                        ".npy header length " + headerLen + " is implausible for a file of " + size + " bytes",
                        what);
            }
            String header = new String(in.readNBytes((int) headerLen), StandardCharsets.ISO_8859_1);
            checkDict(file, header, prefix + headerLen, size, dtypes, columns, maxRows, what);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static void checkDict(
            Path file,
            String header,
            long dataStart,
            long size,
            Map<String, Integer> dtypes,
            int columns,
            long maxRows,
            String what) {
        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shape = SHAPE.matcher(header);
        if (!descr.find() || !fortran.find() || !shape.find()) {
            throw bad(file, ".npy header lacks 'descr', 'fortran_order' or 'shape'", what);
        }
        Integer itemSize = dtypes.get(descr.group(1));
        if (itemSize == null) {
            throw bad(file, ".npy header declares dtype '" + descr.group(1) + "'", what);
        }
        if (fortran.group(1).equals("True")) {
            throw bad(file, ".npy header declares Fortran order", what);
        }
        String[] dims = Arrays.stream(shape.group(1).split(","))
                .map(String::strip)
                .filter(d -> !d.isEmpty())
                .toArray(String[]::new);
        String shown = "(" + shape.group(1).strip() + ")";
        if (dims.length != 2) {
            throw bad(file, ".npy header declares shape " + shown + ", not 2-D", what);
        }
        long rows = dimension(file, dims[0], shown, what);
        long cols = dimension(file, dims[1], shown, what);
        if (cols != columns || rows < 1 || rows > maxRows) {
            throw bad(file, ".npy header declares shape " + shown, what);
        }
        long expected = dataStart + rows * cols * itemSize;
        if (size != expected) {
            throw bad(
                    file,
                    "is " + size + " bytes but its .npy header declares " + shown + " " + descr.group(1)
                            + ", which takes " + expected + (size < expected ? " (truncated)" : " (trailing bytes)"),
                    what);
        }
    }

    private static long dimension(Path file, String d, String shown, String what) {
        if (!d.matches("[0-9]{1,18}L?")) {
            throw bad(file, ".npy header declares shape " + shown + ", which is not a list of sizes", what);
        }
        return Long.parseLong(d.replace("L", ""));
    }

    private static InvalidDataException bad(Path file, String problem, String what) {
        return InvalidDataException.forFile(file, problem + "; expected " + what);
    }
}
