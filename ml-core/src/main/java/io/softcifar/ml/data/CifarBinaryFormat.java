package io.softcifar.ml.data;

import java.nio.file.Path;

/**
 * The official CIFAR binary record layout, shared by CIFAR-10 and CIFAR-100: {@code labelBytes} label bytes
 * followed by the 3072 pixel bytes of one image (1024 R, 1024 G, 1024 B, each plane row-major 32×32 —
 * i.e. already CHW), records back to back, no header.
 */
final class CifarBinaryFormat {

    private CifarBinaryFormat() {}

    /**
     * Reads all records; returns the label at byte {@code labelIndex} of each record.
     *
     * @param labelRanges for each label byte, the exclusive upper bound of valid values, and its name
     */
    static LabeledImages read(Path file, int labelIndex, int[] labelRanges, String[] labelNames) {
        int labelBytes = labelRanges.length;
        int recordBytes = labelBytes + LabeledImages.IMAGE_BYTES;
        DataFiles.requireRegularFile(file);
        long size = DataFiles.size(file);
        if (size == 0) {
            throw InvalidDataException.forFile(file, "is empty (expected records of " + recordBytes + " bytes)");
        }
        if (size % recordBytes != 0) {
            throw InvalidDataException.forFile(
                    file, "size " + size + " is not a multiple of " + recordBytes + " bytes (truncated?)");
        }
        long records = size / recordBytes;
        if (records * LabeledImages.IMAGE_BYTES > Integer.MAX_VALUE - 8) {
            throw InvalidDataException.forFile(file, records + " records are too many to hold in one array");
        }
        byte[] raw = DataFiles.readAllBytes(file);
        if (raw.length != size) {
            throw InvalidDataException.forFile(file, "changed size while being read");
        }
        int n = (int) records;
        byte[] pixels = new byte[n * LabeledImages.IMAGE_BYTES];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int base = i * recordBytes;
            for (int b = 0; b < labelBytes; b++) {
                int v = raw[base + b] & 0xFF;
                if (v >= labelRanges[b]) {
                    throw InvalidDataException.forFile(
                            file,
                            "record " + i + " has " + labelNames[b] + " " + v + " (expected 0.." + (labelRanges[b] - 1)
                                    + ")");
                }
            }
            labels[i] = raw[base + labelIndex] & 0xFF;
            System.arraycopy(raw, base + labelBytes, pixels, i * LabeledImages.IMAGE_BYTES, LabeledImages.IMAGE_BYTES);
        }
        return new LabeledImages(pixels, labels, n);
    }

    /** Writes records whose label bytes are {@code labels[b][i]}. */
    static void write(Path file, LabeledImages images, int[][] labels, int[] labelRanges, String[] labelNames) {
        int labelBytes = labelRanges.length;
        int recordBytes = labelBytes + LabeledImages.IMAGE_BYTES;
        int n = images.count();
        byte[] out = new byte[Math.multiplyExact(n, recordBytes)];
        for (int i = 0; i < n; i++) {
            int base = i * recordBytes;
            for (int b = 0; b < labelBytes; b++) {
                int v = labels[b][i];
                if (v < 0 || v >= labelRanges[b]) {
                    throw InvalidDataException.forFile(
                            file,
                            "cannot write " + labelNames[b] + " " + v + " of image " + i + " (expected 0.."
                                    + (labelRanges[b] - 1) + ")");
                }
                out[base + b] = (byte) v;
            }
            System.arraycopy(
                    images.pixels(), i * LabeledImages.IMAGE_BYTES, out, base + labelBytes, LabeledImages.IMAGE_BYTES);
        }
        DataFiles.writeAllBytes(file, out);
    }
}
