package io.softcifar.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.softcifar.ml.model.Method;
import io.softcifar.ml.model.ModelConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Format 2 (issue 12): SNGP's spectral-norm vectors of 3×3 convs have the conv's output/input shape, so a format-1
 * SNGP checkpoint (kernel-matrix vectors) is refused with one clear line, while format-1 checkpoints of the other
 * methods, whose headers have no {@code imageSize}, still load as 32×32 models.
 */
class CheckpointVersionTest {

    @TempDir
    Path dir;

    /** A checkpoint holding only its header, as JSON edited to look like one written by format {@code version}. */
    private Path headerOnly(String name, Method method, int version, boolean withImageSize, int imageSize)
            throws IOException {
        TrainConfig config = TrainConfig.protocol(method, LabelMode.SOFT)
                .withModel(ModelConfig.defaults(method).withImageSize(imageSize));
        Checkpoint.Header header = new Checkpoint.Header(
                Checkpoint.FORMAT,
                version,
                Checkpoint.Kind.BEST,
                3,
                config,
                new float[] {0.5f, 0.5f, 0.5f},
                new float[] {0.25f, 0.25f, 0.25f},
                1.5,
                2,
                List.of(),
                Checkpoint.RNG_SCHEME,
                1000,
                "2026-12-01T00:00:00Z",
                null);
        ObjectNode json = Checkpoint.JSON.valueToTree(header);
        ObjectNode model = (ObjectNode) json.get("config").get("model");
        assertThat(model.get("imageSize").asInt()).isEqualTo(imageSize);
        if (!withImageSize) {
            model.remove("imageSize");
        }
        Path file = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(file);
                ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(Checkpoint.HEADER_ENTRY));
            zip.write(Checkpoint.JSON.writeValueAsBytes(json));
            zip.closeEntry();
        }
        return file;
    }

    @Test
    void theCurrentFormatIsTwoAndKeepsTheImageSize() throws IOException {
        assertThat(Checkpoint.VERSION).isEqualTo(2);
        Path file = headerOnly("sngp-v2.ckpt", Method.SNGP, 2, true, 8);
        try (NDManager m = NDManager.newBaseManager()) {
            assertThat(Checkpoint.read(file, m).modelConfig().imageSize()).isEqualTo(8);
        }
        assertThat(Checkpoint.readHeader(file).config().model().imageSize()).isEqualTo(8);
    }

    @Test
    void aFormatOneSngpCheckpointIsRefusedWithOneLine() throws IOException {
        Path file = headerOnly("sngp-v1.ckpt", Method.SNGP, 1, false, 32);
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> Checkpoint.read(file, m))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(file + ": is an SNGP checkpoint of format version 1, whose spectral norm of 3×3 convs"
                            + " was the kernel matrix's; since version 2 it is the convolution operator's, so this"
                            + " model must be trained again");
        }
    }

    @Test
    void formatOneCheckpointsOfOtherMethodsStillLoadAsThirtyTwoPixelModels() throws IOException {
        for (Method method : new Method[] {Method.BASIC, Method.DROPOUT, Method.DUQ}) {
            Path file = headerOnly(method.id() + "-v1.ckpt", method, 1, false, 32);
            try (NDManager m = NDManager.newBaseManager()) {
                Checkpoint.Loaded loaded = Checkpoint.read(file, m);
                assertThat(loaded.header().version()).isEqualTo(1);
                assertThat(loaded.modelConfig().imageSize()).as(method.id()).isEqualTo(32);
                assertThat(loaded.modelConfig()).isEqualTo(ModelConfig.defaults(method));
            }
        }
    }
}
