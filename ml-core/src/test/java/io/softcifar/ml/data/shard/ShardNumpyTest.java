package io.softcifar.ml.data.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.softcifar.ml.data.LabeledImages;
import io.softcifar.ml.data.SoftLabelDataset;
import io.softcifar.ml.data.SyntheticData;
import io.softcifar.testsupport.Required;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shards are what numpy reads and writes: checked against numpy itself (without python3 + numpy: skipped, or failed with CI=true). */
class ShardNumpyTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path tmp;

    @BeforeAll
    static void needNumpy() throws Exception {
        Required.present(Files.isExecutable(PYTHON), "no /usr/bin/python3: numpy cross-check not run");
        Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import numpy")
                .redirectErrorStream(true)
                .start();
        probe.getInputStream().readAllBytes();
        Required.present(
                probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "numpy is not importable by /usr/bin/python3: numpy cross-check not run");
    }

    private static String python(String script, String... args) throws Exception {
        String[] cmd = new String[args.length + 3];
        cmd[0] = PYTHON.toString();
        cmd[1] = "-c";
        cmd[2] = script;
        System.arraycopy(args, 0, cmd, 3, args.length);
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isZero();
        return out;
    }

    @Test
    void numpyLoadsAWrittenShardWithTheDocumentedDtypesShapesAndValues() throws Exception {
        SoftLabelDataset d = SyntheticData.dataset(17, 3);
        int[] idx = new int[17];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = 9000 + 7 * i;
        }
        Path shard = tmp.resolve("train-00000.npz");
        ShardWriter.write(shard, d, idx);
        // the expected values, written as plain text by Java, independently of the NPZ path
        Path expected = tmp.resolve("expected.txt");
        StringBuilder sb = new StringBuilder();
        for (byte b : d.images().pixels()) {
            sb.append(b & 0xFF).append(' ');
        }
        sb.append('\n');
        for (float f : d.softLabels().toFloatArray()) {
            sb.append(Float.toString(f)).append(' ');
        }
        sb.append('\n');
        for (int h : d.hardLabels()) {
            sb.append(h).append(' ');
        }
        sb.append('\n');
        for (int i : idx) {
            sb.append(i).append(' ');
        }
        Files.writeString(expected, sb.append('\n').toString());

        String out = python(
                String.join(
                        "\n",
                        "import sys, numpy as np",
                        "z = np.load(sys.argv[1])",
                        "lines = open(sys.argv[2]).read().split('\\n')",
                        "x, p, y, i = z['images'], z['soft_labels'], z['hard_labels'], z['indices']",
                        "assert sorted(z.files) == ['hard_labels', 'images', 'indices', 'soft_labels'], z.files",
                        "assert x.dtype == np.uint8 and x.shape == (17, 3, 32, 32), (x.dtype, x.shape)",
                        "assert p.dtype == np.float32 and p.shape == (17, 10), (p.dtype, p.shape)",
                        "assert y.dtype == np.int64 and y.shape == (17,), (y.dtype, y.shape)",
                        "assert i.dtype == np.int64 and i.shape == (17,), (i.dtype, i.shape)",
                        "assert np.array_equal(x.reshape(-1), np.array(lines[0].split(), dtype=np.int64))",
                        "assert np.array_equal(p.reshape(-1), np.array(lines[1].split(), dtype=np.float32))",
                        "assert np.array_equal(y, np.array(lines[2].split(), dtype=np.int64))",
                        "assert np.array_equal(y, p.argmax(1))",
                        "assert np.array_equal(i, np.array(lines[3].split(), dtype=np.int64))",
                        "print('ok', int(x[0, 0, 0, 0]), int(x.max()))"),
                shard.toString(),
                expected.toString());
        assertThat(out).startsWith("ok " + (d.images().pixels()[0] & 0xFF) + " ");
    }

    @Test
    void readsShardsWrittenByNumpySavezAndSavezCompressed() throws Exception {
        for (String fn : new String[] {"savez", "savez_compressed"}) {
            Path shard = tmp.resolve(fn + ".npz");
            python(
                    String.join(
                            "\n",
                            "import sys, numpy as np",
                            "n = 4",
                            "x = (np.arange(n * 3 * 32 * 32) % 256).astype(np.uint8).reshape(n, 3, 32, 32)",
                            "p = np.zeros((n, 10), np.float32); p[np.arange(n), [3, 1, 4, 1]] = 0.75; p[:, 9] += 0.25",
                            "np." + fn + "(sys.argv[1], indices=np.array([10, 20, 30, 40]), hard_labels=p.argmax(1),"
                                    + " soft_labels=p, images=x)"),
                    shard.toString());
            LabeledShard s = ShardReader.read(shard);
            assertThat(s.count()).as(fn).isEqualTo(4);
            assertThat(s.indices()).as(fn).containsExactly(10, 20, 30, 40);
            assertThat(s.data().hardLabels()).as(fn).containsExactly(3, 1, 4, 1);
            assertThat(s.data().softLabels().get(2, 9)).as(fn).isEqualTo(0.25);
            assertThat(s.data().images().pixel(1, 0, 0, 0)).as(fn).isEqualTo(LabeledImages.IMAGE_BYTES % 256);
            assertThat(s.data().images().pixel(0, 0, 0, 255)).as(fn).isEqualTo(255);
        }
    }
}
