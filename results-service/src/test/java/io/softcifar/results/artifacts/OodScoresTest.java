package io.softcifar.results.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** .npy files written here byte by byte from the format's specification (NEP 1); counts worked out by hand. */
public class OodScoresTest {

    /** Version 1.0: magic, version, little-endian header length, the header padded with spaces to 64, data. */
    public static byte[] npy(String descr, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - total % 64) % 64) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x93);
        out.writeBytes("NUMPY".getBytes(StandardCharsets.US_ASCII));
        out.write(1);
        out.write(0);
        out.write(header.length() & 0xff);
        out.write(header.length() >> 8);
        out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(data);
        return out.toByteArray();
    }

    /** The dump's score files of {@code runId} for the hand-worked example: test 0, 0.1, 0.5, 1; SVHN 0.2, 0.3, 0.9. */
    public static void putExampleScores(io.softcifar.storage.ObjectStore store, String runId) {
        store.putBytes(
                io.softcifar.contracts.storage.ObjectKeys.evaluationFile(runId, "test_native_scores.npy"),
                npy("<f4", "(4,)", floats(0f, 0.1f, 0.5f, 1f)),
                "application/octet-stream");
        store.putBytes(
                io.softcifar.contracts.storage.ObjectKeys.evaluationFile(runId, "ood_svhn_native_scores.npy"),
                npy("<f4", "(3,)", floats(0.2f, 0.3f, 0.9f)),
                "application/octet-stream");
    }

    public static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    @Test
    void aFloat32VectorIsReadBack() {
        float[] v = OodScores.readFloat32Vector("s.npy", npy("<f4", "(3,)", floats(1.5f, -2f, 0.25f)));
        assertThat(v).containsExactly(1.5f, -2f, 0.25f);
    }

    @Test
    void sharedEdgesAndCountsByHand() {
        // scores 0, 0.1, 0.5, 1 (test) and 0.2, 0.3, 0.9 (OOD): range [0, 1], 4 bins of 0.25;
        // test: 0 and 0.1 in bin 0, 0.5 in bin 2, 1 in the last bin (upper edge included) → 2, 0, 1, 1
        // OOD: 0.2 → 0, 0.3 → 1, 0.9 → 3 → 1, 1, 0, 1
        OodScores.Histogram h =
                OodScores.histogram("svhn", new float[] {0f, 0.1f, 0.5f, 1f}, new float[] {0.2f, 0.3f, 0.9f}, 4);
        assertThat(h.edges()).containsExactly(0.0, 0.25, 0.5, 0.75, 1.0);
        assertThat(h.inDistribution()).containsExactly(2, 0, 1, 1);
        assertThat(h.outOfDistribution()).containsExactly(1, 1, 0, 1);
        assertThat(h.inCount()).isEqualTo(4);
        assertThat(h.outCount()).isEqualTo(3);
    }

    @Test
    void nonFiniteScoresAreLeftOutAndOneValueStillHasABin() {
        OodScores.Histogram h = OodScores.histogram("x", new float[] {2f, Float.NaN}, new float[] {2f}, 2);
        assertThat(h.edges()).containsExactly(2.0, 2.5, 3.0);
        assertThat(h.inDistribution()).containsExactly(1, 0);
        assertThat(h.outOfDistribution()).containsExactly(1, 0);
    }

    @Test
    void otherFilesAreRefusedWithTheirName() {
        assertThatThrownBy(() -> OodScores.readFloat32Vector("a.npy", "hello world!".getBytes()))
                .hasMessage("a.npy: not an .npy file");
        assertThatThrownBy(() -> OodScores.readFloat32Vector("b.npy", npy("<f8", "(1,)", new byte[8])))
                .hasMessageStartingWith("b.npy: expected a little-endian float32 vector");
        assertThatThrownBy(() -> OodScores.readFloat32Vector("c.npy", npy("<f4", "(2, 2)", new byte[16])))
                .hasMessageStartingWith("c.npy: expected a little-endian float32 vector");
        assertThatThrownBy(() -> OodScores.readFloat32Vector("d.npy", npy("<f4", "(5,)", new byte[8])))
                .hasMessage("d.npy: 5 float32 values announced, 8 bytes of data");
    }
}
