package io.softcifar.ml.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.format.Mat5File;
import us.hebi.matlab.mat.types.Array;
import us.hebi.matlab.mat.types.MatFile;
import us.hebi.matlab.mat.types.MatlabType;
import us.hebi.matlab.mat.types.Matrix;

/**
 * SVHN "cropped digits" MAT files ({@code test_32x32.mat}, {@code train_32x32.mat}), read and written with
 * mfl-core (MAT v5, compressed or not; MAT v7.3/HDF5 is not supported — the official files are v5).
 *
 * <p>The official structure: variable {@code X}, uint8, 32×32×3×N — MATLAB is column-major, so element
 * {@code X(row, col, channel, i)} (0-based here) sits at linear index {@code row + 32·col + 1024·channel + 3072·i};
 * variable {@code y}, N×1 double, labels 1..10 where 10 means the digit 0. {@link #read} returns NCHW
 * (channel, row, col) pixels and labels 0..9 (= the digit).
 */
public final class SvhnMat {

    public static final String IMAGES_VAR = "X";
    public static final String LABELS_VAR = "y";
    public static final int NUM_CLASSES = 10;

    private static final int H = LabeledImages.HEIGHT;
    private static final int W = LabeledImages.WIDTH;
    private static final int C = LabeledImages.CHANNELS;

    private SvhnMat() {}

    /** MATLAB linear (column-major) index of {@code X(row, col, channel, image)}, all 0-based. */
    public static int matIndex(int row, int col, int channel, int image) {
        return row + H * col + H * W * channel + LabeledImages.IMAGE_BYTES * image;
    }

    /**
     * Reads an SVHN {@code *_32x32.mat} file.
     *
     * @throws InvalidDataException naming the file and the variable if {@code X} or {@code y} is missing or has the
     *     wrong class or shape, or a label is not 1..10
     */
    public static LabeledImages read(Path file) {
        DataFiles.requireRegularFile(file);
        rejectV73(file);
        Mat5File mat;
        try {
            mat = Mat5.readFromFile(file.toFile());
        } catch (IOException | RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String why = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
            throw InvalidDataException.forFile(file, "is not a readable MAT v5 file: " + why, e);
        }
        try (mat) {
            Matrix x = numeric(file, mat, IMAGES_VAR, "uint8 32×32×3×N images");
            if (x.getType() != MatlabType.UInt8) {
                throw InvalidDataException.forFile(
                        file, "variable 'X' has class " + className(x.getType()) + " (expected uint8)");
            }
            int[] d = x.getDimensions();
            boolean fourD = d.length == 4 && d[0] == H && d[1] == W && d[2] == C;
            boolean single = d.length == 3 && d[0] == H && d[1] == W && d[2] == C; // MATLAB drops a trailing N = 1
            if (!fourD && !single) {
                throw InvalidDataException.forFile(file, "variable 'X' has shape " + dims(d) + " (expected 32×32×3×N)");
            }
            int n = fourD ? d[3] : 1;

            Matrix y = numeric(file, mat, LABELS_VAR, "N×1 labels 1..10");
            int[] yd = y.getDimensions();
            boolean column = yd.length == 2 && (yd[1] == 1 || yd[0] == 1);
            if (!column) {
                throw InvalidDataException.forFile(file, "variable 'y' has shape " + dims(yd) + " (expected N×1)");
            }
            if (y.getNumElements() != n) {
                throw InvalidDataException.forFile(
                        file, "variable 'y' has " + y.getNumElements() + " labels but 'X' has " + n + " images");
            }
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                double v = y.getDouble(i);
                if (!(v >= 1 && v <= 10 && v == Math.rint(v))) {
                    throw InvalidDataException.forFile(
                            file, "variable 'y' row " + i + " is " + DataFiles.fmt(v) + " (expected 1..10)");
                }
                labels[i] = (int) v == 10 ? 0 : (int) v;
            }

            byte[] pixels = new byte[Math.multiplyExact(n, LabeledImages.IMAGE_BYTES)];
            // NCHW offset i·3072 + c·1024 + r·32 + col  <-  MATLAB linear r + 32·col + 1024·c + 3072·i
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < C; c++) {
                    int src = matIndex(0, 0, c, i);
                    int dst = LabeledImages.offset(i, c, 0, 0);
                    for (int col = 0; col < W; col++) {
                        for (int r = 0; r < H; r++) {
                            pixels[dst + r * W + col] = x.getByte(src + col * H + r);
                        }
                    }
                }
            }
            return new LabeledImages(pixels, labels, n);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot close: " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code images} (labels 0..9) in the official structure: {@code X} uint8 32×32×3×N, {@code y} N×1
     * double with the digit 0 stored as 10. Compressed MAT v5.
     */
    public static void write(Path file, LabeledImages images) {
        int n = images.count();
        for (int i = 0; i < n; i++) {
            int l = images.label(i);
            if (l < 0 || l >= NUM_CLASSES) {
                throw InvalidDataException.forFile(
                        file, "cannot write label " + l + " of image " + i + " (expected 0..9)");
            }
        }
        try (MatFile mat = Mat5.newMatFile()) {
            Matrix x = Mat5.newMatrix(new int[] {H, W, C, n}, MatlabType.UInt8);
            byte[] px = images.pixels();
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < C; c++) {
                    for (int r = 0; r < H; r++) {
                        for (int col = 0; col < W; col++) {
                            x.setByte(matIndex(r, col, c, i), px[LabeledImages.offset(i, c, r, col)]);
                        }
                    }
                }
            }
            Matrix y = Mat5.newMatrix(n, 1, MatlabType.Double);
            for (int i = 0; i < n; i++) {
                int l = images.label(i);
                y.setDouble(i, 0, l == 0 ? 10 : l);
            }
            mat.addArray(IMAGES_VAR, x).addArray(LABELS_VAR, y);
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Mat5.writeToFile(mat, file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    private static Matrix numeric(Path file, MatFile mat, String name, String expected) {
        Array found = null;
        for (MatFile.Entry e : mat.getEntries()) {
            if (name.equals(e.getName())) {
                found = e.getValue();
                break;
            }
        }
        if (found == null) {
            throw InvalidDataException.forFile(file, "variable '" + name + "' not found (expected " + expected + ")");
        }
        if (!(found instanceof Matrix m) || m.isComplex() || m.isLogical()) {
            throw InvalidDataException.forFile(
                    file,
                    "variable '" + name + "' has class " + className(found.getType())
                            + (found instanceof Matrix m2 && m2.isComplex() ? " (complex)" : "")
                            + " (expected " + expected + ")");
        }
        return m;
    }

    /** MAT v7.3 files are HDF5 containers; the 116-byte text header says so. */
    private static void rejectV73(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            String header = new String(in.readNBytes(116), StandardCharsets.ISO_8859_1);
            if (header.startsWith("MATLAB 7.3 MAT-file")) {
                throw InvalidDataException.forFile(
                        file,
                        "is a MAT v7.3 (HDF5) file, which is not supported (expected MAT v5 as in the official SVHN files)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static String className(MatlabType type) {
        return type == null ? "unknown" : type.toString();
    }

    private static String dims(int[] d) {
        return Arrays.stream(d).mapToObj(Integer::toString).collect(Collectors.joining("×"));
    }
}
