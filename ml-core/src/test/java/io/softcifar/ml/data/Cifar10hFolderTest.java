package io.softcifar.ml.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar10hFolderTest {

    @TempDir
    Path tmp;

    @Test
    void loadsASyntheticFolder() {
        Path dir = SyntheticData.writeCifar10hFolder(tmp.resolve("c10h"), 200, 7);
        assertThat(dir.resolve("test_batch.bin")).hasSize(200L * 3073);
        assertThat(dir.resolve("cifar10h-probs.npy")).exists();
        assertThat(dir.resolve("batches.meta.txt")).exists();

        SoftLabelDataset d = Cifar10hFolder.load(dir);
        assertThat(d.size()).isEqualTo(200);
        assertThat(d.images()).isEqualTo(SyntheticData.images(200, 7));
        assertThat(d.softLabels().toArray()).isDeepEqualTo(SyntheticData.softLabels(d.officialLabels(), 8));
        assertThat(Cifar10hFolder.classNames(dir)).isEqualTo(Cifar10hFolder.CIFAR10_CLASS_NAMES);
    }

    @Test
    void missingFolderAndFiles() throws Exception {
        Path nowhere = tmp.resolve("nowhere");
        assertThatThrownBy(() -> Cifar10hFolder.load(nowhere))
                .isInstanceOf(InvalidDataException.class)
                .hasMessage(nowhere + ": not found");

        Path dir = SyntheticData.writeCifar10hFolder(tmp.resolve("c10h"), 20, 1);
        Files.delete(dir.resolve("cifar10h-probs.npy"));
        assertThatThrownBy(() -> Cifar10hFolder.load(dir))
                .isInstanceOf(InvalidDataException.class)
                .hasMessage(dir + "/cifar10h-probs.npy: not found");

        Path dir2 = SyntheticData.writeCifar10hFolder(tmp.resolve("c10h-2"), 20, 1);
        Files.delete(dir2.resolve("test_batch.bin"));
        assertThatThrownBy(() -> Cifar10hFolder.load(dir2)).hasMessage(dir2 + "/test_batch.bin: not found");

        Path file = Files.createFile(tmp.resolve("a-file"));
        assertThatThrownBy(() -> Cifar10hFolder.load(file)).hasMessage(file + ": is not a directory");
    }

    @Test
    void countMismatchNamesBothFiles() {
        Path dir = SyntheticData.writeCifar10hFolder(tmp.resolve("c10h"), 20, 1);
        SoftLabels.write(dir.resolve("cifar10h-probs.npy"), SyntheticData.softLabels(new int[19], 3));
        assertThatThrownBy(() -> Cifar10hFolder.load(dir))
                .isInstanceOf(InvalidDataException.class)
                .hasMessage(dir + "/cifar10h-probs.npy: 19 rows but " + dir + "/test_batch.bin has 20 images");
    }

    @Test
    void badClassNamesFile() throws Exception {
        Path dir = SyntheticData.writeCifar10hFolder(tmp.resolve("c10h"), 10, 1);
        Files.writeString(dir.resolve("batches.meta.txt"), "cat\ndog\n");
        assertThatThrownBy(() -> Cifar10hFolder.classNames(dir))
                .hasMessage(dir + "/batches.meta.txt: 2 class names (expected 10)");
        Files.delete(dir.resolve("batches.meta.txt"));
        assertThat(Cifar10hFolder.classNames(dir)).hasSize(10).startsWith("airplane", "automobile");
        Cifar10hFolder.writeClassNames(dir, List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"));
        assertThat(Cifar10hFolder.classNames(dir)).endsWith("j");
    }
}
