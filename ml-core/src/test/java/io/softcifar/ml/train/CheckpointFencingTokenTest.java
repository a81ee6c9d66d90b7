package io.softcifar.ml.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.softcifar.ml.model.Method;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer-service's lease token in the checkpoint header: written when given, read back; a header without it
 * (every checkpoint written before) reads as null, and the field is then not written at all.
 */
class CheckpointFencingTokenTest {

    @TempDir
    Path dir;

    private static Checkpoint.Header header(Long token) {
        return new Checkpoint.Header(
                Checkpoint.FORMAT,
                Checkpoint.VERSION,
                Checkpoint.Kind.EPOCH,
                3,
                TrainConfig.protocol(Method.BASIC, LabelMode.SOFT),
                new float[] {0.5f, 0.5f, 0.5f},
                new float[] {0.25f, 0.25f, 0.25f},
                1.5,
                2,
                List.of(),
                Checkpoint.RNG_SCHEME,
                1000,
                "2026-12-01T00:00:00Z",
                token);
    }

    @Test
    void theTokenIsWrittenAndReadBack() {
        Path file = dir.resolve("with.ckpt");
        Checkpoint.write(file, header(7L), Map.of(), null);

        assertThat(Checkpoint.readHeader(file).fencingToken()).isEqualTo(7L);
    }

    @Test
    void aHeaderWithoutATokenReadsAsNullAndDoesNotMentionIt() throws IOException {
        Path file = dir.resolve("without.ckpt");
        Checkpoint.write(file, header(null), Map.of(), null);

        assertThat(Checkpoint.readHeader(file).fencingToken()).isNull();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String json = new String(
                    zip.getInputStream(zip.getEntry(Checkpoint.HEADER_ENTRY)).readAllBytes(), StandardCharsets.UTF_8);
            assertThat(json).contains("\"epochsCompleted\"").doesNotContain("fencingToken");
        }
    }
}
