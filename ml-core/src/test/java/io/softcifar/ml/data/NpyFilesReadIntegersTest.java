package io.softcifar.ml.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyFilesReadIntegersTest {

    @TempDir
    Path dir;

    @Test
    void int64AndInt32AreReadExactlyWithTheirShape() {
        Path int64 = dir.resolve("a.npy");
        long big = (1L << 53) + 1; // not representable as a double: the values must not pass through one
        NpyFiles.writeInt64(int64, new long[] {0, 1, 2, -3, 4, big}, 2, 3);
        NpyFiles.Integers a = NpyFiles.readIntegers(int64, "int64");
        assertThat(a.shape()).containsExactly(2, 3);
        assertThat(a.data()).containsExactly(0, 1, 2, -3, 4, big);

        Path int32 = dir.resolve("b.npy");
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NpyFiles.write(int32, m.create(new int[] {7, -8, 9}, new Shape(3)));
        }
        NpyFiles.Integers b = NpyFiles.readIntegers(int32, "int64");
        assertThat(b.shape()).containsExactly(3);
        assertThat(b.data()).containsExactly(7, -8, 9);
    }

    @Test
    void anotherDtypeOrAFileThatIsNoNpyIsNamedWithTheProblem() throws IOException {
        Path floats = dir.resolve("f.npy");
        NpyFiles.writeFloat64(floats, new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertThatThrownBy(() -> NpyFiles.readIntegers(floats, "int64 (annotator counts)"))
                .isInstanceOf(InvalidDataException.class)
                .hasMessage(floats + ": dtype float64 is not int64 (annotator counts) (shape (2, 3))");

        Path text = Files.writeString(dir.resolve("t.npy"), "not numpy");
        assertThatThrownBy(() -> NpyFiles.readIntegers(text, "int64"))
                .isInstanceOf(InvalidDataException.class)
                .hasMessageStartingWith(text + ": is not a NumPy .npy file");
    }

    @Test
    void shapesPrintAsNumpyPrintsThem() {
        assertThat(NpyFiles.shapeString(new long[] {5, 10})).isEqualTo("(5, 10)");
        assertThat(NpyFiles.shapeString(new long[] {7})).isEqualTo("(7,)");
    }
}
