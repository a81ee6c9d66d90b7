package io.softcifar.ml.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SoftLabelsTest {

    @TempDir
    Path tmp;

    private static double[][] rows(int n) {
        double[][] r = new double[n][10];
        for (int i = 0; i < n; i++) {
            r[i][i % 10] = 0.7;
            r[i][(i + 3) % 10] = 0.2;
            r[i][(i + 5) % 10] = 0.1;
        }
        return r;
    }

    @Test
    void float64RoundTripIsExact() {
        double[][] r = rows(12);
        r[0] = new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3, 0, 0, 0, 0, 0, 0, 0};
        Path f = tmp.resolve("cifar10h-probs.npy");
        SoftLabels.write(f, r);
        SoftLabels back = SoftLabels.read(f);
        assertThat(back.count()).isEqualTo(12);
        assertThat(back.numClasses()).isEqualTo(10);
        assertThat(back.toArray()).isDeepEqualTo(r);
        assertThat(back.source()).isEqualTo(f.toString());
    }

    @Test
    void writtenFileIsStandardNpyFloat64() throws Exception {
        Path f = tmp.resolve("p.npy");
        SoftLabels.write(f, rows(3));
        byte[] b = Files.readAllBytes(f);
        int headerLen = (b[8] & 0xFF) | (b[9] & 0xFF) << 8; // format version 1.0: little-endian uint16
        String header = new String(b, 10, headerLen, java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(b[0] & 0xFF).isEqualTo(0x93);
        assertThat(new String(b, 1, 5, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("NUMPY");
        assertThat(b[6]).isEqualTo((byte) 1);
        assertThat(header)
                .startsWith("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 10), }")
                .endsWith("\n");
        assertThat((10 + headerLen) % 64).isZero(); // numpy's alignment rule
        assertThat(b).hasSize(10 + headerLen + 3 * 10 * 8);
    }

    @Test
    void readsNumpyStyleHeaderWrittenByHand() throws Exception {
        Path f = tmp.resolve("hand.npy");
        double[] v = new double[20];
        v[3] = 1;
        v[10] = 0.25;
        v[11] = 0.75;
        TestFiles.writeRawNpy(
                f, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 10), }", TestFiles.littleEndianDoubles(v));
        SoftLabels s = SoftLabels.read(f);
        assertThat(s.argmax(0)).isEqualTo(3);
        assertThat(s.get(1, 1)).isEqualTo(0.75);
    }

    @Test
    void float32IsAccepted() {
        Path f = tmp.resolve("f32.npy");
        float[] v = new float[20];
        v[2] = 0.5f;
        v[7] = 0.5f;
        v[19] = 1f;
        TestFiles.writeFloat32Npy(f, v, 2, 10);
        SoftLabels s = SoftLabels.read(f);
        assertThat(s.get(0, 2)).isEqualTo(0.5);
        assertThat(s.argmax(1)).isEqualTo(9);
    }

    @Test
    void int64IsRejected() {
        Path f = tmp.resolve("cifar10h-counts.npy");
        long[] counts = new long[20];
        counts[3] = 50;
        counts[12] = 50;
        TestFiles.writeInt64Npy(f, counts, 2, 10);
        assertThatThrownBy(() -> SoftLabels.read(f))
                .isInstanceOf(InvalidDataException.class)
                .hasMessage(f + ": dtype int64 is not float64 or float32 (shape (2, 10))");
    }

    @Test
    void wrongShapes() {
        Path oneD = tmp.resolve("oneD.npy");
        Npy.writeFloat64(oneD, new double[] {1, 0, 0}, 3);
        assertThatThrownBy(() -> SoftLabels.read(oneD))
                .isInstanceOf(InvalidDataException.class)
                .hasMessage(oneD + ": shape (3,) is not 2-D (expected (N, 10))");

        Path nine = tmp.resolve("nine.npy");
        double[] v = new double[18];
        v[0] = 1;
        v[9] = 1;
        Npy.writeFloat64(nine, v, 2, 9);
        assertThatThrownBy(() -> SoftLabels.read(nine)).hasMessage(nine + ": shape (2, 9) has 9 columns (expected 10)");

        Path transposed = tmp.resolve("transposed.npy");
        Npy.writeFloat64(transposed, new double[20], 10, 2);
        assertThatThrownBy(() -> SoftLabels.read(transposed))
                .hasMessage(transposed + ": shape (10, 2) has 2 columns (expected 10)");

        Path empty = tmp.resolve("empty.npy");
        Npy.writeFloat64(empty, new double[0], 0, 10);
        assertThatThrownBy(() -> SoftLabels.read(empty)).hasMessage(empty + ": shape (0, 10) has no rows");
    }

    @Test
    void rowNotSummingToOne() {
        double[][] r = rows(20);
        r[17][r[17].length - 1] = 0;
        r[17] = new double[] {0.5, 0.43, 0, 0, 0, 0, 0, 0, 0, 0};
        Path f = tmp.resolve("cifar10h-probs.npy");
        Npy.writeFloat64(f, flat(r), 20, 10);
        assertThatThrownBy(() -> SoftLabels.read(f))
                .isInstanceOf(InvalidDataException.class)
                .hasMessage(f + ": row 17 sums to 0.93 (expected 1 ± 1e-6)");
    }

    @Test
    void sumToleranceIsOneMillionth() {
        double[][] ok = rows(2);
        ok[1][0] += 9e-7;
        assertThat(SoftLabels.of(ok).count()).isEqualTo(2);
        double[][] bad = rows(2);
        bad[1][0] += 2e-6;
        assertThatThrownBy(() -> SoftLabels.of("x", bad)).hasMessage("x: row 1 sums to 1.000002 (expected 1 ± 1e-6)");
    }

    @Test
    void nanInfAndNegative() {
        double[][] r = rows(5);
        r[3][4] = Double.NaN;
        Path f = tmp.resolve("nan.npy");
        Npy.writeFloat64(f, flat(r), 5, 10);
        assertThatThrownBy(() -> SoftLabels.read(f))
                .isInstanceOf(InvalidDataException.class)
                .hasMessage(f + ": row 3 column 4 is NaN (expected a finite probability)");

        double[][] inf = rows(5);
        inf[2][0] = Double.POSITIVE_INFINITY;
        assertThatThrownBy(() -> SoftLabels.of("p", inf))
                .hasMessage("p: row 2 column 0 is Infinity (expected a finite probability)");

        double[][] neg = rows(5);
        neg[1][0] = -0.1;
        neg[1][1] += 0.1;
        assertThatThrownBy(() -> SoftLabels.of("p", neg)).hasMessage("p: row 1 column 0 is -0.1 (expected ≥ 0)");
    }

    @Test
    void notNpyTruncatedFortranAndMissing() throws Exception {
        Path txt = tmp.resolve("probs.npy");
        Files.writeString(txt, "0.1,0.9\n");
        assertThatThrownBy(() -> SoftLabels.read(txt))
                .isInstanceOf(InvalidDataException.class)
                .hasMessage(txt + ": is not a NumPy .npy file (no \\x93NUMPY magic at the start)");

        Path trunc = tmp.resolve("trunc.npy");
        SoftLabels.write(trunc, rows(4));
        TestFiles.truncate(trunc, 8);
        assertThatThrownBy(() -> SoftLabels.read(trunc))
                .isInstanceOf(InvalidDataException.class)
                .hasMessageStartingWith(trunc + ": cannot decode .npy");

        Path fortran = tmp.resolve("fortran.npy");
        double[] v = new double[20];
        v[0] = 1;
        v[11] = 1;
        TestFiles.writeRawNpy(
                fortran,
                "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 10), }",
                TestFiles.littleEndianDoubles(v));
        assertThatThrownBy(() -> SoftLabels.read(fortran))
                .isInstanceOf(InvalidDataException.class)
                .hasMessageStartingWith(fortran + ": is in Fortran order ('fortran_order': True)");

        // DJL 0.33 + PyTorch would decode big-endian data with the wrong byte order: refused up front
        Path bigEndian = tmp.resolve("big-endian.npy");
        java.nio.ByteBuffer be = java.nio.ByteBuffer.allocate(20 * 8); // big-endian by default
        for (double d : v) {
            be.putDouble(d);
        }
        TestFiles.writeRawNpy(bigEndian, "{'descr': '>f8', 'fortran_order': False, 'shape': (2, 10), }", be.array());
        assertThatThrownBy(() -> SoftLabels.read(bigEndian))
                .isInstanceOf(InvalidDataException.class)
                .hasMessageStartingWith(bigEndian + ": dtype >f8 is big-endian");

        Path headerCut = tmp.resolve("header-cut.npy");
        Files.write(headerCut, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1});
        assertThatThrownBy(() -> SoftLabels.read(headerCut))
                .hasMessage(headerCut + ": is truncated inside the .npy header");

        Path missing = tmp.resolve("cifar10h-probs.npy");
        assertThatThrownBy(() -> SoftLabels.read(missing)).hasMessage(missing + ": not found");

        Path extra = tmp.resolve("extra.npy");
        SoftLabels.write(extra, rows(2));
        Files.write(extra, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> SoftLabels.read(extra))
                .hasMessage(extra + ": has trailing bytes after the (2, 10) float64 array");
    }

    @Test
    void argmaxTiesGoToLowestIndexLikeNumpy() {
        double[][] r = {
            {0, 0.4, 0, 0.4, 0.2, 0, 0, 0, 0, 0},
            {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1},
            {0, 0, 0, 0, 0, 0, 0, 0, 0.5, 0.5},
        };
        SoftLabels s = SoftLabels.of(r);
        assertThat(s.argmaxes()).containsExactly(1, 0, 8);
        assertThat(s.maxProb(0)).isEqualTo(0.4);
    }

    @Test
    void entropyInNats() {
        double[][] r = {
            {1, 0, 0, 0, 0, 0, 0, 0, 0, 0},
            {0.5, 0.5, 0, 0, 0, 0, 0, 0, 0, 0},
            {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1},
            {0.7, 0.2, 0.1, 0, 0, 0, 0, 0, 0, 0},
        };
        SoftLabels s = SoftLabels.of(r);
        assertThat(s.entropy(0)).isEqualTo(0.0);
        assertThat(s.entropy(1)).isCloseTo(Math.log(2), within(1e-12));
        assertThat(s.entropy(2)).isCloseTo(Math.log(10), within(1e-12));
        assertThat(s.entropy(3))
                .isCloseTo(-(0.7 * Math.log(0.7) + 0.2 * Math.log(0.2) + 0.1 * Math.log(0.1)), within(1e-12));
    }

    @Test
    void entropyThresholdReplacesLowEntropyRowsByOneHot() {
        double[][] r = {
            {0.98, 0.02, 0, 0, 0, 0, 0, 0, 0, 0}, // H ≈ 0.098
            {0.5, 0.5, 0, 0, 0, 0, 0, 0, 0, 0}, // H = ln 2 ≈ 0.693
            {0, 0, 0.9, 0.1, 0, 0, 0, 0, 0, 0}, // H ≈ 0.325
        };
        SoftLabels s = SoftLabels.of(r);
        SoftLabels t = s.withEntropyThreshold(0.4);
        assertThat(t.row(0)).containsExactly(1, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(t.row(1)).containsExactly(r[1]);
        assertThat(t.row(2)).containsExactly(0, 0, 1, 0, 0, 0, 0, 0, 0, 0);
        assertThat(s.withEntropyThreshold(0)).isEqualTo(s);
        assertThat(s.row(0)).containsExactly(r[0]); // original untouched
        // strictly below: a row whose entropy equals the threshold is kept
        assertThat(s.withEntropyThreshold(s.entropy(1)).row(1)).containsExactly(r[1]);
        assertThatThrownBy(() -> s.withEntropyThreshold(-1))
                .isInstanceOf(InvalidDataException.class)
                .hasMessage("entropyThreshold: -1 is not ≥ 0");
        assertThatThrownBy(() -> s.withEntropyThreshold(Double.NaN)).hasMessage("entropyThreshold: NaN is not ≥ 0");
    }

    @Test
    void floatExportAndSubset() {
        SoftLabels s = SoftLabels.of(rows(4));
        float[] f = s.toFloatArray();
        assertThat(f).hasSize(40);
        assertThat(f[0]).isEqualTo(0.7f);
        SoftLabels sub = s.subset(new int[] {3, 1});
        assertThat(sub.row(0)).containsExactly(s.row(3));
        assertThat(sub.row(1)).containsExactly(s.row(1));
    }

    static double[] flat(double[][] r) {
        double[] out = new double[r.length * r[0].length];
        for (int i = 0; i < r.length; i++) {
            System.arraycopy(r[i], 0, out, i * r[0].length, r[0].length);
        }
        return out;
    }
}
