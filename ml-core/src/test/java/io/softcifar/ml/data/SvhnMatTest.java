package io.softcifar.ml.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.types.MatFile;
import us.hebi.matlab.mat.types.MatlabType;
import us.hebi.matlab.mat.types.Matrix;

class SvhnMatTest {

    @TempDir
    Path tmp;

    /** Writes a MAT file with the given variables directly through mfl-core (not through SvhnMat). */
    private Path mat(String name, Object... nameArrayPairs) throws Exception {
        Path f = tmp.resolve(name);
        try (MatFile mat = Mat5.newMatFile()) {
            for (int i = 0; i < nameArrayPairs.length; i += 2) {
                mat.addArray((String) nameArrayPairs[i], (us.hebi.matlab.mat.types.Array) nameArrayPairs[i + 1]);
            }
            Mat5.writeToFile(mat, f.toFile());
        }
        return f;
    }

    private static Matrix labels(double... y) {
        Matrix m = Mat5.newMatrix(y.length, 1, MatlabType.Double);
        for (int i = 0; i < y.length; i++) {
            m.setDouble(i, 0, y[i]);
        }
        return m;
    }

    @Test
    void roundTrips() {
        LabeledImages images = SyntheticData.svhnLikeImages(17, 3);
        Path f = tmp.resolve("test_32x32.mat");
        SvhnMat.write(f, images);
        assertThat(SvhnMat.read(f)).isEqualTo(images);
    }

    @Test
    void handPlacedPixelLandsAtItsNchwPosition() throws Exception {
        int n = 5;
        Matrix x = Mat5.newMatrix(new int[] {32, 32, 3, n}, MatlabType.UInt8);
        // 0-based X(row=2, col=5, ch=1, i=3)  ==  MATLAB 1-based X(3, 6, 2, 4)
        x.setByte(new int[] {2, 5, 1, 3}, (byte) 200);
        // and a second one to tell rows from columns: X(row=5, col=2, ch=1, i=3)
        x.setByte(new int[] {5, 2, 1, 3}, (byte) 77);
        Path f = mat("test_32x32.mat", "X", x, "y", labels(1, 2, 3, 10, 9));

        LabeledImages li = SvhnMat.read(f);
        assertThat(li.count()).isEqualTo(n);
        assertThat(li.labels()).containsExactly(1, 2, 3, 0, 9); // 10 means the digit 0
        assertThat(li.pixel(3, 1, 2, 5)).isEqualTo(200);
        assertThat(li.pixels()[3 * 3072 + 1 * 1024 + 2 * 32 + 5] & 0xFF).isEqualTo(200);
        assertThat(li.pixel(3, 1, 5, 2)).isEqualTo(77);
        int nonZero = 0;
        for (byte b : li.pixels()) {
            if (b != 0) {
                nonZero++;
            }
        }
        assertThat(nonZero).isEqualTo(2);
        assertThat(SvhnMat.matIndex(2, 5, 1, 3)).isEqualTo(2 + 32 * 5 + 1024 * 1 + 3072 * 3);
    }

    @Test
    void writesTheOfficialStructure() throws Exception {
        byte[] px = new byte[2 * 3072];
        px[LabeledImages.offset(1, 2, 7, 30)] = (byte) 123; // image 1, B, row 7, col 30
        LabeledImages images = new LabeledImages(px, new int[] {0, 4});
        Path f = tmp.resolve("w.mat");
        SvhnMat.write(f, images);
        try (MatFile mat = Mat5.readFromFile(f.toFile())) {
            Matrix x = mat.getMatrix("X");
            Matrix y = mat.getMatrix("y");
            assertThat(x.getType()).isEqualTo(MatlabType.UInt8);
            assertThat(x.getDimensions()).containsExactly(32, 32, 3, 2);
            assertThat(x.getByte(new int[] {7, 30, 2, 1}) & 0xFF).isEqualTo(123);
            assertThat(y.getType()).isEqualTo(MatlabType.Double);
            assertThat(y.getDimensions()).containsExactly(2, 1);
            assertThat(y.getDouble(0)).isEqualTo(10.0);
            assertThat(y.getDouble(1)).isEqualTo(4.0);
        }
    }

    @Test
    void singleImageWithDroppedTrailingDimension() throws Exception {
        Matrix x = Mat5.newMatrix(new int[] {32, 32, 3}, MatlabType.UInt8);
        x.setByte(new int[] {31, 0, 2}, (byte) 9);
        Path f = mat("one.mat", "X", x, "y", labels(7));
        LabeledImages li = SvhnMat.read(f);
        assertThat(li.count()).isEqualTo(1);
        assertThat(li.pixel(0, 2, 31, 0)).isEqualTo(9);
        assertThat(li.labels()).containsExactly(7);
    }

    @Test
    void missingVariable() throws Exception {
        Path f = mat("noX.mat", "y", labels(1));
        assertThatThrownBy(() -> SvhnMat.read(f))
                .isInstanceOf(InvalidDataException.class)
                .hasMessage(f + ": variable 'X' not found (expected uint8 32×32×3×N images)");
        Path g = mat("noY.mat", "X", Mat5.newMatrix(new int[] {32, 32, 3, 1}, MatlabType.UInt8));
        assertThatThrownBy(() -> SvhnMat.read(g))
                .hasMessage(g + ": variable 'y' not found (expected N×1 labels 1..10)");
    }

    @Test
    void wrongClassOrShape() throws Exception {
        Path dbl = mat("dbl.mat", "X", Mat5.newMatrix(new int[] {32, 32, 3, 2}, MatlabType.Double), "y", labels(1, 2));
        assertThatThrownBy(() -> SvhnMat.read(dbl))
                .hasMessage(dbl + ": variable 'X' has class double (expected uint8)");

        Path nchw = mat("nchw.mat", "X", Mat5.newMatrix(new int[] {2, 3, 32, 32}, MatlabType.UInt8), "y", labels(1, 2));
        assertThatThrownBy(() -> SvhnMat.read(nchw))
                .hasMessage(nchw + ": variable 'X' has shape 2×3×32×32 (expected 32×32×3×N)");

        Path strY = mat(
                "strY.mat",
                "X",
                Mat5.newMatrix(new int[] {32, 32, 3, 1}, MatlabType.UInt8),
                "y",
                Mat5.newString("one"));
        assertThatThrownBy(() -> SvhnMat.read(strY))
                .hasMessage(strY + ": variable 'y' has class char (expected N×1 labels 1..10)");

        Path yMatrix = mat(
                "yMatrix.mat",
                "X",
                Mat5.newMatrix(new int[] {32, 32, 3, 4}, MatlabType.UInt8),
                "y",
                Mat5.newMatrix(2, 2));
        assertThatThrownBy(() -> SvhnMat.read(yMatrix))
                .hasMessage(yMatrix + ": variable 'y' has shape 2×2 (expected N×1)");
    }

    @Test
    void labelCountAndRange() throws Exception {
        Path count =
                mat("count.mat", "X", Mat5.newMatrix(new int[] {32, 32, 3, 3}, MatlabType.UInt8), "y", labels(1, 2));
        assertThatThrownBy(() -> SvhnMat.read(count))
                .hasMessage(count + ": variable 'y' has 2 labels but 'X' has 3 images");

        Path range =
                mat("range.mat", "X", Mat5.newMatrix(new int[] {32, 32, 3, 2}, MatlabType.UInt8), "y", labels(1, 11));
        assertThatThrownBy(() -> SvhnMat.read(range)).hasMessage(range + ": variable 'y' row 1 is 11 (expected 1..10)");

        Path zero = mat("zero.mat", "X", Mat5.newMatrix(new int[] {32, 32, 3, 2}, MatlabType.UInt8), "y", labels(0, 1));
        assertThatThrownBy(() -> SvhnMat.read(zero)).hasMessage(zero + ": variable 'y' row 0 is 0 (expected 1..10)");

        Path frac = mat("frac.mat", "X", Mat5.newMatrix(new int[] {32, 32, 3, 1}, MatlabType.UInt8), "y", labels(2.5));
        assertThatThrownBy(() -> SvhnMat.read(frac)).hasMessage(frac + ": variable 'y' row 0 is 2.5 (expected 1..10)");
    }

    @Test
    void notAMatFileOrMissing() throws Exception {
        Path f = tmp.resolve("garbage.mat");
        Files.write(f, new byte[300]);
        assertThatThrownBy(() -> SvhnMat.read(f))
                .isInstanceOf(InvalidDataException.class)
                .hasMessageStartingWith(f + ": is not a readable MAT v5 file");
        Path missing = tmp.resolve("test_32x32.mat");
        assertThatThrownBy(() -> SvhnMat.read(missing)).hasMessage(missing + ": not found");

        Path v73 = tmp.resolve("v73.mat");
        byte[] header = new byte[512];
        byte[] text = "MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Mon Jan  1 00:00:00 2024 HDF5 schema 1.00 ."
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, header, 0, text.length);
        Files.write(v73, header);
        assertThatThrownBy(() -> SvhnMat.read(v73)).hasMessageStartingWith(v73 + ": is a MAT v7.3 (HDF5) file");
    }
}
