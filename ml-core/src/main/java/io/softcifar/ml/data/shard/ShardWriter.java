package io.softcifar.ml.data.shard;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.softcifar.contracts.util.Sha256;
import io.softcifar.ml.data.InvalidDataException;
import io.softcifar.ml.data.LabeledImages;
import io.softcifar.ml.data.SoftLabelDataset;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Writes shard files (format: see the package documentation).
 *
 * <p>The arrays are encoded by DJL's NumPy encoder ({@link NDList#encode(java.io.OutputStream, NDList.Encoding)} with
 * {@link NDList.Encoding#NPZ} and named arrays). DJL stamps each zip entry with the current time, so the entries' bytes
 * are then stored, unchanged, in a new zip with a fixed timestamp: the same arrays give byte-identical shards. The file
 * is written next to its final name and moved into place, so a reader never sees half a shard. Needs the DJL engine
 * (PyTorch, CPU) for the encoding; memory use is about three times the shard size (15 MB of pixels per 5,000 images).
 */
public final class ShardWriter {

    private static final LocalDateTime ZIP_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

    private ShardWriter() {}

    /**
     * Writes a labeled shard: the images, soft labels and hard labels of {@code items}, and {@code indices} (the index
     * of each item in its source file). The images' own labels are not stored.
     *
     * @throws InvalidDataException naming the file if {@code items} is empty, the indices do not match it or are
     *     negative, or a hard label is not the argmax of the (float32) soft label it is stored with
     */
    public static ShardInfo write(Path file, SoftLabelDataset items, int[] indices) {
        int n = items.size();
        checkCountAndIndices(file, n, indices);
        int k = items.numClasses();
        float[] soft = items.softLabels().toFloatArray();
        int[] hard = items.hardLabels();
        for (int i = 0; i < n; i++) {
            int a = argmax(soft, i * k, k);
            if (a != hard[i]) {
                throw InvalidDataException.forFile(
                        file,
                        "cannot write item " + i + ": hard label " + hard[i] + " is not the argmax (" + a
                                + ") of its float32 soft label");
            }
        }
        long[] hardLong = new long[n];
        for (int i = 0; i < n; i++) {
            hardLong[i] = hard[i];
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDList list = new NDList(
                    named(images(m, items.images()), ShardFormat.IMAGES),
                    named(m.create(soft, new Shape(n, k)), ShardFormat.SOFT_LABELS),
                    named(m.create(hardLong, new Shape(n)), ShardFormat.HARD_LABELS),
                    named(m.create(toLongs(indices), new Shape(n)), ShardFormat.INDICES));
            return writeZip(file, list, ShardFormat.LABELED_ENTRIES, n);
        }
    }

    /**
     * Writes an OOD shard: the images (their labels are not stored) and {@code indices}.
     *
     * @throws InvalidDataException naming the file if there are no images or the indices do not match them
     */
    public static ShardInfo writeOod(Path file, LabeledImages images, int[] indices) {
        int n = images.count();
        checkCountAndIndices(file, n, indices);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDList list = new NDList(
                    named(images(m, images), ShardFormat.IMAGES),
                    named(m.create(toLongs(indices), new Shape(n)), ShardFormat.INDICES));
            return writeZip(file, list, ShardFormat.OOD_ENTRIES, n);
        }
    }

    private static void checkCountAndIndices(Path file, int n, int[] indices) {
        if (n == 0) {
            throw InvalidDataException.forFile(file, "cannot write a shard without images");
        }
        if (indices.length != n) {
            throw InvalidDataException.forFile(
                    file, "cannot write " + indices.length + " indices for " + n + " images");
        }
        for (int i = 0; i < n; i++) {
            if (indices[i] < 0) {
                throw InvalidDataException.forFile(file, "cannot write negative index " + indices[i] + " of item " + i);
            }
        }
    }

    private static NDArray images(NDManager m, LabeledImages images) {
        // NDManager.create(byte[]) would make int8; uint8 needs the buffer form
        return m.create(
                ByteBuffer.wrap(images.pixels()),
                new Shape(images.count(), LabeledImages.CHANNELS, LabeledImages.HEIGHT, LabeledImages.WIDTH),
                DataType.UINT8);
    }

    private static NDArray named(NDArray a, String entry) {
        a.setName(entry.substring(0, entry.length() - ".npy".length()));
        return a;
    }

    private static long[] toLongs(int[] a) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }

    /** Index of the largest of {@code k} values from {@code from}; ties → lowest index (numpy.argmax). */
    static int argmax(float[] v, int from, int k) {
        int best = 0;
        for (int j = 1; j < k; j++) {
            if (v[from + j] > v[from + best]) {
                best = j;
            }
        }
        return best;
    }

    private static ShardInfo writeZip(Path file, NDList list, List<String> order, int count) {
        byte[] bytes;
        try {
            Map<String, byte[]> npy = encodeWithDjl(list);
            ByteArrayOutputStream out = new ByteArrayOutputStream(
                    npy.values().stream().mapToInt(b -> b.length).sum() + 4096);
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                for (String name : order) {
                    byte[] data = npy.get(name);
                    if (data == null) {
                        throw new IllegalStateException(
                                "DJL's NPZ encoding has no entry " + name + " (has " + npy.keySet() + ")");
                    }
                    ZipEntry e = new ZipEntry(name);
                    e.setTimeLocal(ZIP_TIME);
                    zip.putNextEntry(e);
                    zip.write(data);
                    zip.closeEntry();
                }
            }
            bytes = out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot encode shard: " + e.getMessage(), e);
        }
        writeAtomically(file, bytes);
        return new ShardInfo(file, Sha256.hex(bytes), bytes.length, count);
    }

    private static Map<String, byte[]> encodeWithDjl(NDList list) throws IOException {
        ByteArrayOutputStream djl = new ByteArrayOutputStream();
        list.encode(djl, NDList.Encoding.NPZ);
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(djl.toByteArray()))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        return entries;
    }

    private static void writeAtomically(Path file, byte[] bytes) {
        Path abs = file.toAbsolutePath();
        Path tmp = abs.resolveSibling(abs.getFileName() + ".partial");
        try {
            Files.createDirectories(abs.getParent());
            Files.write(tmp, bytes);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new UncheckedIOException(file + ": cannot write: " + e.getMessage(), e);
        }
    }
}
