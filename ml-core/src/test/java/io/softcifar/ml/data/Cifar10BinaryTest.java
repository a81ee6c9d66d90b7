package io.softcifar.ml.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar10BinaryTest {

    @TempDir
    Path tmp;

    @Test
    void roundTripsImagesAndLabels() {
        LabeledImages images = SyntheticData.images(23, 1);
        Path f = tmp.resolve("data.bin");
        Cifar10Binary.write(f, images);
        assertThat(f).hasSize(23L * 3073);
        LabeledImages back = Cifar10Binary.read(f);
        assertThat(back).isEqualTo(images);
        assertThat(back.count()).isEqualTo(23);
    }

    @Test
    void recordLayoutIsLabelThenRgbPlanesRowMajor() throws Exception {
        byte[] raw = new byte[2 * 3073];
        raw[0] = 7;
        raw[3073] = 2;
        // image 1: G plane (channel 1), row 4, column 9
        raw[3073 + 1 + 1024 + 4 * 32 + 9] = (byte) 250;
        // image 0: B plane, last pixel
        raw[3072] = 17;
        Path f = tmp.resolve("hand.bin");
        Files.write(f, raw);

        LabeledImages li = Cifar10Binary.read(f);
        assertThat(li.labels()).containsExactly(7, 2);
        assertThat(li.pixel(1, 1, 4, 9)).isEqualTo(250);
        assertThat(li.pixels()[LabeledImages.offset(1, 1, 4, 9)] & 0xFF).isEqualTo(250);
        assertThat(li.pixel(0, 2, 31, 31)).isEqualTo(17);
        assertThat(li.image(1)[1024 + 4 * 32 + 9] & 0xFF).isEqualTo(250);
    }

    @Test
    void readAllConcatenates() {
        LabeledImages a = SyntheticData.images(4, 1);
        LabeledImages b = SyntheticData.images(3, 2);
        Cifar10Binary.write(tmp.resolve("a.bin"), a);
        Cifar10Binary.write(tmp.resolve("b.bin"), b);
        LabeledImages all = Cifar10Binary.readAll(List.of(tmp.resolve("a.bin"), tmp.resolve("b.bin")));
        assertThat(all.count()).isEqualTo(7);
        assertThat(all.subset(new int[] {4, 5, 6})).isEqualTo(b);
        assertThat(all.first(4)).isEqualTo(a);
    }

    @Test
    void truncatedFileIsRejectedWithSize() throws Exception {
        Path f = tmp.resolve("test_batch.bin");
        Cifar10Binary.write(f, SyntheticData.images(3, 1));
        TestFiles.truncate(f, 1);
        assertThatThrownBy(() -> Cifar10Binary.read(f))
                .isInstanceOf(InvalidDataException.class)
                .hasMessage(f + ": size 9218 is not a multiple of 3073 bytes (truncated?)");
    }

    @Test
    void labelOutOfRangeIsRejected() throws Exception {
        Path f = tmp.resolve("test_batch.bin");
        Cifar10Binary.write(f, SyntheticData.images(3, 1));
        byte[] raw = Files.readAllBytes(f);
        raw[3073] = 12;
        Files.write(f, raw);
        assertThatThrownBy(() -> Cifar10Binary.read(f))
                .isInstanceOf(InvalidDataException.class)
                .hasMessage(f + ": record 1 has label 12 (expected 0..9)");
    }

    @Test
    void missingAndEmptyFiles() throws Exception {
        Path missing = tmp.resolve("nope.bin");
        assertThatThrownBy(() -> Cifar10Binary.read(missing))
                .isInstanceOf(InvalidDataException.class)
                .hasMessage(missing + ": not found");
        Path empty = Files.createFile(tmp.resolve("empty.bin"));
        assertThatThrownBy(() -> Cifar10Binary.read(empty)).hasMessageStartingWith(empty + ": is empty");
        assertThatThrownBy(() -> Cifar10Binary.read(tmp)).hasMessage(tmp + ": is not a regular file");
    }

    @Test
    void writeRejectsLabelsOutsideTen() {
        LabeledImages bad = new LabeledImages(new byte[3072], new int[] {10});
        Path f = tmp.resolve("w.bin");
        assertThatThrownBy(() -> Cifar10Binary.write(f, bad))
                .isInstanceOf(InvalidDataException.class)
                .hasMessage(f + ": cannot write label 10 of image 0 (expected 0..9)");
    }

    @Test
    void labeledImagesValidatesSizes() {
        assertThatThrownBy(() -> new LabeledImages(new byte[3071], new int[] {0}))
                .isInstanceOf(InvalidDataException.class)
                .hasMessage("pixels: 3071 bytes for 1 images (expected 3072)");
        assertThatThrownBy(() -> new LabeledImages(new byte[3072], new int[] {0, 1}, 1))
                .hasMessage("labels: 2 labels for 1 images");
    }
}
