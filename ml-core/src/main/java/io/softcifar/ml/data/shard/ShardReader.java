package io.softcifar.ml.data.shard;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.softcifar.contracts.util.Sha256;
import io.softcifar.ml.data.InvalidDataException;
import io.softcifar.ml.data.LabeledImages;
import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.data.SoftLabels;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Reads shard files (format: see the package documentation) and checks them completely: the SHA-256 (when one is
 * expected), every entry's dtype and shape, that all entries hold the same number of images, that each soft label is a
 * probability distribution whose argmax is the stored hard label, and that indices are non-negative. Every problem is
 * an {@link InvalidDataException} of one line that starts with the file, e.g.
 * {@code "/d/seed-1/train-00000.npz: soft_labels.npy has dtype float64 (expected float32)"}.
 *
 * <p>Arrays are decoded by DJL (so the PyTorch engine must be loadable); entries may be stored or deflated.
 */
public final class ShardReader {

    private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*True");

    private ShardReader() {}

    /** Reads a labeled shard without checking its SHA-256. */
    public static LabeledShard read(Path file) {
        return readLabeled(file, readBytes(file, null));
    }

    /**
     * Reads a labeled shard whose SHA-256 must be {@code expectedSha256}.
     *
     * @throws InvalidDataException naming the file if the checksum differs or the content is invalid
     */
    public static LabeledShard read(Path file, String expectedSha256) {
        return readLabeled(file, readBytes(file, expectedSha256));
    }

    /** Reads an OOD shard without checking its SHA-256. */
    public static OodShard readOod(Path file) {
        return readOod(file, readBytes(file, null));
    }

    /** Reads an OOD shard whose SHA-256 must be {@code expectedSha256}. */
    public static OodShard readOod(Path file, String expectedSha256) {
        return readOod(file, readBytes(file, expectedSha256));
    }

    private static byte[] readBytes(Path file, String expectedSha256) {
        if (!Files.exists(file)) {
            throw InvalidDataException.forFile(file, "not found");
        }
        if (!Files.isRegularFile(file)) {
            throw InvalidDataException.forFile(file, "is not a regular file");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (expectedSha256 != null) {
            String got = Sha256.hex(bytes);
            if (!got.equalsIgnoreCase(expectedSha256)) {
                throw InvalidDataException.forFile(
                        file,
                        "SHA-256 is " + got + " but the manifest expects " + expectedSha256.toLowerCase(Locale.ROOT)
                                + " (corrupt or replaced shard; rebuild the dataset)");
            }
        }
        return bytes;
    }

    private static LabeledShard readLabeled(Path file, byte[] bytes) {
        Map<String, byte[]> entries = entries(file, bytes, ShardFormat.LABELED_ENTRIES);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray images = decode(file, m, entries, ShardFormat.IMAGES);
            NDArray soft = decode(file, m, entries, ShardFormat.SOFT_LABELS);
            NDArray hard = decode(file, m, entries, ShardFormat.HARD_LABELS);
            NDArray idx = decode(file, m, entries, ShardFormat.INDICES);

            int n = checkImages(file, images);
            require(file, ShardFormat.SOFT_LABELS, soft, DataType.FLOAT32, "(N, K)");
            long[] ss = soft.getShape().getShape();
            if (ss.length != 2 || ss[1] < 1) {
                throw InvalidDataException.forFile(
                        file,
                        ShardFormat.SOFT_LABELS + " has shape " + shape(ss) + " (expected (N, K), e.g. (" + n
                                + ", 10))");
            }
            sameCount(file, ShardFormat.SOFT_LABELS, ss[0], n);
            int k = (int) ss[1];
            require(file, ShardFormat.HARD_LABELS, hard, DataType.INT64, "(N,)");
            vector(file, ShardFormat.HARD_LABELS, hard, n);
            int[] indices = indices(file, idx, n);

            float[] p = soft.toFloatArray();
            double[][] rows = new double[n][k];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < k; j++) {
                    rows[i][j] = p[i * k + j];
                }
            }
            SoftLabels softLabels = SoftLabels.of(file + ": " + ShardFormat.SOFT_LABELS, rows);
            long[] h = hard.toLongArray();
            int[] hardLabels = new int[n];
            for (int i = 0; i < n; i++) {
                int a = ShardWriter.argmax(p, i * k, k);
                if (h[i] != a) {
                    throw InvalidDataException.forFile(
                            file,
                            ShardFormat.HARD_LABELS + " row " + i + " is " + h[i] + " but the argmax of "
                                    + ShardFormat.SOFT_LABELS + " row " + i + " is " + a);
                }
                hardLabels[i] = a;
            }
            LabeledImages li = new LabeledImages(pixels(images), hardLabels, n);
            return new LabeledShard(new SoftLabelDataset(li, softLabels), indices);
        }
    }

    private static OodShard readOod(Path file, byte[] bytes) {
        Map<String, byte[]> entries = entries(file, bytes, ShardFormat.OOD_ENTRIES);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray images = decode(file, m, entries, ShardFormat.IMAGES);
            NDArray idx = decode(file, m, entries, ShardFormat.INDICES);
            int n = checkImages(file, images);
            int[] indices = indices(file, idx, n);
            int[] labels = new int[n];
            Arrays.fill(labels, ShardFormat.NO_LABEL);
            return new OodShard(new LabeledImages(pixels(images), labels, n), indices);
        }
    }

    /** The bytes of the wanted entries; other entries are skipped. */
    private static Map<String, byte[]> entries(Path file, byte[] bytes, List<String> wanted) {
        Map<String, byte[]> out = new HashMap<>();
        boolean any = false;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                any = true;
                if (wanted.contains(e.getName())) {
                    if (out.containsKey(e.getName())) {
                        throw InvalidDataException.forFile(file, "holds " + e.getName() + " twice");
                    }
                    out.put(e.getName(), zip.readAllBytes());
                }
            }
        } catch (ZipException | java.io.EOFException e) {
            throw InvalidDataException.forFile(file, "is not a readable NPZ (zip) file: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (!any) {
            throw InvalidDataException.forFile(file, "is not an NPZ (zip) file or holds no arrays");
        }
        for (String name : wanted) {
            if (!out.containsKey(name)) {
                throw InvalidDataException.forFile(
                        file, "has no " + name + " (a shard holds " + String.join(", ", wanted) + ")");
            }
        }
        return out;
    }

    /**
     * Decodes one {@code .npy} entry with DJL, after checking the two header cases DJL 0.33 gets wrong or reports
     * vaguely: a big-endian dtype (decoded with the wrong byte order) and Fortran order ("Invalid numpy header").
     */
    private static NDArray decode(Path file, NDManager m, Map<String, byte[]> entries, String name) {
        byte[] b = entries.get(name);
        if (b.length < 10 || !Arrays.equals(Arrays.copyOf(b, NPY_MAGIC.length), NPY_MAGIC)) {
            throw InvalidDataException.forFile(file, name + " is not a .npy array (no \\x93NUMPY magic)");
        }
        int major = b[6] & 0xFF;
        int lenBytes = major == 1 ? 2 : 4;
        long headerLen = 0;
        for (int i = lenBytes - 1; i >= 0; i--) {
            headerLen = headerLen << 8 | (b[8 + i] & 0xFF);
        }
        if (8 + lenBytes + headerLen > b.length) {
            throw InvalidDataException.forFile(file, name + " is truncated inside its .npy header");
        }
        String header = new String(b, 8 + lenBytes, (int) headerLen, StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(header);
        String dtype = descr.find() ? descr.group(1) : "?";
        if (dtype.startsWith(">")) {
            throw InvalidDataException.forFile(
                    file,
                    name + " has big-endian dtype " + dtype
                            + " (expected little-endian; numpy: a.astype(a.dtype.newbyteorder('<')))");
        }
        if (FORTRAN.matcher(header).find()) {
            throw InvalidDataException.forFile(
                    file, name + " is in Fortran order (expected C order;" + " numpy: np.ascontiguousarray(a))");
        }
        try {
            NDList list = NDList.decode(m, b);
            if (list.size() != 1) {
                throw InvalidDataException.forFile(file, name + " decodes to " + list.size() + " arrays (expected 1)");
            }
            return list.get(0);
        } catch (RuntimeException e) {
            if (e instanceof InvalidDataException) {
                throw e;
            }
            throw InvalidDataException.forFile(
                    file, name + " cannot be decoded (dtype " + dtype + ", truncated?): " + e.getMessage(), e);
        }
    }

    private static int checkImages(Path file, NDArray images) {
        require(file, ShardFormat.IMAGES, images, DataType.UINT8, "(N, 3, 32, 32)");
        long[] s = images.getShape().getShape();
        if (s.length != 4
                || s[1] != LabeledImages.CHANNELS
                || s[2] != LabeledImages.HEIGHT
                || s[3] != LabeledImages.WIDTH) {
            throw InvalidDataException.forFile(
                    file, ShardFormat.IMAGES + " has shape " + shape(s) + " (expected (N, 3, 32, 32), NCHW)");
        }
        if (s[0] < 1) {
            throw InvalidDataException.forFile(file, ShardFormat.IMAGES + " holds no images");
        }
        return Math.toIntExact(s[0]);
    }

    private static void require(Path file, String name, NDArray a, DataType type, String shape) {
        if (a.getDataType() != type) {
            throw InvalidDataException.forFile(
                    file,
                    name + " has dtype " + a.getDataType().name().toLowerCase(Locale.ROOT) + " (expected "
                            + type.name().toLowerCase(Locale.ROOT) + " " + shape + ")");
        }
    }

    private static void vector(Path file, String name, NDArray a, int n) {
        long[] s = a.getShape().getShape();
        if (s.length != 1) {
            throw InvalidDataException.forFile(file, name + " has shape " + shape(s) + " (expected (" + n + ",))");
        }
        sameCount(file, name, s[0], n);
    }

    private static void sameCount(Path file, String name, long rows, int n) {
        if (rows != n) {
            throw InvalidDataException.forFile(
                    file, name + " has " + rows + " rows but " + ShardFormat.IMAGES + " has " + n + " images");
        }
    }

    private static int[] indices(Path file, NDArray idx, int n) {
        require(file, ShardFormat.INDICES, idx, DataType.INT64, "(N,)");
        vector(file, ShardFormat.INDICES, idx, n);
        long[] v = idx.toLongArray();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            if (v[i] < 0 || v[i] > Integer.MAX_VALUE) {
                throw InvalidDataException.forFile(
                        file, ShardFormat.INDICES + " row " + i + " is " + v[i] + " (expected an index ≥ 0)");
            }
            out[i] = (int) v[i];
        }
        return out;
    }

    private static byte[] pixels(NDArray images) {
        ByteBuffer buf = images.toByteBuffer();
        byte[] out = new byte[buf.remaining()];
        buf.get(out);
        return out;
    }

    private static String shape(long[] s) {
        if (s.length == 1) {
            return "(" + s[0] + ",)";
        }
        return Arrays.stream(s).mapToObj(Long::toString).collect(Collectors.joining(", ", "(", ")"));
    }
}
