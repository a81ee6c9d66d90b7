package io.softcifar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.softcifar.testsupport.Required;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PyTorch eager peers of {@code bench train} and {@code bench evaluate} run, print the figures the bench reads,
 * and write an operator trace that {@link ChromeTraces} sums (tiny sizes: this checks that they work, not their
 * speed). Needs /usr/bin/python3 with torch (Debian: python3-torch); with CI=true a missing one fails the test.
 */
class PeerScriptsIT {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static String home;

    @BeforeAll
    static void benchDirectory() throws Exception {
        Required.present(Files.isExecutable(PYTHON), PYTHON + " is missing (Debian: apt-get install python3-torch)");
        Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import torch")
                .redirectErrorStream(true)
                .start();
        probe.getInputStream().readAllBytes();
        Required.present(probe.waitFor() == 0, PYTHON + " cannot import torch (Debian: python3-torch)");
        home = System.getProperty("softcifar.home");
        System.setProperty(
                "softcifar.home", Path.of("..").toAbsolutePath().normalize().toString());
    }

    @AfterAll
    static void restore() {
        if (home == null) {
            System.clearProperty("softcifar.home");
        } else {
            System.setProperty("softcifar.home", home);
        }
    }

    @Test
    void theTrainingPeerReportsPhasesAndWritesATraceOfTheResNetsOperators(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("peer.json");
        Map<String, Object> out = PeerScript.run(
                PYTHON.toString(),
                "pytorch_resnet20_train.py",
                List.of(
                        "--method",
                        "basic",
                        "--batch",
                        "2",
                        "--warmup",
                        "0",
                        "--steps",
                        "2",
                        "--profile",
                        trace.toString()),
                1,
                null);
        assertThat(out).doesNotContainKey("error").containsKey("images_per_second");
        assertThat(((Number) out.get("images_per_second")).doubleValue()).isPositive();
        @SuppressWarnings("unchecked")
        Map<String, Number> phases = (Map<String, Number>) out.get("milliseconds_per_step");
        assertThat(phases).containsKeys("input", "forward", "backward", "optimizer", "afterStep");
        assertThat(phases.get("backward").doubleValue()).isPositive();
        Map<String, Double> ops = ChromeTraces.millisecondsPerStep(trace, 2);
        assertThat(ops).containsKeys("aten::convolution", "aten::native_batch_norm");
        assertThat(ops.get("aten::convolution")).isPositive();
    }

    @Test
    void theEvaluationPeerReportsItsRatesAndEachMethodsFullMetricSet() {
        Map<String, Object> out = PeerScript.run(
                PYTHON.toString(),
                "pytorch_resnet20_evaluate.py",
                List.of(
                        "--images",
                        "8",
                        "--fgsm-images",
                        "8",
                        "--batch",
                        "4",
                        "--mc-samples",
                        "2",
                        "--full",
                        "basic,dropout,sngp",
                        "--test",
                        "8",
                        "--ood",
                        "6"),
                1,
                null);
        assertThat(out).doesNotContainKey("error");
        for (String key : List.of(
                "inference_images_per_second",
                "mc_dropout_images_per_second",
                "fgsm_images_per_second",
                "fgsm_mc_dropout_images_per_second",
                "full_basic_images_per_second",
                "full_dropout_images_per_second",
                "full_sngp_images_per_second")) {
            assertThat(((Number) out.get(key)).doubleValue()).as(key).isPositive();
        }
        // accuracy, NLL, Brier, ECE, KL, soft cross-entropy; AUROC + AUPR of three scores; the FGSM decrease
        assertThat(out).containsEntry("full_sngp_metrics", 6 + 6 + 1);
        // Debian's torch loads the system's libblas.so.3 (reference or OpenBLAS): the peer names what it loaded
        assertThat(String.valueOf(out.get("blas"))).contains("libblas.so.3");
    }

    @Test
    void theEvaluationPeerRunsItsBackboneInBf16WhenAsked() {
        Map<String, Object> out = PeerScript.run(
                PYTHON.toString(),
                "pytorch_resnet20_evaluate.py",
                List.of(
                        "--images",
                        "4",
                        "--fgsm-images",
                        "4",
                        "--batch",
                        "4",
                        "--mc-samples",
                        "2",
                        "--full",
                        "sngp",
                        "--test",
                        "4",
                        "--ood",
                        "4",
                        "--precision",
                        "bf16"),
                1,
                null);
        assertThat(out).doesNotContainKey("error");
        assertThat(out).containsEntry("precision", "bf16");
        assertThat(((Number) out.get("full_sngp_images_per_second")).doubleValue())
                .isPositive();
        assertThat(out).containsEntry("full_sngp_metrics", 6 + 6 + 1);
    }

    @Test
    void theEvaluationPeerRefusesAMethodItCannotEvaluate() {
        Map<String, Object> out =
                PeerScript.run(PYTHON.toString(), "pytorch_resnet20_evaluate.py", List.of("--full", "duq"), 1, null);
        assertThat(String.valueOf(out.get("error"))).contains("--full: unknown method 'duq'");
    }

    @Test
    void aMissingScriptIsAnErrorNamingIt() {
        Map<String, Object> out = PeerScript.run(PYTHON.toString(), "no_such_peer.py", List.of(), 1, null);
        assertThat(String.valueOf(out.get("error"))).contains("no_such_peer.py").contains("not found");
    }

    @Test
    void aFailingPeerIsAnErrorWithTheLastLineItWroteToStderr() {
        Map<String, Object> out =
                PeerScript.run(PYTHON.toString(), "pytorch_resnet20_train.py", List.of("--method", "nope"), 1, null);
        assertThat(String.valueOf(out.get("error")))
                .contains("failed:")
                .contains("invalid choice: 'nope'")
                .contains("install python3-torch, or pass --python");
    }
}
