package io.softcifar.ml.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar100BinaryTest {

    @TempDir
    Path tmp;

    @Test
    void roundTripsWithFineLabels() {
        LabeledImages images = SyntheticData.cifar100LikeImages(30, 5);
        assertThat(java.util.Arrays.stream(images.labels()).allMatch(l -> l >= 0 && l < 100))
                .isTrue();
        Path f = tmp.resolve("test.bin");
        Cifar100Binary.write(f, images);
        assertThat(f).hasSize(30L * 3074);
        assertThat(Cifar100Binary.read(f)).isEqualTo(images);
    }

    @Test
    void recordIsCoarseFineThenPixels() throws Exception {
        byte[] raw = new byte[3074];
        raw[0] = 19;
        raw[1] = 99;
        raw[2 + 2 * 1024 + 31 * 32] = 5; // B, row 31, col 0
        Path f = tmp.resolve("test.bin");
        Files.write(f, raw);
        assertThat(Cifar100Binary.read(f).labels()).containsExactly(99);
        assertThat(Cifar100Binary.readCoarse(f).labels()).containsExactly(19);
        assertThat(Cifar100Binary.read(f).pixel(0, 2, 31, 0)).isEqualTo(5);
    }

    @Test
    void writesGivenCoarseLabels() {
        LabeledImages images = SyntheticData.cifar100LikeImages(3, 1);
        Path f = tmp.resolve("test.bin");
        Cifar100Binary.write(f, images, new int[] {0, 7, 19});
        assertThat(Cifar100Binary.readCoarse(f).labels()).containsExactly(0, 7, 19);
        assertThat(Cifar100Binary.read(f).labels()).containsExactly(images.labels());
    }

    @Test
    void badInputs() throws Exception {
        Path f = tmp.resolve("test.bin");
        Cifar100Binary.write(f, SyntheticData.cifar100LikeImages(2, 1));
        byte[] raw = Files.readAllBytes(f);

        raw[3074 + 1] = 100;
        Files.write(f, raw);
        assertThatThrownBy(() -> Cifar100Binary.read(f))
                .isInstanceOf(InvalidDataException.class)
                .hasMessage(f + ": record 1 has fine label 100 (expected 0..99)");

        raw[3074 + 1] = 3;
        raw[0] = 20;
        Files.write(f, raw);
        assertThatThrownBy(() -> Cifar100Binary.read(f))
                .hasMessage(f + ": record 0 has coarse label 20 (expected 0..19)");

        // a CIFAR-10 file is not a whole number of CIFAR-100 records
        Path c10 = tmp.resolve("c10.bin");
        Cifar10Binary.write(c10, SyntheticData.images(2, 1));
        assertThatThrownBy(() -> Cifar100Binary.read(c10))
                .hasMessage(c10 + ": size 6146 is not a multiple of 3074 bytes (truncated?)");
    }
}
